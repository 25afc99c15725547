"""One database handle per use case: reads see one snapshot, writes commit or roll back together."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import sqlite_utils

from portfolio_engine import storage

Handle = sqlite_utils.Database  # what a use case takes: the database as one unit of work sees it


@contextmanager
def unit_of_work(path: Path | None = None, *, write: bool = False) -> Iterator[Handle]:
    """A handle for one use case. Reading (the default) opens a transaction, so every read sees the same snapshot
    even while others write; `write=True` is one write transaction, committed at the end or rolled back on error."""
    if write:
        with storage.writing(path) as db:
            yield db
        return
    with storage.reading(path) as db:
        db.conn.execute("BEGIN")
        try:
            yield db
        finally:
            _end_read(db.conn)


def _end_read(conn: sqlite3.Connection) -> None:
    """End a read transaction (nothing to keep); a failure to end it must not hide the error that brought us here."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
