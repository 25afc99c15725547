"""The SQL of indicator values: staging a file, merging it in, and the queries that read values.

A value row is compact (issue 16, fix 17): the text repeated on every row of a file (a place's names and level, an
indicator's name, unit and direction, a group, a period's bounds) is stored once in its own table (a dimension), and the
row holds those rows' ids, its numbers, its status and its notes. A dimension keeps every distinct combination it was
given, so readers return exactly the text that was imported; its key_id (the id of its first row with the same key part)
makes a value's primary key the file's key in integers, so a corrected file replaces the rows with the same key.

Rows are staged while they are checked (no lock on the shared database) with this import's own numbers for the dimension
rows; the final transaction gives new combinations their ids and copies the rows into the real table in one statement.
The scratch database is a private SQLite one on either engine; a PostgreSQL server receives the rows by COPY into a
temporary table, then one merge.
"""

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass

from portfolio_engine.storage import postgres
from portfolio_engine.storage.database import Handle
from portfolio_engine.storage.postgres import PgDatabase
from portfolio_engine.storage.schema import rows

COLUMNS = ("geo_id", "geo_name", "geo_level", "parent_geo_id", "group_type", "group_name", "indicator_id", "indicator_name",
           "vital_condition", "period_start", "period_end", "period_label", "value", "value_status", "lci", "uci", "ci_level", "unit",
           "higher_is_better", "measure_type", "numerator", "denominator", "source", "notes")
KEY = ("indicator_id", "geo_id", "source", "parent_geo_id", "group_type", "group_name", "period_label")  # a value's key, as the file names it
PLACE_COLUMNS = ("geo_id", "geo_name", "geo_level", "parent_geo_id")
SUMMARY_COLUMNS = ("indicator_id", "indicator_name", "vital_condition", "measure_type", "unit", "higher_is_better", "values", "missing")


@dataclass(frozen=True)
class Dimension:
    """A table of text repeated on value rows: its columns, the part of them in a value's key, its alias in the readers' SQL."""

    name: str  # the staged column holding this import's own number for the row, and the value row's column holding its id
    table: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    alias: str

    def key_of(self, row: Sequence) -> tuple:
        return tuple(row[self.columns.index(c)] for c in self.key)


DIMENSIONS = (
    Dimension("indicator", "indicator_definitions", ("indicator_id", "indicator_name", "vital_condition", "unit", "higher_is_better", "measure_type"),
              ("indicator_id",), "d"),
    Dimension("place", "indicator_places", ("geo_id", "geo_name", "geo_level", "parent_geo_id"), ("geo_id", "parent_geo_id"), "p"),
    Dimension("grouping", "indicator_groups", ("source", "group_type", "group_name"), ("source", "group_type", "group_name"), "g"),
    Dimension("period", "indicator_periods", ("period_label", "period_start", "period_end"), ("period_label",), "t"),
)
OWN = ("value", "value_status", "lci", "uci", "ci_level", "numerator", "denominator", "notes")  # the columns a value row holds itself
STAGED = (*(d.name for d in DIMENSIONS), *OWN)  # a staged row: this import's number for each dimension's row, then OWN
_KEYS = ("indicator_key", "place_key", "group_key", "period_key")  # the value table's primary key, one key_id per dimension
_DESCRIBED = ("indicator", "place", "period")  # the dimension rows a value row names (a group's row is its key)
_STORED = ("provenance_id", *_KEYS, *_DESCRIBED, *OWN)

_STAGE_TABLE = f"CREATE TABLE staging_values ({', '.join(STAGED)})"
_STAGE = f"INSERT INTO staging_values ({', '.join(STAGED)}) VALUES ({', '.join('?' * len(STAGED))})"
ROWS_PER_INSERT = 50  # rows staged by one INSERT: the statement's overhead is paid once for 50 rows (staging 1.5x faster than one a time)
_STAGE_MANY = _STAGE + f", ({', '.join('?' * len(STAGED))})" * (ROWS_PER_INSERT - 1)
_MAP_TABLE = "CREATE TABLE staging_{} (local INTEGER PRIMARY KEY, id INTEGER NOT NULL, key_id INTEGER NOT NULL)"
_RESOLVED = (", ".join([*(f"{d.alias}.key_id" for d in DIMENSIONS), *(f"{d.alias}.id" for d in DIMENSIONS if d.name in _DESCRIBED),
                        *(f"s.{c}" for c in OWN)])
             + " FROM staging_values s " + " ".join(f"JOIN staging_{d.name} {d.alias} ON {d.alias}.local = s.{d.name}" for d in DIMENSIONS))
# In the file's order: sorting a million joined rows by key first took 4x longer than the B-tree upkeep it saved.
_ON_CONFLICT = (f"ON CONFLICT ({', '.join(_KEYS)}) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _STORED if c not in _KEYS))
_LOCAL_MERGE = f"INSERT INTO main.indicator_values ({', '.join(_STORED)}) SELECT ?, {_RESOLVED} WHERE true {_ON_CONFLICT}"  # WHERE true: upsert grammar
_SERVER_STAGE = "CREATE TEMPORARY TABLE staging_values (LIKE indicator_values) ON COMMIT DROP"
_SERVER_COPY = f"COPY staging_values ({', '.join(_STORED)}) FROM STDIN"
_SERVER_MERGE = f"INSERT INTO indicator_values ({', '.join(_STORED)}) SELECT {', '.join(_STORED)} FROM staging_values {_ON_CONFLICT}"


_SCRATCH_TABLES = ("staging_values", *(f"staging_{d.name}" for d in DIMENSIONS))


def _create_scratch(conn: sqlite3.Connection, temporary: bool) -> None:
    kind = "CREATE TEMP TABLE" if temporary else "CREATE TABLE"
    for statement in (_STAGE_TABLE, *(_MAP_TABLE.format(d.name) for d in DIMENSIONS)):
        conn.execute(statement.replace("CREATE TABLE", kind))


@contextmanager
def scratch(shared: Handle | None = None) -> Iterator[sqlite3.Connection]:
    """Where an import is staged: temporary tables on `shared`, the SQLite connection that will write it (the merge is then one
    INSERT ... SELECT inside SQLite, 4x faster than copying rows through Python; a temporary table takes no lock on the shared
    database), else a private temporary database (PostgreSQL). Both spill to disk, so memory stays bounded."""
    if shared is not None and not isinstance(shared, PgDatabase):
        conn = shared.conn  # type: ignore[attr-defined]
        _create_scratch(conn, temporary=True)
        try:
            yield conn
        finally:
            for table in _SCRATCH_TABLES:
                conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
        return
    with closing(sqlite3.connect("")) as conn:
        conn.execute("PRAGMA journal_mode = OFF")  # scratch only: nothing to recover if the import stops
        _create_scratch(conn, temporary=False)
        yield conn


def stage(conn: sqlite3.Connection, columns: Sequence[list]) -> None:
    """Add value rows, given as columns (STAGED in order: this import's number for each dimension's row, then OWN), to the scratch
    database, ROWS_PER_INSERT rows per INSERT."""
    width, many = len(STAGED), len(STAGED) * ROWS_PER_INSERT
    flat: list = [None] * (width * len(columns[0]))
    for position, column in enumerate(columns):  # row by row, interleaved by slice assignment (3x faster than zip and chain)
        flat[position::width] = column
    whole = len(flat) - len(flat) % many
    conn.executemany(_STAGE_MANY, (flat[i:i + many] for i in range(0, whole, many)))
    conn.executemany(_STAGE, (flat[i:i + width] for i in range(whole, len(flat), width)))


def _dimension_ids(db: Handle, dimension: Dimension, combinations: list[tuple]) -> list[tuple[int, int, int]]:
    """(this import's number, id, key_id) of each combination, adding to the dimension those it lacks. Runs in the write
    transaction, where writers queue, so two imports never give one id twice."""
    stored = db.execute(f"SELECT id, key_id, {', '.join(dimension.columns)} FROM {dimension.table}").fetchall()
    found = {tuple(row[2:]): (row[0], row[1]) for row in stored}
    keys: dict[tuple, int] = {}
    for row in stored:
        keys.setdefault(dimension.key_of(row[2:]), row[1])
    next_id = max((row[0] for row in stored), default=0) + 1
    added = []
    for combination in combinations:
        if combination not in found:
            key_id = keys.setdefault(dimension.key_of(combination), next_id)
            found[combination] = (next_id, key_id)
            added.append((next_id, key_id, *combination))
            next_id += 1
    if added:
        insert = (f"INSERT INTO {dimension.table} (id, key_id, {', '.join(dimension.columns)}) "
                  f"VALUES ({', '.join('?' * (len(dimension.columns) + 2))})")
        if isinstance(db, PgDatabase):
            db.executemany(insert, added)
            postgres.resync_identities(db, dimension.table)
        else:
            db.conn.executemany(insert, added)  # type: ignore[attr-defined]
    return [(local, *found[c]) for local, c in enumerate(combinations)]


def merge_staged(db: Handle, conn: sqlite3.Connection, provenance_id: str, combinations: dict[str, list[tuple]]) -> None:
    """Copy every staged row into indicator_values inside the caller's transaction, replacing rows with the same key.

    `combinations` holds, per dimension name, the distinct combinations this import numbered (its number is the position)."""
    for dimension in DIMENSIONS:
        conn.execute(f"DELETE FROM staging_{dimension.name}")
        conn.executemany(f"INSERT INTO staging_{dimension.name} (local, id, key_id) VALUES (?, ?, ?)",
                         _dimension_ids(db, dimension, combinations[dimension.name]))
    if isinstance(db, PgDatabase):
        _merge_on_server(db, conn, provenance_id)
        return
    db.execute("PRAGMA cache_size = -131072")  # 128 MiB of page cache for this connection: index upkeep for big files
    rebuild = _drop_indexes_if_cheaper(db, conn.execute("SELECT COUNT(*) FROM staging_values").fetchone()[0])
    if conn is db.conn:  # type: ignore[attr-defined]  # staged in this connection's temporary tables (scratch(shared))
        db.execute(_LOCAL_MERGE, [provenance_id])
    else:
        merge = f"INSERT INTO indicator_values ({', '.join(_STORED)}) VALUES ({', '.join('?' * len(_STORED))}) {_ON_CONFLICT}"
        db.conn.executemany(merge, ((provenance_id, *row) for row in conn.execute(f"SELECT {_RESOLVED}")))  # type: ignore[attr-defined]
    for statement in rebuild:
        db.execute(statement)


@contextmanager
def references_made_here(db: Handle) -> Iterator[None]:
    """Around a merge's transaction on SQLite: no foreign key lookups. Every reference a merged row holds is to a row the same
    transaction made or found (its provenance, its dimension rows: merge_staged), and the five lookups a row cost a fifth of
    the merge. SQLite only changes this outside a transaction; the connection's setting is restored after. PostgreSQL keeps its checks."""
    if isinstance(db, PgDatabase):
        yield
        return
    before = db.execute("PRAGMA foreign_keys").fetchone()[0]
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        db.execute(f"PRAGMA foreign_keys = {int(before)}")


def _drop_indexes_if_cheaper(db: Handle, staged: int) -> list[str]:
    """Drop the value table's secondary indexes (SQLite) when it holds fewer rows than are staged: building an index once after
    the merge is then cheaper than keeping it up to date row by row. Returns the statements that build them again."""
    stored = db.execute("SELECT COUNT(*) FROM (SELECT 1 FROM indicator_values LIMIT ?)", [staged]).fetchone()[0]  # reads at most `staged`
    if stored >= staged:
        return []
    indexes = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'indicator_values' AND sql IS NOT NULL").fetchall()
    for name, _ in indexes:
        db.execute(f"DROP INDEX {name}")
    return [sql for _, sql in indexes]


def _merge_on_server(db: PgDatabase, conn: sqlite3.Connection, provenance_id: str) -> None:
    """COPY the staged rows into a temporary table (fast, one round trip), then merge them in one statement; NaN goes as NULL."""
    db.execute(_SERVER_STAGE)
    with db.conn.cursor() as cursor, cursor.copy(_SERVER_COPY) as copy:
        for record in conn.execute(f"SELECT {_RESOLVED}"):
            copy.write_row((provenance_id, *(None if isinstance(v, float) and v != v else v for v in record)))
    db.execute(_SERVER_MERGE)


def _source(column: str) -> str:
    """Where a long-format column is read from: its dimension's row, or the value row itself."""
    return next((f"{d.alias}.{column}" for d in DIMENSIONS if column in d.columns), f"v.{column}")


_READ = (f"SELECT {', '.join(_source(c) for c in COLUMNS)} FROM indicator_values v "
         + " ".join(f"JOIN {d.table} {d.alias} ON {d.alias}.id = v.{'group_key' if d.name == 'grouping' else d.name}" for d in DIMENSIONS))
_READ_ORDER = " ORDER BY d.indicator_id, p.geo_id, g.group_type, g.group_name, t.period_start, g.source, p.parent_geo_id, t.period_label"
_FILTERS = {"indicator_id": "v.indicator_key IN (SELECT key_id FROM indicator_definitions WHERE indicator_id = ?)",
            "geo_id": "v.place_key IN (SELECT key_id FROM indicator_places WHERE geo_id = ?)"}


def data_version(db: Handle) -> tuple[int, str]:
    """How many files were imported and when the last one was: changes with any import, correction or restore."""
    count, latest = db.execute("SELECT COUNT(*), MAX(imported_at) FROM provenance").fetchone()
    return int(count), str(latest or "")


def value_rows(db: Handle, indicator_id: str | None = None, geo_id: str | None = None) -> list[tuple]:
    """Stored value rows (COLUMNS in order): all, or one indicator's, or one place's, in reading order."""
    used = {k: v for k, v in {"indicator_id": indicator_id, "geo_id": geo_id}.items() if v is not None}
    clause = (" WHERE " + " AND ".join(_FILTERS[k] for k in used)) if used else ""
    return db.execute(_READ + clause + _READ_ORDER, list(used.values())).fetchall()


def place_rows(db: Handle) -> list[dict]:
    """Every place with values (PLACE_COLUMNS), by level and name."""
    return rows(db.execute(f"SELECT DISTINCT {', '.join(PLACE_COLUMNS)} FROM indicator_places p WHERE EXISTS "
                           "(SELECT 1 FROM indicator_values v WHERE v.place_key = p.key_id AND v.place = p.id) ORDER BY geo_level, geo_name"))


def indicator_summary(db: Handle) -> list[dict]:
    """One row per indicator (SUMMARY_COLUMNS): its names and unit, how many values and how many of them missing."""
    return rows(db.execute("SELECT d.indicator_id, MIN(d.indicator_name) AS indicator_name, MIN(d.vital_condition) AS vital_condition, "
                           "MIN(d.measure_type) AS measure_type, MIN(d.unit) AS unit, MIN(d.higher_is_better) AS higher_is_better, "
                           "COUNT(*) AS \"values\", SUM(CASE WHEN v.value_status = 'ok' THEN 0 ELSE 1 END) AS missing "
                           "FROM indicator_values v JOIN indicator_definitions d ON d.id = v.indicator GROUP BY d.indicator_id ORDER BY d.indicator_id"))
