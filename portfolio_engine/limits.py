"""Size limits for what a person may hand the parsers, each read once from an environment variable.

A served app parses documents, uploads and ballots from anyone; these bounds keep one input from
exhausting memory, time or the interpreter's stack. Defaults suit a city's data comfortably.

| variable | default | what it bounds |
|---|---|---|
| `PORTFOLIO_MAX_JSON_BYTES` | 5 MB | one JSON document (pasted, uploaded or read from a file) |
| `PORTFOLIO_MAX_JSON_DEPTH` | 64 | nesting of arrays and objects in one JSON document |
| `PORTFOLIO_MAX_UPLOAD_BYTES` | 50 MB | one uploaded or imported data file |
| `PORTFOLIO_MAX_COLUMNS` | 500 | columns in one imported table |
| `PORTFOLIO_MAX_ROWS` | 2,000,000 | rows in one imported table |
"""

import os
from pathlib import Path

from portfolio_engine.errors import InputFormatError


def _positive_int(name: str, default: int) -> int:
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


MAX_JSON_BYTES: int = _positive_int("PORTFOLIO_MAX_JSON_BYTES", 5_000_000)
MAX_JSON_DEPTH: int = _positive_int("PORTFOLIO_MAX_JSON_DEPTH", 64)
MAX_UPLOAD_BYTES: int = _positive_int("PORTFOLIO_MAX_UPLOAD_BYTES", 50_000_000)
MAX_COLUMNS: int = _positive_int("PORTFOLIO_MAX_COLUMNS", 500)
MAX_ROWS: int = _positive_int("PORTFOLIO_MAX_ROWS", 2_000_000)

# Not configurable: a thousand trillion in any currency is above any public budget, and sums of
# amounts below it stay far from float overflow. Amounts, budgets, costs and ballot values above it are refused.
MAX_AMOUNT: float = 1e15


def read_text(path: Path) -> str:
    """A person's text file (UTF-8, a byte-order mark allowed), refused naming the file when larger than MAX_UPLOAD_BYTES."""
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_UPLOAD_BYTES + 1)
    except OSError as err:
        raise InputFormatError(f"Cannot read {path}: {err.strerror}.") from err
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputFormatError(f"{path} is too large (the limit is {MAX_UPLOAD_BYTES:,} bytes, PORTFOLIO_MAX_UPLOAD_BYTES).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFormatError(f"Cannot read {path} as UTF-8 text.") from None
