"""The tables as the migrations build them, and rows read by column name (never by position).

The DDL here is shipped history: the migrations that run it never change, so a table changes only
through a new migration (see migrations.py). Code reads rows as dicts keyed by column name, so a
column added later never shifts what a reader gets; each table's row type (row_types.py) names those columns.
"""

from typing import Any, Protocol

from portfolio_engine.storage.row_types import ROW_TYPES

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

# Indicator values in compact rows (issue 16, fix 17): the text repeated on every row (a place's names, an indicator's
# description, a group, a period's bounds) lives once in its own table, and a value row holds small integers and numbers.
# Each of those tables keeps every distinct combination it was given (nothing a reader returned changes); its key_id is the
# id of its first row with the same key part (a place's geo_id and parent, an indicator's id, a period's label), so a value's
# primary key is the old key, in integers. The existing rows are moved, then the wide table is replaced.
INDICATOR_COMPACT = """
CREATE TABLE indicator_places (
    id INTEGER PRIMARY KEY, key_id INTEGER NOT NULL, geo_id TEXT NOT NULL, geo_name TEXT NOT NULL, geo_level TEXT NOT NULL,
    parent_geo_id TEXT NOT NULL
);
CREATE TABLE indicator_definitions (
    id INTEGER PRIMARY KEY, key_id INTEGER NOT NULL, indicator_id TEXT NOT NULL, indicator_name TEXT NOT NULL,
    vital_condition TEXT NOT NULL, unit TEXT NOT NULL, higher_is_better INTEGER, measure_type TEXT NOT NULL
);
CREATE TABLE indicator_groups (
    id INTEGER PRIMARY KEY, key_id INTEGER NOT NULL, source TEXT NOT NULL, group_type TEXT NOT NULL, group_name TEXT NOT NULL
);
CREATE TABLE indicator_periods (
    id INTEGER PRIMARY KEY, key_id INTEGER NOT NULL, period_label TEXT NOT NULL, period_start TEXT NOT NULL, period_end TEXT NOT NULL
);
CREATE INDEX indicator_places_geo ON indicator_places (geo_id);
CREATE INDEX indicator_definitions_indicator ON indicator_definitions (indicator_id);
INSERT INTO indicator_places (key_id, geo_id, geo_name, geo_level, parent_geo_id)
    SELECT DISTINCT 0, geo_id, geo_name, geo_level, parent_geo_id FROM indicator_values;
INSERT INTO indicator_definitions (key_id, indicator_id, indicator_name, vital_condition, unit, higher_is_better, measure_type)
    SELECT DISTINCT 0, indicator_id, indicator_name, vital_condition, unit, higher_is_better, measure_type FROM indicator_values;
INSERT INTO indicator_groups (key_id, source, group_type, group_name) SELECT DISTINCT 0, source, group_type, group_name FROM indicator_values;
INSERT INTO indicator_periods (key_id, period_label, period_start, period_end)
    SELECT DISTINCT 0, period_label, period_start, period_end FROM indicator_values;
UPDATE indicator_places SET key_id = (SELECT MIN(p.id) FROM indicator_places p WHERE p.geo_id = indicator_places.geo_id
    AND p.parent_geo_id = indicator_places.parent_geo_id);
UPDATE indicator_definitions SET key_id = (SELECT MIN(d.id) FROM indicator_definitions d WHERE d.indicator_id = indicator_definitions.indicator_id);
UPDATE indicator_groups SET key_id = id;
UPDATE indicator_periods SET key_id = (SELECT MIN(p.id) FROM indicator_periods p WHERE p.period_label = indicator_periods.period_label);
CREATE TABLE indicator_points (
    provenance_id TEXT NOT NULL REFERENCES provenance(id), indicator_key INTEGER NOT NULL, place_key INTEGER NOT NULL,
    group_key INTEGER NOT NULL REFERENCES indicator_groups(id), period_key INTEGER NOT NULL,
    indicator INTEGER NOT NULL REFERENCES indicator_definitions(id), place INTEGER NOT NULL REFERENCES indicator_places(id),
    period INTEGER NOT NULL REFERENCES indicator_periods(id), value REAL, value_status TEXT NOT NULL, lci REAL, uci REAL,
    ci_level REAL, numerator REAL, denominator REAL, notes TEXT NOT NULL,
    PRIMARY KEY (indicator_key, place_key, group_key, period_key)
) WITHOUT ROWID;
INSERT INTO indicator_points (provenance_id, indicator_key, place_key, group_key, period_key, indicator, place, period, value,
    value_status, lci, uci, ci_level, numerator, denominator, notes)
    SELECT v.provenance_id, d.key_id, p.key_id, g.id, t.key_id, d.id, p.id, t.id, v.value, v.value_status, v.lci, v.uci, v.ci_level,
        v.numerator, v.denominator, v.notes
    FROM indicator_values v
    JOIN indicator_places p ON p.geo_id = v.geo_id AND p.geo_name = v.geo_name AND p.geo_level = v.geo_level
        AND p.parent_geo_id = v.parent_geo_id
    JOIN indicator_definitions d ON d.indicator_id = v.indicator_id AND d.indicator_name = v.indicator_name
        AND d.vital_condition = v.vital_condition AND d.unit = v.unit AND COALESCE(d.higher_is_better, -1) = COALESCE(v.higher_is_better, -1)
        AND d.measure_type = v.measure_type
    JOIN indicator_groups g ON g.source = v.source AND g.group_type = v.group_type AND g.group_name = v.group_name
    JOIN indicator_periods t ON t.period_label = v.period_label AND t.period_start = v.period_start AND t.period_end = v.period_end;
DROP TABLE indicator_values;
ALTER TABLE indicator_points RENAME TO indicator_values;
CREATE INDEX indicator_values_place ON indicator_values (place_key)
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

BALLOT_AMOUNTS = """
CREATE TABLE ballot_amounts (
    ballot_id TEXT PRIMARY KEY REFERENCES ballots(id), vote_id TEXT NOT NULL REFERENCES votes(id), created_at TEXT NOT NULL,
    amounts BLOB NOT NULL, fields TEXT NOT NULL, tag BLOB NOT NULL
);
CREATE INDEX ballot_amounts_vote ON ballot_amounts (vote_id, created_at);
CREATE TABLE ballot_amounts_seals (vote_id TEXT PRIMARY KEY REFERENCES votes(id), tag BLOB NOT NULL);
CREATE INDEX ballots_vote_current_id ON ballots (vote_id, current, id)
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

META_TABLE = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"

class Handle(Protocol):
    """What a use case holds: one connection to either engine (sqlite_utils' Database, or postgres.PgDatabase), running the package's SQL."""

    def execute(self, sql: str, parameters: Any = None) -> Any: ...

    def table_names(self) -> list[str]: ...


TABLES = frozenset(ROW_TYPES)  # the tables code may name: those with a row type (row_types.py)


def rows(cursor: Any) -> list[dict]:
    """Every row of a query as a dict keyed by column name (PostgreSQL's rowid column, the engine's, left out as SQLite leaves it)."""
    names = [d[0] for d in cursor.description]
    found = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    if "rowid" in names:
        for row in found:
            del row["rowid"]
    return found


def first(cursor: Any) -> dict | None:
    """The first row of a query by column name, or None."""
    found = rows(cursor)
    return found[0] if found else None
