"""Connections and transactions: one connection per operation, the database created and migrated on first use.

Every SQL statement of the product lives in this package, in portable SQL, so another backend can follow
without touching domain code: generic statements here (insert, update, select by column name), named
queries in queries.py and indicators.py, the tables in schema.py and their history in migrations.py.
"""

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import sqlite_utils

from portfolio_engine.errors import DatabaseBusy, DiskFull, StorageError, UnknownColumn
from portfolio_engine.settings import database_path
from portfolio_engine.storage import migrations
from portfolio_engine.storage.schema import TABLES, rows

BUSY_TIMEOUT_MS = 10_000


def _unreadable(path: Path, err: Exception) -> StorageError:
    return StorageError(
        f"The database {path} is unreadable or not a Commons Portfolio database ({err}). "
        "Nothing was changed; move it aside to start a new one."
    )


def _storage_error(path: Path | None, err: sqlite3.Error) -> NoReturn:
    """Raise what a person is told about a database error: busy, full, read-only, conflicting, or (only then) unreadable.

    Errors of our own making (a wrong statement) are raised as they are: they are bugs, not damaged files."""
    explained = _explained(path, err)
    if explained is None:
        raise err
    raise explained from err


def _explained(path: Path | None, err: sqlite3.Error) -> StorageError | None:
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
    return _unreadable(path or database_path(), err)


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back if a transaction is still open: SQLite ends it by itself after some errors (a full disk), and the original error must show."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):  # the error that brought us here is the one to report
            conn.execute("ROLLBACK")


def connect(path: Path | None = None) -> sqlite_utils.Database:
    """A new connection (one per operation or thread) with WAL and a busy timeout."""
    path = Path(path or database_path())
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


def migrate(path: Path | None = None) -> int:
    """Create a missing database and apply pending migrations; returns the schema version."""
    db = connect(path)
    try:
        conn = db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = migrations.apply_pending(db)
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
        return version
    except sqlite3.Error as err:
        _storage_error(path, err)
    finally:
        db.conn.close()


def schema_version(path: Path | None = None) -> int:
    """How many of the known migrations the database has applied (0 for a new database)."""
    db = connect(path)
    try:
        return migrations.version(db)
    except sqlite3.Error as err:
        _storage_error(path, err)
    finally:
        db.conn.close()


@cache
def _migrated(path: str) -> int:
    return migrate(Path(path))


def ready(path: Path | None = None) -> sqlite_utils.Database:
    """A connection to a database that was created and migrated (once per process and file)."""
    _migrated(str(Path(path or database_path()).resolve()))
    return connect(path)


@contextmanager
def writing(path: Path | None = None) -> Iterator[sqlite_utils.Database]:
    """One write transaction (BEGIN IMMEDIATE: writers queue instead of failing), committed or rolled back."""
    db = ready(path)
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.conn.execute("COMMIT")
        except BaseException:
            _rollback(db.conn)
            raise
    except sqlite3.Error as err:
        _storage_error(path, err)
    finally:
        db.conn.close()


@contextmanager
def reading(path: Path | None = None) -> Iterator[sqlite_utils.Database]:
    """A connection for reads, closed afterwards."""
    db = ready(path)
    try:
        yield db
    except sqlite3.Error as err:
        _storage_error(path, err)
    finally:
        db.conn.close()


def _table(name: str) -> str:
    if name not in TABLES:
        raise ValueError(f"unknown table {name}")
    return name


_SCHEMA: dict[str, frozenset[str]] = {}


def _read_columns(db: sqlite_utils.Database, table: str) -> frozenset[str]:
    _SCHEMA[table] = frozenset(row[1] for row in db.execute(f"PRAGMA table_info({_table(table)})").fetchall())
    return _SCHEMA[table]


def _columns(db: sqlite_utils.Database, table: str, names: Iterable[str]) -> list[str]:
    """The names, each checked against the table's schema (read once per table): only schema names ever reach SQL.

    A name not in the cached schema is checked once more against the database (a later migration may have added it)."""
    names = list(names)
    unknown = [n for n in names if n not in (_SCHEMA.get(table) or _read_columns(db, table))]
    if unknown and (still := [n for n in unknown if n not in _read_columns(db, table)]):
        raise UnknownColumn(f"'{str(still[0])[:80]}' is not a field of {table}: nothing was saved.")
    return names


def insert(db: sqlite_utils.Database, table: str, row: dict) -> None:
    columns = _columns(db, table, row)
    db.execute(f"INSERT INTO {_table(table)} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
               [row[c] for c in columns])


def update(db: sqlite_utils.Database, table: str, row_id: str, changes: dict) -> None:
    assignments = ", ".join(f"{c} = ?" for c in _columns(db, table, changes))
    db.execute(f"UPDATE {_table(table)} SET {assignments} WHERE id = ?", [*changes.values(), row_id])


def select(db: sqlite_utils.Database, table: str, order: str = "created_at", **where: object) -> list[dict]:
    """Rows matching column = value filters, oldest first (filter and order names must be columns of the table)."""
    columns = _columns(db, table, [*where, order])[:-1]
    clauses = " AND ".join(f"{c} = ?" for c in columns)
    sql = f"SELECT * FROM {_table(table)}" + (f" WHERE {clauses}" if clauses else "") + f" ORDER BY {order}"
    return rows(db.execute(sql, [where[c] for c in columns]))


def select_one(db: sqlite_utils.Database, table: str, **where: Any) -> dict | None:
    found = select(db, table, **where)
    return found[0] if found else None


def has_keyed_records(path: Path) -> bool:
    """Whether the database file holds anything made under the installation key (audit entries, participants, voter codes).

    Read-only: a missing file is a new database, and is not created here."""
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
