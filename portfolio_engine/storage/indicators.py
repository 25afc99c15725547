"""The SQL of indicator values: staging a file in a private scratch database, merging it in, and the queries that read values.

Rows are staged while they are checked (no lock on the shared database), then copied into the real table in the
final transaction, where a corrected file's rows replace the stored ones (same keys). The scratch database is a private
SQLite one on either engine; a PostgreSQL server receives the rows by COPY into a temporary table, then one merge.
"""

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager

from portfolio_engine.storage.database import Handle
from portfolio_engine.storage.postgres import PgDatabase
from portfolio_engine.storage.schema import rows

COLUMNS = ("geo_id", "geo_name", "geo_level", "parent_geo_id", "group_type", "group_name", "indicator_id", "indicator_name",
           "vital_condition", "period_start", "period_end", "period_label", "value", "value_status", "lci", "uci", "ci_level", "unit",
           "higher_is_better", "measure_type", "numerator", "denominator", "source", "notes")
KEY = ("indicator_id", "geo_id", "source", "parent_geo_id", "group_type", "group_name", "period_label")  # the table's primary key
PLACE_COLUMNS = ("geo_id", "geo_name", "geo_level", "parent_geo_id")
SUMMARY_COLUMNS = ("indicator_id", "indicator_name", "vital_condition", "measure_type", "unit", "higher_is_better", "values", "missing")

_STAGE_TABLE = f"CREATE TABLE staging_values (provenance_id, {', '.join(COLUMNS)})"
_STAGE = f"INSERT INTO staging_values (provenance_id, {', '.join(COLUMNS)}) VALUES ({', '.join('?' * (len(COLUMNS) + 1))})"
_UNSTAGE = f"SELECT provenance_id, {', '.join(COLUMNS)} FROM staging_values ORDER BY {', '.join(KEY)}"  # key order: fast B-tree upkeep
_ON_CONFLICT = (f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET provenance_id = excluded.provenance_id, "
                + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c not in KEY))
_MERGE = f"INSERT INTO indicator_values (provenance_id, {', '.join(COLUMNS)}) VALUES ({', '.join('?' * (len(COLUMNS) + 1))}) {_ON_CONFLICT}"
_LOCAL_MERGE = (f"INSERT INTO main.indicator_values (provenance_id, {', '.join(COLUMNS)}) SELECT provenance_id, {', '.join(COLUMNS)} "
                f"FROM temp.staging_values WHERE true ORDER BY {', '.join(KEY)} {_ON_CONFLICT}")  # WHERE true: SQLite's upsert grammar
_SERVER_STAGE = "CREATE TEMPORARY TABLE staging_values (LIKE indicator_values) ON COMMIT DROP"
_SERVER_COPY = f"COPY staging_values (provenance_id, {', '.join(COLUMNS)}) FROM STDIN"
_SERVER_MERGE = (f"INSERT INTO indicator_values (provenance_id, {', '.join(COLUMNS)}) SELECT provenance_id, {', '.join(COLUMNS)} "
                 f"FROM staging_values {_ON_CONFLICT}")
_INTEGER_FIELDS = tuple(i + 1 for i, c in enumerate(COLUMNS) if c == "higher_is_better")  # INTEGER columns (after provenance_id)


@contextmanager
def scratch(shared: Handle | None = None) -> Iterator[sqlite3.Connection]:
    """Where an import is staged: a temporary table on `shared`, the SQLite connection that will write it (the merge is then one
    INSERT ... SELECT inside SQLite, 4x faster than copying rows through Python; a temporary table takes no lock on the shared
    database), else a private temporary database (PostgreSQL). Both spill to disk, so memory stays bounded."""
    if shared is not None and not isinstance(shared, PgDatabase):
        conn = shared.conn  # type: ignore[attr-defined]
        conn.execute(_STAGE_TABLE.replace("CREATE TABLE", "CREATE TEMP TABLE"))
        try:
            yield conn
        finally:
            conn.execute("DROP TABLE IF EXISTS temp.staging_values")
        return
    with closing(sqlite3.connect("")) as conn:
        conn.execute("PRAGMA journal_mode = OFF")  # scratch only: nothing to recover if the import stops
        conn.execute(_STAGE_TABLE)
        yield conn


def stage(conn: sqlite3.Connection, records: Iterable[tuple]) -> None:
    """Add value rows (provenance id, then COLUMNS in order) to the scratch database."""
    conn.executemany(_STAGE, records)


def merge_staged(db: Handle, conn: sqlite3.Connection) -> None:
    """Copy every staged row into indicator_values inside the caller's transaction, replacing rows with the same key."""
    if isinstance(db, PgDatabase):
        _merge_on_server(db, conn)
        return
    db.execute("PRAGMA cache_size = -131072")  # 128 MiB of page cache for this connection: index upkeep for big files
    if conn is db.conn:  # type: ignore[attr-defined]  # staged in this connection's temporary table (scratch(shared))
        db.execute(_LOCAL_MERGE)
    else:
        db.conn.executemany(_MERGE, conn.execute(_UNSTAGE))  # type: ignore[attr-defined]


def _server_row(record: tuple) -> tuple:
    """A staged row as PostgreSQL's COPY takes it: NaN as NULL (SQLite stores it so), whole numbers in INTEGER columns."""
    row = [None if isinstance(v, float) and v != v else v for v in record]
    for i in _INTEGER_FIELDS:
        value = row[i]
        if isinstance(value, float):
            row[i] = int(value)
    return tuple(row)


def _merge_on_server(db: PgDatabase, conn: sqlite3.Connection) -> None:
    """COPY the staged rows into a temporary table (fast, one round trip), then merge them in one statement."""
    db.execute(_SERVER_STAGE)
    with db.conn.cursor() as cursor, cursor.copy(_SERVER_COPY) as copy:
        for record in conn.execute(_UNSTAGE):
            copy.write_row(_server_row(record))
    db.execute(_SERVER_MERGE)


def value_rows(db: Handle, indicator_id: str | None = None, geo_id: str | None = None) -> list[tuple]:
    """Stored value rows (COLUMNS in order): all, or one indicator's, or one place's, in reading order."""
    used = {k: v for k, v in {"indicator_id": indicator_id, "geo_id": geo_id}.items() if v is not None}
    clause = (" WHERE " + " AND ".join(f"{k} = ?" for k in used)) if used else ""
    return db.execute(f"SELECT {', '.join(COLUMNS)} FROM indicator_values{clause} ORDER BY indicator_id, geo_id, group_type, "
                      "group_name, period_start", list(used.values())).fetchall()


def place_rows(db: Handle) -> list[dict]:
    """Every place with values (PLACE_COLUMNS), by level and name."""
    return rows(db.execute(f"SELECT DISTINCT {', '.join(PLACE_COLUMNS)} FROM indicator_values ORDER BY geo_level, geo_name"))


def indicator_summary(db: Handle) -> list[dict]:
    """One row per indicator (SUMMARY_COLUMNS): its names and unit, how many values and how many of them missing."""
    return rows(db.execute("SELECT indicator_id, MIN(indicator_name) AS indicator_name, MIN(vital_condition) AS vital_condition, "
                           "MIN(measure_type) AS measure_type, MIN(unit) AS unit, MIN(higher_is_better) AS higher_is_better, "
                           "COUNT(*) AS \"values\", SUM(CASE WHEN value_status = 'ok' THEN 0 ELSE 1 END) AS missing "
                           "FROM indicator_values GROUP BY indicator_id ORDER BY indicator_id"))
