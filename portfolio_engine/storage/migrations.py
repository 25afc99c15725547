"""Named migrations: append only, and a migration once shipped never changes (neither its name nor what it does).

The ledger (schema_migrations) records the name of every applied migration; a database is brought up to
date by applying, in order, each migration whose name is not in its ledger. The schema version is the
number of migrations applied. Ledgers written before names identified migrations still count by
position: their first seven versions are the first seven migrations below.

To change a table, append a migration (adding a nullable column keeps every audit chain valid:
entries cover the columns they recorded, see record/audit.py), then give the column to its table's row
type (row_types.py), to the export fields (record/exports.py) and to docs/architecture.md's list.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from portfolio_engine.storage.schema import BALLOT_AMOUNTS, INDICATOR_COMPACT, INDICATOR_TABLES, META_TABLE, SIGNIN_TABLES, VOTE_TABLES, WORKSHOP_TABLES, Handle


@dataclass(frozen=True)
class Migration:
    """One step of the schema: a stable name (recorded in the ledger) and what it does."""

    name: str
    apply: Callable[[Any], None]  # takes the engine's handle (schema.Handle); runs the SQLite dialect, translated for PostgreSQL


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def script(sql: str) -> Callable[[sqlite_utils.Database], None]:
    """A migration that runs each statement of a DDL script."""

    def apply(db: sqlite_utils.Database) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                db.execute(statement)

    return apply


def _create_meta(db: sqlite_utils.Database) -> None:
    db.execute(META_TABLE)
    db.execute("INSERT INTO meta (key, value) VALUES ('created_at', ?)", [now()])


def _ballot_amounts(db: Any) -> None:
    """Each split ballot's amounts as float64 bytes with a keyed tag (voting/ballot_amounts.py), filled in for the ballots already stored."""
    script(BALLOT_AMOUNTS)(db)
    from portfolio_engine.voting import ballot_amounts  # noqa: PLC0415 (the engine above storage, only when this migration runs)

    ballot_amounts.backfill_all(db)


MIGRATIONS: tuple[Migration, ...] = (
    Migration("create meta", _create_meta),
    Migration("workshops, participants, proposals, stances, decisions, audit log", script(WORKSHOP_TABLES)),
    Migration("indicator values and their provenance", script(INDICATOR_TABLES)),
    Migration("resident votes, voter codes and ballots", script(VOTE_TABLES)),
    Migration("sign-in attempts and their log (throttling)", script(SIGNIN_TABLES)),
    Migration("audit entries found by the record they name", script("CREATE INDEX audit_log_entity ON audit_log (workshop_id, entity, entity_id, seq)")),
    Migration("ballots: consent to publish 'why'; votes: when codes and free text were purged",
              script("ALTER TABLE ballots ADD COLUMN why_public INTEGER NOT NULL DEFAULT 0; ALTER TABLE votes ADD COLUMN purged_at TEXT")),
    Migration("participants' drafts: their current sliders, overwritten, outside the record",
              script("CREATE TABLE drafts (workshop_id TEXT NOT NULL REFERENCES workshops(id), participant_id TEXT NOT NULL REFERENCES participants(id), "
                     "allocations TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (workshop_id, participant_id))")),
    Migration("funders: who brings a workshop's money, how much to each element today, under which mandate",
              script("CREATE TABLE funders (id TEXT PRIMARY KEY, workshop_id TEXT NOT NULL REFERENCES workshops(id), name TEXT NOT NULL, "
                     "sector TEXT NOT NULL, amounts TEXT NOT NULL, may_fund TEXT, floors TEXT NOT NULL, withdrawn_at TEXT, created_at TEXT NOT NULL); "
                     "CREATE INDEX funders_workshop ON funders (workshop_id)")),
    Migration("shared ends: the outcomes a workshop's room agrees matter and how much, each revision with its reason",
              script("CREATE TABLE shared_ends (id TEXT PRIMARY KEY, workshop_id TEXT NOT NULL REFERENCES workshops(id), weights TEXT NOT NULL, "
                     "years INTEGER NOT NULL, reason TEXT, created_at TEXT NOT NULL); CREATE INDEX shared_ends_workshop ON shared_ends (workshop_id)")),
    Migration("local menus: a workshop's words for the elements, its local programs and its word for well-being, each version with its reason",
              script("CREATE TABLE menus (id TEXT PRIMARY KEY, workshop_id TEXT NOT NULL REFERENCES workshops(id), word TEXT NOT NULL, "
                     "elements TEXT NOT NULL, line_items TEXT NOT NULL, reason TEXT, created_at TEXT NOT NULL); "
                     "CREATE INDEX menus_workshop ON menus (workshop_id)")),
    Migration("funders' commitments: what each funder commits under a recorded decision",
              script("CREATE TABLE commitments (id TEXT PRIMARY KEY, workshop_id TEXT NOT NULL REFERENCES workshops(id), "
                     "decision_id TEXT NOT NULL REFERENCES decisions(id), funder TEXT NOT NULL, amounts TEXT NOT NULL, created_at TEXT NOT NULL); "
                     "CREATE INDEX commitments_workshop ON commitments (workshop_id)")),
    Migration("proposals: who funds what, when a proposal says it (a funder x element table whose element totals are the portfolio)",
              script("ALTER TABLE proposals ADD COLUMN by_funder TEXT")),
    Migration("ballots found by their voter code within a vote (SQLite read a vote's every current ballot for each ballot cast)",
              script("CREATE INDEX ballots_vote_code ON ballots (vote_id, code_hash, current)")),
    Migration("indicator values in compact rows: places, indicators, groups and periods each stored once (the rows are moved)",
              script(INDICATOR_COMPACT)),
    Migration("split ballots' amounts as numbers beside their JSON, keyed, for counting a city's vote (back-filled)", _ballot_amounts),
)
LEDGER_BY_POSITION = 7  # ledgers of versions 1-7 were written when a migration's position identified it
LEDGER = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"


def applied(db: Handle) -> set[str]:
    """The names of the migrations the ledger records (a position-only entry of an early ledger names the migration at that place)."""
    if "schema_migrations" not in db.table_names():
        return set()
    done = set()
    for version, name in db.execute("SELECT version, name FROM schema_migrations").fetchall():
        done.add(MIGRATIONS[version - 1].name if version <= LEDGER_BY_POSITION else name)
    return done


def apply_pending(db: Handle) -> int:
    """Apply, in order, every migration the ledger does not name, inside the caller's transaction; returns the schema version."""
    names = [m.name for m in MIGRATIONS]
    if len(set(names)) != len(names):
        raise ValueError("two migrations share a name")
    db.execute(LEDGER)
    done = applied(db)
    for migration in MIGRATIONS:
        if migration.name not in done:
            migration.apply(db)
            version = db.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM schema_migrations").fetchone()[0]
            db.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [version, migration.name, now()])
    return len(MIGRATIONS)


def version(db: Handle) -> int:
    """The schema version of an open database: how many of the known migrations it has applied (0 for a new one)."""
    done = applied(db)
    return sum(1 for m in MIGRATIONS if m.name in done)
