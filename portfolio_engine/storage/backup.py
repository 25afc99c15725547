"""Backups that restore, on either engine: one file format, a SQLite database holding every table.

A SQLite installation is copied with SQLite's online backup API (consistent while the app writes); a PostgreSQL one is
read in one snapshot and written into a new file migrated by the same named migrations. Restoring reads such a file
(an older one is first brought to the current schema on a private copy), refuses a database that already holds
records unless told to replace them, and writes every row in one transaction: the restored database is the backup,
or, if anything fails, unchanged. Rows keep their order (rowid), so the audit chains verify afterwards. A backup
never holds the key (docs/deploy.md): keep it apart. The same pair of commands moves an installation from SQLite to
PostgreSQL or back.
"""

import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from portfolio_engine.errors import StorageError
from portfolio_engine.storage import database, migrations, postgres
from portfolio_engine.storage.postgres import PgDatabase
from portfolio_engine.storage.schema import Handle

NOT_COPIED = frozenset({"schema_migrations"})  # the ledger: each database keeps its own, brought to the current version


def _tables(conn: sqlite3.Connection) -> list[str]:
    """The backup's data tables, each after the tables it references (parents first)."""
    names = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                   if r[0] not in NOT_COPIED)
    parents = {t: {r[2] for r in conn.execute(f"PRAGMA foreign_key_list({t})")} - {t} for t in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [t for t in names if t not in ordered and parents[t] <= set(ordered)]
        ordered.extend(ready or [t for t in names if t not in ordered])  # a cycle (none today): keep going in name order
    return ordered


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def _has_rowid(conn: sqlite3.Connection, table: str) -> bool:
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()[0]
    return "WITHOUT ROWID" not in sql.upper()


def backup(out: Path, path: database.Location | None = None) -> dict[str, int]:
    """Write the whole database to `out` (replaced only once complete); returns the rows per table."""
    out = Path(out)
    where = database.location(path)
    database.migrate(where)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    draft = Path(name)
    try:
        if isinstance(where, str):
            _server_to_file(where, draft)
        else:
            with closing(sqlite3.connect(where)) as source, closing(sqlite3.connect(draft)) as target:
                source.backup(target)  # SQLite's online backup: a consistent copy while others write
        counts = _counts(draft)
        draft.replace(out)
    except BaseException:
        draft.unlink(missing_ok=True)
        raise
    return counts


def _server_to_file(url: str, draft: Path) -> None:
    """Every table of the server, read in one snapshot, into a new SQLite file with the same schema."""
    draft.unlink()
    database.migrate(draft)
    with database.snapshot(url) as source, closing(sqlite3.connect(draft, isolation_level=None)) as target:
        target.execute("BEGIN")
        for table in _tables(target):
            columns = _columns(target, table)
            order = "rowid" if _has_rowid(target, table) else ", ".join(columns)
            target.execute(f"DELETE FROM {table}")  # the new file's own meta row: the server's is copied instead
            rows = source.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")
            target.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)
        target.execute("COMMIT")


def _counts(file: Path) -> dict[str, int]:
    with closing(sqlite3.connect(file)) as conn:
        return {t: int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in _tables(conn)}


def _readable_backup(file: Path) -> None:
    """Refuse what is not a backup of this app, or one made by a newer version (migrations this code does not know)."""
    try:
        with closing(sqlite3.connect(Path(file).resolve().as_uri() + "?mode=ro", uri=True)) as conn:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"meta", "schema_migrations"} <= names:
                raise StorageError(f"{Path(file).name} is not a Commons Portfolio backup: nothing was changed.")
            known = {m.name for m in migrations.MIGRATIONS}
            ledger = conn.execute("SELECT version, name FROM schema_migrations").fetchall()
            if any(v > migrations.LEDGER_BY_POSITION and n not in known for v, n in ledger):
                raise StorageError(f"{Path(file).name} was made by a newer version of Commons Portfolio: upgrade this one first. Nothing was changed.")
    except sqlite3.Error as err:
        raise StorageError(f"{Path(file).name} is not a readable backup ({err}): nothing was changed.") from err


def _holds_records(db: Handle, tables: list[str]) -> bool:
    present = set(db.table_names())
    return any(db.execute(f"SELECT EXISTS (SELECT 1 FROM {t})").fetchone()[0] for t in tables if t in present and t != "meta")


def restore(file: Path, path: database.Location | None = None, replace: bool = False) -> dict[str, int]:
    """Make the database hold exactly the backup's records, in one transaction; returns the rows per table.

    A database that already holds records is refused unless `replace` (then everything in it is replaced)."""
    if not Path(file).is_file():
        raise StorageError(f"There is no backup file {Path(file).name}: nothing was changed.")
    _readable_backup(Path(file))
    with tempfile.TemporaryDirectory(prefix="portfolio-restore-") as folder:
        copy = Path(folder) / "backup.db"
        shutil.copyfile(file, copy)
        database.migrate(copy)  # an older backup gains the columns and tables added since, as an upgrade would
        with closing(sqlite3.connect(copy)) as source, database.writing(path) as target:
            tables = _tables(source)
            if _holds_records(target, tables) and not replace:
                raise StorageError("This database already holds records: restore refuses to mix two installations. "
                                   "Restore into an empty database, or pass --replace to replace everything in it. Nothing was changed.")
            for table in reversed(tables):
                target.execute(f"DELETE FROM {table}")
            for table in tables:
                columns = _columns(source, table)
                order = "rowid" if _has_rowid(source, table) else ", ".join(columns)
                rows = source.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}").fetchall()
                if rows:
                    _insert_many(target, table, columns, rows)
        return _counts(copy)


def _insert_many(db: Handle, table: str, columns: list[str], rows: list[tuple]) -> None:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    if isinstance(db, PgDatabase):
        db.executemany(sql, rows)
        postgres.resync_identities(db, table)  # an AUTOINCREMENT column's next value follows the restored ones
    else:
        db.conn.executemany(sql, rows)  # type: ignore[attr-defined]
