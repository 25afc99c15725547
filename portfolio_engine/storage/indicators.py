"""The SQL of indicator values: staging a file in a private scratch database, merging it in, and the queries that read values.

Rows are staged while they are checked (no lock on the shared database), then copied into the real table in the
final transaction, where a corrected file's rows replace the stored ones (same keys).
"""

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager

import sqlite_utils

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
_MERGE = (f"INSERT INTO indicator_values (provenance_id, {', '.join(COLUMNS)}) VALUES ({', '.join('?' * (len(COLUMNS) + 1))}) "
          f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET provenance_id = excluded.provenance_id, "
          + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c not in KEY))


@contextmanager
def scratch() -> Iterator[sqlite3.Connection]:
    """A private temporary database with an empty staging table: spills to disk, so memory stays bounded."""
    with closing(sqlite3.connect("")) as conn:
        conn.execute("PRAGMA journal_mode = OFF")  # scratch only: nothing to recover if the import stops
        conn.execute(_STAGE_TABLE)
        yield conn


def stage(conn: sqlite3.Connection, records: Iterable[tuple]) -> None:
    """Add value rows (provenance id, then COLUMNS in order) to the scratch database."""
    conn.executemany(_STAGE, records)


def merge_staged(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
    """Copy every staged row into indicator_values inside the caller's transaction, replacing rows with the same key."""
    db.execute("PRAGMA cache_size = -131072")  # 128 MiB of page cache for this connection: index upkeep for big files
    db.conn.executemany(_MERGE, conn.execute(_UNSTAGE))


def value_rows(db: sqlite_utils.Database, indicator_id: str | None = None, geo_id: str | None = None) -> list[tuple]:
    """Stored value rows (COLUMNS in order): all, or one indicator's, or one place's, in reading order."""
    used = {k: v for k, v in {"indicator_id": indicator_id, "geo_id": geo_id}.items() if v is not None}
    clause = (" WHERE " + " AND ".join(f"{k} = ?" for k in used)) if used else ""
    return db.execute(f"SELECT {', '.join(COLUMNS)} FROM indicator_values{clause} ORDER BY indicator_id, geo_id, group_type, "
                      "group_name, period_start", list(used.values())).fetchall()


def place_rows(db: sqlite_utils.Database) -> list[dict]:
    """Every place with values (PLACE_COLUMNS), by level and name."""
    return rows(db.execute(f"SELECT DISTINCT {', '.join(PLACE_COLUMNS)} FROM indicator_values ORDER BY geo_level, geo_name"))


def indicator_summary(db: sqlite_utils.Database) -> list[dict]:
    """One row per indicator (SUMMARY_COLUMNS): its names and unit, how many values and how many of them missing."""
    return rows(db.execute("SELECT indicator_id, MIN(indicator_name) AS indicator_name, MIN(vital_condition) AS vital_condition, "
                           "MIN(measure_type) AS measure_type, MIN(unit) AS unit, MIN(higher_is_better) AS higher_is_better, "
                           "COUNT(*) AS \"values\", SUM(CASE WHEN value_status = 'ok' THEN 0 ELSE 1 END) AS missing "
                           "FROM indicator_values GROUP BY indicator_id ORDER BY indicator_id"))
