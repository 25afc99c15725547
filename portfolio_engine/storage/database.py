"""Connections and transactions: one connection per operation, the database created and migrated on first use.

Every SQL statement of the product lives in this package, in portable SQL, so the engine is chosen here and nowhere
else: a SQLite file (the default: `PORTFOLIO_DB` or var/portfolio.db) or a PostgreSQL server (`DATABASE_URL`,
postgres.py). Generic statements here (insert, update, select by column name), named queries in queries.py and
indicators.py, the tables in schema.py and their history in migrations.py.
"""

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import sqlite_utils

from portfolio_engine.errors import DatabaseBusy, DiskFull, StorageError, UnknownColumn
from portfolio_engine.settings import database_path, database_url
from portfolio_engine.storage import migrations, postgres
from portfolio_engine.storage.postgres import PgDatabase
from portfolio_engine.storage.schema import TABLES, Handle, rows

BUSY_TIMEOUT_MS = 10_000
Location = Path | str  # a SQLite file, or a postgresql:// URL


def engine_errors() -> tuple[type[Exception], ...]:
    """The errors either engine raises (psycopg's only once a server was used); evaluated when an exception is matched."""
    return (sqlite3.Error, *postgres.errors())


def location(path: Location | None = None) -> Location:
    """Where the database is: the given file or URL, else `DATABASE_URL`, else the SQLite file (`PORTFOLIO_DB`, var/portfolio.db)."""
    if path is not None:
        return path if postgres.is_url(path) else Path(path)
    return database_url() or database_path()


def describe(path: Location | None = None) -> str:
    """The database as messages name it: the file, or the server and database without a password."""
    where = location(path)
    return postgres.label(where) if isinstance(where, str) else str(where)


def _unreadable(path: Path, err: Exception) -> StorageError:
    return StorageError(
        f"The database {path} is unreadable or not a Commons Portfolio database ({err}). "
        "Nothing was changed; move it aside to start a new one."
    )


def _storage_error(path: Location | None, err: Exception) -> NoReturn:
    """Raise what a person is told about a database error: busy, full, read-only, conflicting, or (only then) unreadable.

    Errors of our own making (a wrong statement) are raised as they are: they are bugs, not damaged files."""
    where = location(path)
    explained = postgres.explained(where, err) if isinstance(where, str) and isinstance(err, postgres.errors()) else \
        _explained(Path(where), err) if isinstance(err, sqlite3.Error) else None
    if explained is None:
        raise err
    raise explained from err


def _explained(path: Path, err: sqlite3.Error) -> StorageError | None:
    """The error a person can act on, or None for a bug."""
    message = str(err).lower()
    if "locked" in message or "busy" in message:
        return DatabaseBusy("The database is busy; please try again in a moment. Nothing was changed.")
    if "full" in message:
        return DiskFull("The disk is full: nothing was saved. Free some space on the server (or ask its administrator) and try again.")
    if "readonly" in message or "read-only" in message:
        return StorageError("The database is read-only for this server: nothing was saved. Ask the administrator to check its permissions.")
    if "disk i/o" in message:
        return StorageError("The disk could not read or write the database (disk I/O error): nothing was saved. Please try again.")
    if isinstance(err, sqlite3.IntegrityError):
        return StorageError(f"Nothing was saved: the change conflicts with what is stored ({err}).")
    if isinstance(err, sqlite3.ProgrammingError | sqlite3.InterfaceError) or (
            isinstance(err, sqlite3.OperationalError) and not message.startswith(("unable to open", "database disk image"))):
        return None
    return _unreadable(path, err)


def in_transaction(db: Handle) -> bool:
    return postgres.in_transaction(db) if isinstance(db, PgDatabase) else bool(db.conn.in_transaction)  # type: ignore[attr-defined]


def _rollback(db: Handle) -> None:
    """Roll back if a transaction is still open: SQLite ends it by itself after some errors (a full disk), and the original error must show."""
    if in_transaction(db):
        with suppress(*engine_errors()):  # the error that brought us here is the one to report
            db.execute("ROLLBACK")


def release(db: Handle) -> None:
    """Close a SQLite connection, or give a PostgreSQL one back to its pool."""
    if isinstance(db, PgDatabase):
        db.close()
    else:
        db.conn.close()  # type: ignore[attr-defined]


def begin_write(db: Handle) -> None:
    """Start a write transaction in which writers queue instead of failing (BEGIN IMMEDIATE, or the server's writers' lock)."""
    if isinstance(db, PgDatabase):
        postgres.begin_write(db, BUSY_TIMEOUT_MS)
    else:
        db.execute("BEGIN IMMEDIATE")


def begin_snapshot(db: Handle) -> None:
    """Start a read transaction: every read until it ends sees the same snapshot, even while others write."""
    if isinstance(db, PgDatabase):
        postgres.begin_snapshot(db)
    else:
        db.execute("BEGIN")


def connect(path: Location | None = None) -> Any:
    """A new connection (one per operation or thread): SQLite with WAL and a busy timeout, or one from the server's pool."""
    where = location(path)
    if isinstance(where, str):
        return postgres.connect(where, BUSY_TIMEOUT_MS / 1000)
    return _connect_file(where)


def _connect_file(path: Path) -> sqlite_utils.Database:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except OSError as err:
        raise _unreadable(path, err) from err
    except sqlite3.Error as err:
        _storage_error(path, err)
    return sqlite_utils.Database(conn)


def migrate(path: Location | None = None) -> int:
    """Create a missing database and apply pending migrations; returns the schema version."""
    db = connect(path)
    try:
        begin_write(db)
        try:
            version = migrations.apply_pending(db)
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise
        return version
    except engine_errors() as err:
        _storage_error(path, err)
    finally:
        release(db)


def schema_version(path: Location | None = None) -> int:
    """How many of the known migrations the database has applied (0 for a new database)."""
    db = connect(path)
    try:
        return migrations.version(db)
    except engine_errors() as err:
        _storage_error(path, err)
    finally:
        release(db)


@cache
def _migrated(where: Location) -> int:
    return migrate(where)


def ready(path: Location | None = None) -> Any:
    """A connection to a database that was created and migrated (once per process and file or server)."""
    where = location(path)
    _migrated(where if isinstance(where, str) else where.resolve())
    return connect(where)


@contextmanager
def writing(path: Location | None = None, *, on: Any = None) -> Iterator[Any]:
    """One write transaction (writers queue instead of failing), committed or rolled back; on a connection of its own, or
    `on` one the caller holds (and keeps open: say one holding a staged import in its temporary tables)."""
    db = ready(path) if on is None else on
    try:
        begin_write(db)
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise
    except engine_errors() as err:
        _storage_error(path, err)
    finally:
        if on is None:
            release(db)


@contextmanager
def reading(path: Location | None = None) -> Iterator[Any]:
    """A connection for reads, closed (or given back to the pool) afterwards."""
    db = ready(path)
    try:
        yield db
    except engine_errors() as err:
        _storage_error(path, err)
    finally:
        release(db)


@contextmanager
def snapshot(path: Location | None = None) -> Iterator[Any]:
    """A connection whose reads all see one snapshot (a read transaction), ended afterwards."""
    with reading(path) as db:
        begin_snapshot(db)
        try:
            yield db
        finally:
            _rollback(db)


def table_info(db: Handle, table: str) -> list[tuple[str, str | None]]:
    """Each column's name and default literal (None when it has none), in the table's order, on either engine."""
    if isinstance(db, PgDatabase):
        return db.table_info(table)
    return [(row[1], row[4]) for row in db.execute(f"PRAGMA table_info({table})").fetchall()]


def _table(name: str) -> str:
    if name not in TABLES:
        raise ValueError(f"unknown table {name}")
    return name


_SCHEMA: dict[str, frozenset[str]] = {}


def _read_columns(db: Handle, table: str) -> frozenset[str]:
    _SCHEMA[table] = frozenset(name for name, _ in table_info(db, _table(table)))
    return _SCHEMA[table]


def _columns(db: Handle, table: str, names: Iterable[str]) -> list[str]:
    """The names, each checked against the table's schema (read once per table): only schema names ever reach SQL.

    A name not in the cached schema is checked once more against the database (a later migration may have added it)."""
    names = list(names)
    unknown = [n for n in names if n not in (_SCHEMA.get(table) or _read_columns(db, table))]
    if unknown and (still := [n for n in unknown if n not in _read_columns(db, table)]):
        raise UnknownColumn(f"'{str(still[0])[:80]}' is not a field of {table}: nothing was saved.")
    return names


def insert(db: Handle, table: str, row: dict) -> None:
    columns = _columns(db, table, row)
    db.execute(f"INSERT INTO {_table(table)} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
               [row[c] for c in columns])


def update(db: Handle, table: str, row_id: str, changes: dict) -> None:
    assignments = ", ".join(f"{c} = ?" for c in _columns(db, table, changes))
    db.execute(f"UPDATE {_table(table)} SET {assignments} WHERE id = ?", [*changes.values(), row_id])


def select(db: Handle, table: str, order: str = "created_at", **where: object) -> list[dict]:
    """Rows matching column = value filters, oldest first, ties in insertion order (filter and order names must be columns of the table)."""
    columns = _columns(db, table, [*where, order])[:-1]
    clauses = " AND ".join(f"{c} = ?" for c in columns)
    sql = f"SELECT * FROM {_table(table)}" + (f" WHERE {clauses}" if clauses else "") + f" ORDER BY {order}, rowid"  # ties: insertion order
    return rows(db.execute(sql, [where[c] for c in columns]))


def select_one(db: Handle, table: str, **where: Any) -> dict | None:
    found = select(db, table, **where)
    return found[0] if found else None


def has_keyed_records(path: Location | None = None) -> bool:
    """Whether the database holds anything made under the installation key (audit entries, participants, voter codes).

    Read-only: a missing file is a new database, and is not created here."""
    path = location(path)
    if isinstance(path, str):
        try:
            return postgres.has_keyed_records(path, BUSY_TIMEOUT_MS / 1000)
        except postgres.errors() as err:
            _storage_error(path, err)
    if not Path(path).exists():
        return False
    try:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            return any(conn.execute(f"SELECT EXISTS (SELECT 1 FROM {t})").fetchone()[0]
                       for t in ("audit_log", "participants", "voter_codes") if t in tables)
        finally:
            conn.close()
    except sqlite3.Error as err:
        _storage_error(path, err)
