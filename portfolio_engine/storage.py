"""The local SQLite database: opened per operation, created and migrated on start.

Every SQL statement of the product lives in this module, in portable SQL, so another backend
can follow without touching domain code. Later features add their tables as new migrations.
"""

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from .errors import StorageError
from .paths import database_path

BUSY_TIMEOUT_MS = 10_000


def _create_meta(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT INTO meta (key, value) VALUES ('created_at', ?)", [_now()])


# Append only: a migration, once shipped, never changes; its position is its version.
MIGRATIONS: tuple[tuple[str, Callable[[sqlite_utils.Database], None]], ...] = (
    ("create meta", _create_meta),
)


def _unreadable(path: Path, err: Exception) -> StorageError:
    return StorageError(
        f"The database {path} is unreadable or not a Commons Portfolio database ({err}). "
        "Nothing was changed; move it aside to start a new one."
    )


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
    except (OSError, sqlite3.DatabaseError) as err:
        raise _unreadable(path, err) from err
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
            conn.execute("ROLLBACK")
            raise
        return len(MIGRATIONS)
    except sqlite3.DatabaseError as err:
        raise _unreadable(path or database_path(), err) from err
    finally:
        db.conn.close()


def schema_version(path: Path | None = None) -> int:
    """The highest applied migration (0 for a new database)."""
    db = connect(path)
    try:
        if "schema_migrations" not in db.table_names():
            return 0
        return int(db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0])
    except sqlite3.DatabaseError as err:
        raise _unreadable(path or database_path(), err) from err
    finally:
        db.conn.close()
