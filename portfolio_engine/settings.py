"""Every setting the engine reads from the environment, and where the shipped data lives.

One function per environment variable, read at call time (tests and the command line change the
environment between calls), so nothing else in the engine touches `os.environ`. The shipped data
(catalog, status quo, assumptions, mapping, demo city) is package data, found through
`importlib.resources` so an installed copy reads the same files as a checkout.
"""

import os
from importlib.resources import files
from pathlib import Path

from portfolio_engine.errors import PortfolioError

ROOT = Path(__file__).resolve().parent.parent  # the checkout (or, installed, site-packages)
DATA_DIR = Path(str(files("portfolio_engine") / "data"))
CATALOG_FILE = DATA_DIR / "catalog.json"
STATUS_QUO_FILE = DATA_DIR / "status_quo.json"
ASSUMPTIONS_FILE = DATA_DIR / "assumptions.json"
CHDB_MAPPING_FILE = DATA_DIR / "chdb_mapping.csv"
DEMO_CITY_DIR = DATA_DIR / "demo_city"
DEFAULT_RETENTION_DAYS = 90


def _env(name: str) -> str | None:
    """The variable's value, None when unset or empty."""
    return os.environ.get(name) or None


def database_path() -> Path:
    """The SQLite file: `PORTFOLIO_DB`, else `var/portfolio.db` in the checkout (in the current folder when installed)."""
    configured = _env("PORTFOLIO_DB")
    if configured:
        return Path(configured)
    home = ROOT if (ROOT / "pyproject.toml").is_file() else Path.cwd()
    return home / "var" / "portfolio.db"


def database_url() -> str | None:
    """`DATABASE_URL` (postgresql://...): a PostgreSQL server instead of the SQLite file; None keeps the file (the default)."""
    return _env("DATABASE_URL")


def secret() -> str | None:
    """`PORTFOLIO_SECRET`: the audit chain's HMAC key given directly (None: use the key file)."""
    return _env("PORTFOLIO_SECRET")


def secret_file() -> Path:
    """`PORTFOLIO_SECRET_FILE`, else `secret.key` beside the database: where the HMAC key is kept."""
    return Path(_env("PORTFOLIO_SECRET_FILE") or database_path().with_name("secret.key"))


def key_setting() -> tuple[str | None, str | None, str | None]:
    """The raw values that decide which key file applies (key file, database file, server), cheap enough for a cache key on a hot path."""
    return _env("PORTFOLIO_SECRET_FILE"), _env("PORTFOLIO_DB"), _env("DATABASE_URL")


def steward_file() -> Path:
    """`PORTFOLIO_STEWARD_FILE`, else `steward.hash` beside the database: the data steward's passcode hash."""
    return Path(_env("PORTFOLIO_STEWARD_FILE") or database_path().with_name("steward.hash"))


def retention_days() -> int:
    """`PORTFOLIO_VOTE_RETENTION_DAYS` (default 90): days after a vote closes before `vote purge --expired` forgets its codes."""
    raw = os.environ.get("PORTFOLIO_VOTE_RETENTION_DAYS", "").strip()
    if not raw:
        return DEFAULT_RETENTION_DAYS
    if not raw.isdigit():
        raise PortfolioError(f"PORTFOLIO_VOTE_RETENTION_DAYS must be a whole number of days, not {raw[:20]!r}.")
    return int(raw)


def positive_int(name: str, default: int) -> int:
    """The variable `name` as a positive integer, `default` when unset; a bad value stops start-up with its name."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        value = 0
    if value <= 0:
        raise ValueError(f"{name} must be a positive whole number, not {raw!r}.")
    return value


def max_json_bytes() -> int:
    """`PORTFOLIO_MAX_JSON_BYTES` (default 5 MB): the largest JSON document parsed."""
    return positive_int("PORTFOLIO_MAX_JSON_BYTES", 5_000_000)


def max_json_depth() -> int:
    """`PORTFOLIO_MAX_JSON_DEPTH` (default 64): the deepest nesting of arrays and objects in one JSON document."""
    return positive_int("PORTFOLIO_MAX_JSON_DEPTH", 64)


def max_upload_bytes() -> int:
    """`PORTFOLIO_MAX_UPLOAD_BYTES` (default 50 MB): the largest uploaded or imported data file."""
    return positive_int("PORTFOLIO_MAX_UPLOAD_BYTES", 50_000_000)


def max_columns() -> int:
    """`PORTFOLIO_MAX_COLUMNS` (default 500): columns read from one imported table."""
    return positive_int("PORTFOLIO_MAX_COLUMNS", 500)


def max_rows() -> int:
    """`PORTFOLIO_MAX_ROWS` (default 2,000,000): rows read from one imported table."""
    return positive_int("PORTFOLIO_MAX_ROWS", 2_000_000)
