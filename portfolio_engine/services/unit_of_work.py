"""One database handle per use case: reads see one snapshot, writes commit or roll back together."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from portfolio_engine import storage

Handle = storage.Handle  # what a use case takes: the database as one unit of work sees it (either engine)


@contextmanager
def unit_of_work(path: Path | None = None, *, write: bool = False) -> Iterator[Handle]:
    """A handle for one use case. Reading (the default) opens a transaction, so every read sees the same snapshot
    even while others write; `write=True` is one write transaction, committed at the end or rolled back on error."""
    if write:
        with storage.writing(path) as db:
            yield db
        return
    with storage.snapshot(path) as db:
        yield db
