"""Long-format indicator import: validation naming line and column, transactional, idempotent, provenance."""

from pathlib import Path

import pytest

from portfolio_engine.community.indicators import data_version, export_long, import_long, period_bounds, values
from portfolio_engine.errors import InputFormatError
from portfolio_engine.security.access import OPERATOR
from tests.postgres import raw_connection

HEADER = ("geo_id,geo_name,geo_level,parent_geo_id,group_type,group_name,indicator_id,indicator_name,vital_condition,period_label,"
          "value,value_status,unit,higher_is_better,measure_type,source")
GOOD = [
    "riverside,Riverside,city,,total,total,poverty,Children in poverty,meaningful_work,2023,21.5,ok,%,0,objective,demo",
    "eastside,Eastside,neighborhood,riverside,total,total,poverty,Children in poverty,meaningful_work,2023,,censored,%,0,objective,demo",
    "eastside,Eastside,neighborhood,riverside,age,under 30,pride,Proud of my community,,2023,0.61,ok,share,1,subjective,demo",
]
DEMO = Path(__file__).resolve().parents[2] / "portfolio_engine" / "data" / "demo_city" / "indicators.csv"


def write(tmp_path, lines, name="values.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_a_good_file_imports_with_a_summary_and_missing_is_not_zero(catalog, tmp_path):
    summary = import_long(catalog, write(tmp_path, GOOD), grant=OPERATOR)
    assert summary.to_dict() == {"rows": 3, "indicators": 2, "geographies": 2, "groups": 2, "periods": 1, "missing": 1, "changed": True}
    stored = values("poverty").set_index("geo_id")
    assert stored.loc["eastside", "value_status"] == "censored" and stored["value"].isna()["eastside"]
    assert stored.loc["riverside", "period_start"] == "2023-01-01"


def test_reimporting_the_same_file_changes_nothing_and_a_corrected_file_replaces(catalog, tmp_path, private_database):
    empty = data_version()
    import_long(catalog, write(tmp_path, GOOD), grant=OPERATOR)
    first = data_version()
    again = import_long(catalog, write(tmp_path, GOOD), grant=OPERATOR)
    assert not again.changed and len(values()) == 3
    assert empty == (0, "") and first[0] == 1 and data_version() == first, "the data's version moves with what is stored, and only then"
    corrected = [GOOD[0].replace(",21.5,", ",19.0,"), *GOOD[1:]]
    import_long(catalog, write(tmp_path, corrected), grant=OPERATOR)
    assert data_version()[0] == 2
    assert values("poverty").set_index("geo_id").loc["riverside", "value"] == 19.0 and len(values()) == 3
    with raw_connection(private_database) as conn:
        assert conn.execute("SELECT COUNT(*) FROM provenance").fetchone()[0] == 2
        orphans = conn.execute("SELECT COUNT(*) FROM indicator_values v LEFT JOIN provenance p ON p.id = v.provenance_id WHERE p.id IS NULL")
        assert orphans.fetchone()[0] == 0


@pytest.mark.parametrize(("line", "message"), [
    ("x,X,planet,,total,total,i,I,,2023,1,ok,,,objective,s", "Line 3, column 'geo_level': got 'planet', expected city | neighborhood"),
    ("x,X,city,,total,total,i,I,,2023,twelve,ok,,,objective,s", "Line 3, column 'value': got 'twelve', expected a number"),
    ("x,X,city,,total,total,i,I,,2023,120,ok,%,,objective,s", "Line 3, column 'value': got '120', expected a percentage between 0 and 100"),
    ("x,X,city,,total,total,i,I,,2023,1.5,ok,share,,objective,s", "expected a share between 0 and 1"),
    ("x,X,city,,total,total,i,I,,2023,,ok,,,objective,s", "Line 3, column 'value': got '', expected a number when value_status is ok"),
    ("x,X,city,,total,total,i,I,,2023,0,unavailable,,,objective,s", "expected blank when value_status is not ok"),
    ("x,X,city,,total,total,i,I,parks,2023,1,ok,,,objective,s", "column 'vital_condition': got 'parks'"),
    ("x,X,city,,total,total,i,I,,2023,1,ok,,maybe,objective,s", "column 'higher_is_better': got 'maybe', expected 1 or 0"),
    ("x,X,city,,caste,total,i,I,,2023,1,ok,,,objective,s", "column 'group_type': got 'caste'"),
    ("x,X,city,,total,total,i,I,,2023,1,ok,,,feelings,s", "column 'measure_type': got 'feelings'"),
    (",X,city,,total,total,i,I,,2023,1,ok,,,objective,s", "column 'geo_id': got '', expected a value"),
])
def test_a_bad_row_imports_nothing_and_is_named(catalog, tmp_path, line, message):
    import_long(catalog, write(tmp_path, GOOD[:1], "first.csv"), grant=OPERATOR)
    with pytest.raises(InputFormatError, match=message):
        import_long(catalog, write(tmp_path, [GOOD[1], line]), grant=OPERATOR)
    assert len(values()) == 1


def test_duplicate_keys_are_refused_with_the_line(catalog, tmp_path):
    with pytest.raises(InputFormatError, match="Line 4: the same source, place, group, indicator and period appear twice"):
        import_long(catalog, write(tmp_path, [GOOD[0], GOOD[1], GOOD[0].replace("21.5", "20")]), grant=OPERATOR)


def test_wrong_columns_non_utf8_and_empty_files(catalog, tmp_path):
    (tmp_path / "cols.csv").write_text("place,number\nx,1\n")
    with pytest.raises(InputFormatError, match="lacks column\\(s\\) geo_id, geo_level, indicator_id, period_label, value"):
        import_long(catalog, tmp_path / "cols.csv", grant=OPERATOR)
    (tmp_path / "latin.csv").write_bytes((HEADER + "\n" + GOOD[0].replace("Riverside", "Río")).encode("latin-1"))
    with pytest.raises(InputFormatError, match="is not UTF-8 text \\(line 2\\)"):
        import_long(catalog, tmp_path / "latin.csv", grant=OPERATOR)
    (tmp_path / "empty.csv").write_text(HEADER + "\n")
    with pytest.raises(InputFormatError, match="empty.csv has no value rows"):
        import_long(catalog, tmp_path / "empty.csv", grant=OPERATOR)


@pytest.mark.parametrize(("label", "bounds"), [
    ("2019, 5 Year Estimate", ("2015-01-01", "2019-12-31")),
    ("2018, 1 Year Modeled Estimate", ("2018-01-01", "2018-12-31")),
    ("2016-2018", ("2016-01-01", "2018-12-31")),
    ("March 2021, Using Data from 2018 and 2014-2018 Estimates", ("2021-03-01", "2021-03-31")),
    ("2017", ("2017-01-01", "2017-12-31")),
    ("winter", ("", "")),
])
def test_period_rule(label, bounds):
    assert period_bounds(label) == bounds


def test_export_round_trips_through_import(catalog, tmp_path):
    import_long(catalog, DEMO, grant=OPERATOR)
    exported = tmp_path / "export.csv"
    exported.write_text(export_long())
    before = values()
    summary = import_long(catalog, exported, grant=OPERATOR)
    assert summary.rows == len(before) and summary.changed
    after = values()
    assert after.drop(columns="source").equals(before.drop(columns="source"))


def test_upload_names_are_display_text_only():
    from portfolio_engine.community.indicators import MAX_NAME, display_name

    assert display_name("../../data/chdb_mapping.csv") == "chdb_mapping.csv"
    assert display_name("C:\\Users\\ana\\values.csv") == "values.csv"
    assert display_name("/tmp/x\n\r.csv") == "x.csv"
    assert display_name("..") == ".." and display_name("/") == "upload"
    assert len(display_name("a" * 1000 + ".csv")) == MAX_NAME


def test_the_command_line_reads_no_more_than_the_upload_limit(catalog, monkeypatch):
    from portfolio_engine.community import indicators

    monkeypatch.setattr(indicators, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(InputFormatError, match="larger than 0.001 MB"):
        import_long(catalog, Path("/dev/zero"), grant=OPERATOR)  # a device never ends: read up to the limit only


def test_a_place_and_an_indicator_are_stored_once_however_many_values_they_have(catalog, tmp_path, private_database):
    lines = [f"n{i % 3},N{i % 3},neighborhood,city,total,total,rent,Rent,humane_housing,{2000 + i // 3},{i / 10},ok,%,0,objective,s"
             for i in range(123)]  # more rows than one staging INSERT takes, and a remainder
    summary = import_long(catalog, write(tmp_path, lines), grant=OPERATOR)
    assert (summary.rows, summary.geographies, summary.periods) == (123, 3, 41)
    stored = values("rent")
    assert sorted(stored["value"]) == [i / 10 for i in range(123)] and set(stored["geo_name"]) == {"N0", "N1", "N2"}
    with raw_connection(private_database) as conn:
        counts = [conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("indicator_places", "indicator_definitions", "indicator_values")]
    assert counts == [3, 1, 123]
