"""The storage layer: every SQL statement of the engine lives in this package.

database.py chooses the engine (a SQLite file by default, a PostgreSQL server with DATABASE_URL: postgres.py),
opens connections and transactions and holds the generic statements (insert, update, select by column name);
schema.py the tables; migrations.py their named, append-only history;
queries.py and indicators.py the named queries. Callers use `from portfolio_engine import storage`.
"""

from portfolio_engine.settings import database_path
from portfolio_engine.storage import backup, database, indicators, migrations, postgres
from portfolio_engine.storage.database import (
    BUSY_TIMEOUT_MS,
    Handle,
    Location,
    connect,
    describe,
    has_keyed_records,
    insert,
    location,
    migrate,
    reading,
    ready,
    schema_version,
    select,
    select_one,
    snapshot,
    update,
    writing,
)
from portfolio_engine.storage.migrations import MIGRATIONS, Migration
from portfolio_engine.storage.queries import (
    CountedAmounts,
    ballot_amounts_seal,
    clear_signin,
    column_defaults,
    counted_ballot_amounts,
    counted_ballot_lines,
    drop_ballot_amounts,
    last_audit,
    last_audit_of,
    log_signin,
    save_ballot_amounts_seal,
    save_draft,
    save_signin,
    signin_log,
    signin_rows,
    voter_codes_issued,
)
from portfolio_engine.storage.schema import TABLES

__all__ = [
    "BUSY_TIMEOUT_MS", "MIGRATIONS", "TABLES", "Handle", "Location", "Migration", "backup", "clear_signin", "column_defaults",
    "CountedAmounts", "ballot_amounts_seal", "counted_ballot_amounts", "drop_ballot_amounts", "save_ballot_amounts_seal",
    "counted_ballot_lines", "connect", "database", "database_path", "describe", "has_keyed_records", "location", "postgres", "snapshot",
    "indicators", "insert", "last_audit", "last_audit_of", "log_signin", "migrate",
    "migrations", "reading", "ready", "save_draft", "save_signin", "schema_version", "select", "select_one", "signin_log", "signin_rows", "update",
    "voter_codes_issued", "writing",
]
