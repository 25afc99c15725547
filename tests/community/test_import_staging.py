"""A big import is staged in a temporary table of the connection that writes it, then merged inside SQLite in one statement
(issue 16, fix 17): a corrected file still replaces the rows it repeats, and a bad file still imports nothing."""

import pytest

from portfolio_engine import storage
from portfolio_engine.community.indicators import import_long, values
from portfolio_engine.errors import InputFormatError
from portfolio_engine.security.access import OPERATOR

HEADER = "geo_id,geo_name,geo_level,indicator_id,indicator_name,period_label,value,unit,higher_is_better"


def test_staging_uses_a_temporary_table_of_the_writing_connection():
    storage.migrate()
    with storage.reading() as shared, storage.indicators.scratch(shared) as staged:
        assert staged is shared.conn
        assert staged.execute("SELECT COUNT(*) FROM temp.staging_values").fetchone()[0] == 0
    with storage.reading() as shared:
        assert shared.conn.execute("SELECT name FROM sqlite_temp_master WHERE name = 'staging_values'").fetchone() is None


def test_a_corrected_file_replaces_the_rows_it_repeats_and_a_bad_one_imports_nothing(catalog, tmp_path):
    first, corrected, bad = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    first.write_text(f"{HEADER}\nnorth,North,neighborhood,rent,Rent,2023,41.0,%,0\nsouth,South,neighborhood,rent,Rent,2023,30.0,%,0\n")
    corrected.write_text(f"{HEADER}\nnorth,North,neighborhood,rent,Rent,2023,40.5,%,0\n")
    bad.write_text(f"{HEADER}\nwest,West,neighborhood,rent,Rent,2023,12,%,0\neast,East,neighborhood,rent,Rent,2023,lots,%,0\n")
    import_long(catalog, first, grant=OPERATOR)
    import_long(catalog, corrected, grant=OPERATOR)
    with pytest.raises(InputFormatError, match="Line 3, column 'value'"):
        import_long(catalog, bad, grant=OPERATOR)
    stored = values("rent").set_index("geo_id")["value"].to_dict()
    assert stored == {"north": 40.5, "south": 30.0}


def test_the_place_index_is_built_again_when_dropped_for_a_first_big_import(catalog, tmp_path):
    first, later = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(HEADER + "\n" + "".join(f"p{i},P{i},neighborhood,rent,Rent,2023,{i},%,0\n" for i in range(60)))
    later.write_text(f"{HEADER}\np7,P7,neighborhood,rent,Rent,2024,8,%,0\n")
    index = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'indicator_values_place'"
    with storage.reading() as db:
        built = db.execute(index).fetchone()
    import_long(catalog, first, grant=OPERATOR)  # more rows than stored: the index is dropped, then built once after the merge
    with storage.reading() as db:
        assert db.execute(index).fetchone() == built
    import_long(catalog, later, grant=OPERATOR)  # fewer: kept and updated row by row
    with storage.reading() as db:
        assert db.execute(index).fetchone() == built
    assert values(geo_id="p7")["value"].tolist() == [7.0, 8.0] and len(values()) == 61


def test_the_merge_skips_foreign_key_lookups_yet_every_reference_holds_and_the_setting_comes_back(catalog, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(HEADER + "\n" + "".join(f"p{i},P{i},neighborhood,rent,Rent,2023,{i},%,0\n" for i in range(5)))
    import_long(catalog, path, grant=OPERATOR)
    with storage.reading() as db:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        with storage.indicators.references_made_here(db):
            assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 0
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_values_are_stored_trimmed_whichever_column_has_the_spaces(catalog, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(f"{HEADER}\nnorth,North ,neighborhood,rent,Rent,2023, 41.0,%,0\n\u00a0south,South,neighborhood,rent,Rent,2023,30,%,0\n",
                    encoding="utf-8")
    import_long(catalog, path, grant=OPERATOR)
    stored = values("rent")
    assert stored["geo_id"].tolist() == ["north", "south"] and stored["geo_name"].tolist() == ["North", "South"]
    assert stored["value"].tolist() == [41.0, 30.0]
