"""pyproject.toml: `pip install .` ships every data file and a working command (the install itself is checked by hand, see the README)."""

import importlib
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_shipped_data_file_is_package_data():
    package = ROOT / "portfolio_engine"
    shipped = {p for pattern in PROJECT["tool"]["setuptools"]["package-data"]["portfolio_engine"] for p in package.glob(pattern)}
    data = {p for p in (package / "data").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert data - shipped == set()


def test_the_command_points_at_the_cli():
    module, _, name = PROJECT["project"]["scripts"]["commons-portfolio"].partition(":")
    assert callable(getattr(importlib.import_module(module), name))
