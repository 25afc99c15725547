"""Indicator values move to compact rows (issue 16, fix 17): a database of the previous schema, holding values, is migrated
and every reader returns what it returned before; a corrected file then still replaces the rows with the same key."""

from pathlib import Path

import pytest

from portfolio_engine import storage
from portfolio_engine.community.indicators import import_long
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.storage.schema import rows as by_name

DEMO = Path(__file__).resolve().parents[2] / "portfolio_engine" / "data" / "demo_city" / "indicators.csv"
COMPACT = "indicator values in compact rows: places, indicators, groups and periods each stored once (the rows are moved)"
WIDE = ("provenance_id", "geo_id", "geo_name", "geo_level", "parent_geo_id", "group_type", "group_name", "indicator_id", "indicator_name",
        "vital_condition", "period_start", "period_end", "period_label", "value", "value_status", "lci", "uci", "ci_level", "unit",
        "higher_is_better", "measure_type", "numerator", "denominator", "source", "notes")
ROWS = [  # one place named two ways by two files, a missing value, an unknown direction, two parents of one place, two sources
    ("f-1", "north", "North", "neighborhood", "city", "total", "total", "rent", "Rent burden", "humane_housing", "2023-01-01", "2023-12-31",
     "2023", 41.0, "ok", 38.5, 43.5, 95.0, "%", 0, "objective", None, None, "census", ""),
    ("f-1", "north", "North", "neighborhood", "city", "age", "under 30", "rent", "Rent burden", "humane_housing", "2023-01-01", "2023-12-31",
     "2023", None, "censored", None, None, None, "%", 0, "objective", None, None, "census", "too few"),
    ("f-2", "north", "Northside", "neighborhood", "city", "total", "total", "trust", "Trust neighbors", "", "2022-01-01", "2022-12-31",
     "2022", 0.61, "ok", None, None, None, "share", None, "subjective", 61.0, 100.0, "survey", ""),
    ("f-2", "north", "Northside", "neighborhood", "county", "total", "total", "trust", "Trust neighbors", "", "2022-01-01", "2022-12-31",
     "2022", 0.58, "ok", None, None, None, "share", None, "subjective", None, None, "survey", ""),
    ("f-2", "city", "Riverside", "city", "", "total", "total", "trust", "Trust neighbors", "", "2022-01-01", "2022-12-31",
     "2022", 0.66, "ok", None, None, None, "share", None, "subjective", None, None, "census", ""),
]
# The readers of the previous schema, as they were written (storage/indicators.py before the migration)
OLD_VALUES = ("SELECT geo_id, geo_name, geo_level, parent_geo_id, group_type, group_name, indicator_id, indicator_name, vital_condition, "
              "period_start, period_end, period_label, value, value_status, lci, uci, ci_level, unit, higher_is_better, measure_type, "
              "numerator, denominator, source, notes FROM indicator_values{} ORDER BY indicator_id, geo_id, group_type, group_name, period_start")
OLD_PLACES = "SELECT DISTINCT geo_id, geo_name, geo_level, parent_geo_id FROM indicator_values ORDER BY geo_level, geo_name"
OLD_SUMMARY = ("SELECT indicator_id, MIN(indicator_name) AS indicator_name, MIN(vital_condition) AS vital_condition, "
               "MIN(measure_type) AS measure_type, MIN(unit) AS unit, MIN(higher_is_better) AS higher_is_better, "
               "COUNT(*) AS \"values\", SUM(CASE WHEN value_status = 'ok' THEN 0 ELSE 1 END) AS missing "
               "FROM indicator_values GROUP BY indicator_id ORDER BY indicator_id")


def read_before(db) -> dict:
    return {"all": [tuple(r) for r in db.execute(OLD_VALUES.format("")).fetchall()],
            "rent": [tuple(r) for r in db.execute(OLD_VALUES.format(" WHERE indicator_id = ?"), ["rent"]).fetchall()],
            "north": [tuple(r) for r in db.execute(OLD_VALUES.format(" WHERE geo_id = ?"), ["north"]).fetchall()],
            "places": by_name(db.execute(OLD_PLACES)), "summary": by_name(db.execute(OLD_SUMMARY))}


def read_after(db) -> dict:
    return {"all": [tuple(r) for r in storage.indicators.value_rows(db)],
            "rent": [tuple(r) for r in storage.indicators.value_rows(db, "rent")],
            "north": [tuple(r) for r in storage.indicators.value_rows(db, geo_id="north")],
            "places": storage.indicators.place_rows(db), "summary": storage.indicators.indicator_summary(db)}


@pytest.fixture
def previous_schema(monkeypatch):
    """A database migrated up to the migration before the compact rows, holding ROWS in the wide table."""
    names = [m.name for m in storage.MIGRATIONS]
    with monkeypatch.context() as patched:
        patched.setattr(storage.migrations, "MIGRATIONS", storage.MIGRATIONS[:names.index(COMPACT)])
        storage.migrate()
        with storage.writing() as db:
            for file_id in ("f-1", "f-2"):
                storage.insert(db, "provenance", {"id": file_id, "file_name": f"{file_id}.csv", "source": "test", "kind": "long",
                                                  "imported_at": "2024-01-01T00:00:00+00:00", "content_hash": file_id, "rows": 1})
            for row in ROWS:
                db.execute(f"INSERT INTO indicator_values ({', '.join(WIDE)}) VALUES ({', '.join('?' * len(WIDE))})", list(row))
        with storage.reading() as db:
            before = read_before(db)
    return before


def test_values_moved_to_compact_rows_read_as_before(previous_schema):
    storage.migrate()
    with storage.reading() as db:
        after = read_after(db)
        assert db.execute("SELECT COUNT(*) FROM indicator_places").fetchone()[0] == 4  # North/Northside x two parents, Riverside
    assert after == previous_schema
    assert len(after["all"]) == len(ROWS) and [(r[12], r[13]) for r in after["rent"]] == [(None, "censored"), (41.0, "ok")]


def test_a_corrected_file_replaces_a_migrated_row_with_the_same_key(previous_schema, catalog, tmp_path):
    storage.migrate()
    corrected = tmp_path / "corrected.csv"
    corrected.write_text("geo_id,geo_name,geo_level,parent_geo_id,indicator_id,indicator_name,vital_condition,period_label,value,unit,"
                         "higher_is_better,source\nnorth,North (renamed),neighborhood,city,rent,Rent burden,humane_housing,2023,39.5,%,0,census\n")
    import_long(catalog, corrected, grant=OPERATOR)
    with storage.reading() as db:
        rows = storage.indicators.value_rows(db, "rent")
    assert len(rows) == 2
    total = next(r for r in rows if r[4] == "total")
    assert (total[1], total[12], total[10]) == ("North (renamed)", 39.5, "2023-12-31")


def test_compact_values_survive_a_backup_and_a_restore_that_replaces_them(catalog, tmp_path):
    import_long(catalog, DEMO, grant=OPERATOR)
    with storage.reading() as db:
        before = read_after(db)
    storage.backup.backup(tmp_path / "backup.db")
    storage.backup.restore(tmp_path / "backup.db", replace=True)  # dimension rows first (the values reference them), ids kept
    with storage.reading() as db:
        assert read_after(db) == before and len(before["all"]) > 100
    later = tmp_path / "later.csv"  # new places and indicators after a restore take new ids
    later.write_text("geo_id,geo_level,indicator_id,period_label,value\nnew_town,city,new_measure,2024,3\n")
    import_long(catalog, later, grant=OPERATOR)
    with storage.reading() as db:
        assert storage.indicators.value_rows(db, "new_measure")[0][:2] == ("new_town", "new_town")
        assert len(storage.indicators.value_rows(db)) == len(before["all"]) + 1
