"""Size limits for what a person may hand the parsers, each read once at start-up through `settings`.

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

from pathlib import Path

from portfolio_engine import settings
from portfolio_engine.errors import InputFormatError

MAX_JSON_BYTES: int = settings.max_json_bytes()
MAX_JSON_DEPTH: int = settings.max_json_depth()
MAX_UPLOAD_BYTES: int = settings.max_upload_bytes()
MAX_COLUMNS: int = settings.max_columns()
MAX_ROWS: int = settings.max_rows()

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
