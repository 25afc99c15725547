"""The local SQLite database: opened per operation, created and migrated on start.

Every SQL statement of the product lives in this module, in portable SQL, so another backend
can follow without touching domain code. Later features add their tables as new migrations.
"""

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import NoReturn

import sqlite_utils

from portfolio_engine.errors import PortfolioError, StorageError
from portfolio_engine.settings import database_path

BUSY_TIMEOUT_MS = 10_000


def _create_meta(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT INTO meta (key, value) VALUES ('created_at', ?)", [_now()])


WORKSHOP_TABLES = """
CREATE TABLE workshops (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, budget REAL NOT NULL, currency TEXT NOT NULL,
    status_quo TEXT NOT NULL, constraints TEXT, passcode_hash TEXT NOT NULL, join_code TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL, deviation_threshold REAL NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE participants (
    id TEXT PRIMARY KEY, workshop_id TEXT NOT NULL REFERENCES workshops(id), name TEXT NOT NULL,
    organization TEXT NOT NULL, sector TEXT NOT NULL, role TEXT NOT NULL, token_hash TEXT UNIQUE, created_at TEXT NOT NULL
);
CREATE TABLE proposals (
    id TEXT PRIMARY KEY, workshop_id TEXT NOT NULL REFERENCES workshops(id), participant_id TEXT NOT NULL REFERENCES participants(id),
    title TEXT NOT NULL, rationale TEXT NOT NULL, allocations TEXT NOT NULL, notes TEXT NOT NULL, origin TEXT NOT NULL,
    origin_details TEXT NOT NULL, assumptions TEXT, parent_id TEXT REFERENCES proposals(id), version INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE stances (
    id TEXT PRIMARY KEY, workshop_id TEXT NOT NULL REFERENCES workshops(id), proposal_id TEXT NOT NULL REFERENCES proposals(id),
    participant_id TEXT NOT NULL REFERENCES participants(id), stance TEXT NOT NULL, reason TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE decisions (
    id TEXT PRIMARY KEY, workshop_id TEXT NOT NULL REFERENCES workshops(id), proposal_id TEXT NOT NULL REFERENCES proposals(id),
    rationale TEXT NOT NULL, justifications TEXT NOT NULL, revision_reason TEXT, chain_head TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE audit_log (
    workshop_id TEXT NOT NULL, seq INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL,
    entity_id TEXT NOT NULL, before TEXT, after TEXT, created_at TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
    PRIMARY KEY (workshop_id, seq)
);
CREATE INDEX proposals_workshop ON proposals (workshop_id);
CREATE INDEX stances_proposal ON stances (proposal_id);
CREATE INDEX participants_workshop ON participants (workshop_id);
"""



INDICATOR_TABLES = """
CREATE TABLE provenance (
    id TEXT PRIMARY KEY, file_name TEXT NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL, imported_at TEXT NOT NULL,
    content_hash TEXT NOT NULL, rows INTEGER NOT NULL
);
CREATE TABLE indicator_values (
    provenance_id TEXT NOT NULL REFERENCES provenance(id), geo_id TEXT NOT NULL, geo_name TEXT NOT NULL, geo_level TEXT NOT NULL,
    parent_geo_id TEXT NOT NULL, group_type TEXT NOT NULL, group_name TEXT NOT NULL, indicator_id TEXT NOT NULL,
    indicator_name TEXT NOT NULL, vital_condition TEXT NOT NULL, period_start TEXT NOT NULL, period_end TEXT NOT NULL,
    period_label TEXT NOT NULL, value REAL, value_status TEXT NOT NULL, lci REAL, uci REAL, ci_level REAL, unit TEXT NOT NULL,
    higher_is_better INTEGER, measure_type TEXT NOT NULL, numerator REAL, denominator REAL, source TEXT NOT NULL, notes TEXT NOT NULL,
    PRIMARY KEY (indicator_id, geo_id, source, parent_geo_id, group_type, group_name, period_label)
) WITHOUT ROWID;
CREATE INDEX indicator_values_place ON indicator_values (geo_id);
"""



VOTE_TABLES = """
CREATE TABLE votes (
    id TEXT PRIMARY KEY, workshop_id TEXT REFERENCES workshops(id), title TEXT NOT NULL, ballot TEXT NOT NULL, rule TEXT NOT NULL,
    budget REAL NOT NULL, currency TEXT NOT NULL, options TEXT NOT NULL, projects TEXT NOT NULL, state TEXT NOT NULL,
    rules_hash TEXT, passcode_hash TEXT, created_at TEXT NOT NULL, opened_at TEXT, closed_at TEXT
);
CREATE TABLE voter_codes (
    code_hash TEXT PRIMARY KEY, vote_id TEXT NOT NULL REFERENCES votes(id), created_at TEXT NOT NULL
);
CREATE TABLE ballots (
    id TEXT PRIMARY KEY, vote_id TEXT NOT NULL REFERENCES votes(id), code_hash TEXT, paper_id TEXT, receipt_hash TEXT NOT NULL UNIQUE,
    content TEXT NOT NULL, neighborhood TEXT NOT NULL, group_name TEXT NOT NULL, why TEXT NOT NULL, paper INTEGER NOT NULL,
    current INTEGER NOT NULL, created_at TEXT NOT NULL
);
CREATE INDEX ballots_vote ON ballots (vote_id, current);
CREATE INDEX ballots_code ON ballots (code_hash);
"""



SIGNIN_TABLES = """
CREATE TABLE signin_attempts (
    scope TEXT NOT NULL, client TEXT NOT NULL, failures INTEGER NOT NULL, last_failure REAL NOT NULL, locked INTEGER NOT NULL,
    PRIMARY KEY (scope, client)
);
CREATE TABLE signin_log (
    scope TEXT NOT NULL, client TEXT NOT NULL, outcome TEXT NOT NULL, at TEXT NOT NULL
);
CREATE INDEX signin_log_scope ON signin_log (scope, at);
"""


def _script(sql: str) -> Callable[[sqlite_utils.Database], None]:
    """A migration that runs each statement of a DDL script."""

    def apply(db: sqlite_utils.Database) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                db.execute(statement)

    return apply


# Append only: a migration, once shipped, never changes; its position is its version.
MIGRATIONS: tuple[tuple[str, Callable[[sqlite_utils.Database], None]], ...] = (
    ("create meta", _create_meta),
    ("workshops, participants, proposals, stances, decisions, audit log", _script(WORKSHOP_TABLES)),
    ("indicator values and their provenance", _script(INDICATOR_TABLES)),
    ("resident votes, voter codes and ballots", _script(VOTE_TABLES)),
    ("sign-in attempts and their log (throttling)", _script(SIGNIN_TABLES)),
    ("audit entries found by the record they name", _script("CREATE INDEX audit_log_entity ON audit_log (workshop_id, entity, entity_id, seq)")),
    ("ballots: consent to publish 'why'; votes: when codes and free text were purged",
     _script("ALTER TABLE ballots ADD COLUMN why_public INTEGER NOT NULL DEFAULT 0; ALTER TABLE votes ADD COLUMN purged_at TEXT")),
)
TABLES = {"workshops", "participants", "proposals", "stances", "decisions", "audit_log", "provenance", "indicator_values", "votes",
          "voter_codes", "ballots", "signin_attempts", "signin_log"}


class DatabaseBusy(StorageError):
    """Another process held the write lock for longer than the busy timeout: try again."""


class DiskFull(StorageError):
    """The disk holding the database (or its journal) has no room left."""


class UnknownColumn(PortfolioError):
    """A field name that is not a column of the table: refused, never put into SQL."""


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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
            for version, (name, apply) in enumerate(MIGRATIONS, start=1):
                if version not in done:
                    apply(db)
                    conn.execute(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        [version, name, _now()],
                    )
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
        return len(MIGRATIONS)
    except sqlite3.Error as err:
        _storage_error(path, err)
    finally:
        db.conn.close()


def schema_version(path: Path | None = None) -> int:
    """The highest applied migration (0 for a new database)."""
    db = connect(path)
    try:
        if "schema_migrations" not in db.table_names():
            return 0
        return int(db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0])
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
    cursor = db.execute(sql, [where[c] for c in columns])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def select_one(db: sqlite_utils.Database, table: str, **where: object) -> dict | None:
    rows = select(db, table, **where)
    return rows[0] if rows else None


def last_audit(db: sqlite_utils.Database, workshop_id: str) -> dict | None:
    cursor = db.execute("SELECT seq, hash FROM audit_log WHERE workshop_id = ? ORDER BY seq DESC LIMIT 1", [workshop_id])
    row = cursor.fetchone()
    return {"seq": row[0], "hash": row[1]} if row else None


def last_audit_of(db: sqlite_utils.Database, chain_id: str, entity: str, entity_id: str) -> dict | None:
    """The newest audit entry of one record in a chain (its seq and after), or None if it was never audited."""
    cursor = db.execute("SELECT seq, after FROM audit_log WHERE workshop_id = ? AND entity = ? AND entity_id = ? ORDER BY seq DESC LIMIT 1",
                        [chain_id, entity, entity_id])
    row = cursor.fetchone()
    return {"seq": row[0], "after": row[1]} if row else None


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


def signin_rows(db: sqlite_utils.Database, scope: str) -> list[dict]:
    """Every client's failure counter for one sign-in scope."""
    cursor = db.execute("SELECT client, failures, last_failure, locked FROM signin_attempts WHERE scope = ?", [scope])
    return [{"client": c, "failures": f, "last_failure": t, "locked": bool(k)} for c, f, t, k in cursor.fetchall()]


def save_signin(db: sqlite_utils.Database, scope: str, client: str, failures: int, last_failure: float, locked: bool) -> None:
    db.execute("INSERT INTO signin_attempts (scope, client, failures, last_failure, locked) VALUES (?, ?, ?, ?, ?) "
               "ON CONFLICT (scope, client) DO UPDATE SET failures = excluded.failures, last_failure = excluded.last_failure, "
               "locked = excluded.locked", [scope, client, failures, last_failure, int(locked)])


def clear_signin(db: sqlite_utils.Database, scope: str, client: str | None = None) -> int:
    """Forget failures (one client's, or every client's in the scope); returns how many counters were cleared."""
    if client is None:
        return db.execute("DELETE FROM signin_attempts WHERE scope = ?", [scope]).rowcount
    return db.execute("DELETE FROM signin_attempts WHERE scope = ? AND client = ?", [scope, client]).rowcount


def log_signin(db: sqlite_utils.Database, scope: str, client: str, outcome: str) -> None:
    db.execute("INSERT INTO signin_log (scope, client, outcome, at) VALUES (?, ?, ?, ?)", [scope, client, outcome, _now()])


def signin_log(db: sqlite_utils.Database, scope: str, limit: int = 50) -> list[dict]:
    cursor = db.execute("SELECT client, outcome, at FROM signin_log WHERE scope = ? ORDER BY rowid DESC LIMIT ?", [scope, limit])
    return [{"client": c, "outcome": o, "at": a} for c, o, a in cursor.fetchall()]
