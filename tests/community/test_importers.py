"""The import kinds registry: the command line offers every kind, and the Data page names them from the registry."""

from pathlib import Path

from portfolio_engine.cli.main import build_parser
from portfolio_engine.community.importers import IMPORT_KINDS

ROOT = Path(__file__).resolve().parents[2]


def test_the_command_line_offers_every_import_kind():
    parser = build_parser()
    group = next(a for a in parser._actions if a.dest == "command").choices["indicators"]
    command = next(a for a in group._actions if a.dest == "action").choices["import"]
    assert tuple(next(a for a in command._actions if a.dest == "kind").choices) == tuple(IMPORT_KINDS)


def test_the_data_page_reads_its_kinds_from_the_registry():
    source = (ROOT / "pages" / "data.py").read_text(encoding="utf-8")
    assert all(f"\"{kind.words}\"" not in source for kind in IMPORT_KINDS.values())
    assert "IMPORT_KINDS[kind].run" in source
