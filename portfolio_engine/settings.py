"""Where the shipped data and the local state live (PORTFOLIO_DB overrides the database)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
CATALOG_FILE = DATA_DIR / "catalog.json"
STATUS_QUO_FILE = DATA_DIR / "status_quo.json"
ASSUMPTIONS_FILE = DATA_DIR / "assumptions.json"


def database_path() -> Path:
    """The SQLite file: `PORTFOLIO_DB` when set, else `var/portfolio.db` in the project."""
    return Path(os.environ.get("PORTFOLIO_DB") or ROOT / "var" / "portfolio.db")
