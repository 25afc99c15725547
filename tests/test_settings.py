"""settings.py: the one place the engine reads its environment, and the shipped data inside the package."""

import ast
from pathlib import Path

import pytest

from portfolio_engine import settings
from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import load_catalog

ENGINE = Path(settings.__file__).resolve().parent


def test_the_shipped_data_lives_inside_the_package():
    assert settings.DATA_DIR == ENGINE / "data"
    assert {p.name for p in settings.DATA_DIR.iterdir()} >= {"catalog.json", "status_quo.json", "assumptions.json", "chdb_mapping.csv", "demo_city"}
    assert len(load_catalog(settings.CATALOG_FILE).ids) == 13


def _reads_environment(path: Path) -> bool:
    """Whether a module mentions os.environ or os.getenv."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os"
               and node.attr in ("environ", "getenv") for node in ast.walk(tree))


def test_only_settings_reads_the_environment():
    readers = sorted(str(p.relative_to(ENGINE)) for p in ENGINE.rglob("*.py") if _reads_environment(p))
    assert readers == ["settings.py"]


def test_files_follow_the_environment_at_call_time(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTFOLIO_DB", str(tmp_path / "a" / "p.db"))
    monkeypatch.delenv("PORTFOLIO_SECRET_FILE", raising=False)
    monkeypatch.delenv("PORTFOLIO_STEWARD_FILE", raising=False)
    assert settings.secret_file() == tmp_path / "a" / "secret.key"
    assert settings.steward_file() == tmp_path / "a" / "steward.hash"
    monkeypatch.setenv("PORTFOLIO_SECRET_FILE", str(tmp_path / "k"))
    monkeypatch.setenv("PORTFOLIO_STEWARD_FILE", str(tmp_path / "s"))
    assert (settings.secret_file(), settings.steward_file()) == (tmp_path / "k", tmp_path / "s")


def test_retention_days_default_and_refusal(monkeypatch):
    monkeypatch.delenv("PORTFOLIO_VOTE_RETENTION_DAYS", raising=False)
    assert settings.retention_days() == 90
    monkeypatch.setenv("PORTFOLIO_VOTE_RETENTION_DAYS", "ninety")
    with pytest.raises(PortfolioError, match="PORTFOLIO_VOTE_RETENTION_DAYS"):
        settings.retention_days()


def test_a_bad_limit_names_its_variable(monkeypatch):
    monkeypatch.setenv("PORTFOLIO_MAX_ROWS", "-3")
    with pytest.raises(ValueError, match="PORTFOLIO_MAX_ROWS"):
        settings.max_rows()
