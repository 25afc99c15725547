"""The real City Health Dashboard extract (Buffalo, NY tracts; tests only, see tests/data/indicators/SOURCES.md)."""

from pathlib import Path

import pandas as pd
import pytest

from portfolio_engine.community.chdb import import_chdb
from portfolio_engine.community.indicators import values
from portfolio_engine.errors import InputFormatError
from portfolio_engine.security.access import OPERATOR

BUFFALO = Path(__file__).resolve().parents[1] / "data" / "indicators" / "chdb_v13_buffalo_ny_tracts_part_a.csv"


@pytest.fixture
def buffalo(catalog):
    if not BUFFALO.exists():
        pytest.fail(f"The City Health Dashboard extract is missing: {BUFFALO}")
    return import_chdb(catalog, BUFFALO, grant=OPERATOR)


def test_summary_of_the_buffalo_extract(buffalo):
    assert buffalo.to_dict() == {"rows": 1120, "indicators": 14, "geographies": 80, "groups": 1, "periods": 5, "missing": 6, "changed": True}


def test_fips_are_zero_padded_and_tracts_keyed_with_their_place(buffalo):
    rows = values("chdb_2")
    first = rows.iloc[0]
    assert len(first["geo_id"]) == 11 and first["geo_id"].startswith("36029")
    assert first["parent_geo_id"] == "3611000" and first["geo_level"] == "tract"
    assert set(rows["geo_name"].str.len()) == {len("Tract 000110")}


def test_blanks_are_unavailable_never_zero(buffalo):
    missing = values()[lambda t: t["value_status"] != "ok"]
    assert len(missing) == 6 and set(missing["value_status"]) == {"unavailable"} and missing["value"].isna().all()


def test_mapping_and_periods(buffalo):
    poverty = values("chdb_4").iloc[0]
    assert (poverty["vital_condition"], poverty["higher_is_better"], poverty["unit"]) == ("meaningful_work", 1 - 1, "%")
    assert (poverty["period_start"], poverty["period_end"]) == ("2015-01-01", "2019-12-31")
    assert poverty["source"] == "City Health Dashboard v13"


def test_minus_999_is_not_applicable(catalog, tmp_path):
    lines = BUFFALO.read_text().splitlines()
    changed = lines[1].split(",")
    changed[14] = "-999"  # est
    (tmp_path / "one.csv").write_text("\n".join([lines[0], ",".join(changed)]) + "\n")
    import_chdb(catalog, tmp_path / "one.csv", grant=OPERATOR)
    row = values().iloc[0]
    assert row["value_status"] == "not_applicable" and pd.isna(row["value"])


def test_a_file_without_chdb_columns_is_refused(catalog, tmp_path):
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    with pytest.raises(InputFormatError, match="lacks column\\(s\\) state_fips"):
        import_chdb(catalog, tmp_path / "x.csv", grant=OPERATOR)


def test_an_edited_mapping_applies_to_the_import(catalog, tmp_path):
    from portfolio_engine.community.chdb import mapping

    edited = mapping().copy()
    edited.loc["4", "vital_condition"] = "income_food_assistance"
    import_chdb(catalog, BUFFALO, metric_map=edited, grant=OPERATOR)
    assert set(values("chdb_4")["vital_condition"]) == {"income_food_assistance"}


def test_a_mapping_listing_a_metric_twice_is_refused(catalog):
    from portfolio_engine.community.chdb import mapping

    doubled = pd.concat([mapping(), mapping().iloc[:1]])
    with pytest.raises(InputFormatError, match="more than once"):
        import_chdb(catalog, BUFFALO, metric_map=doubled, grant=OPERATOR)


def test_a_bad_estimate_is_named_by_the_files_own_column(catalog, tmp_path):
    lines = BUFFALO.read_text().splitlines()
    changed = lines[1].split(",")
    changed[14] = "twelve"  # est
    (tmp_path / "one.csv").write_text("\n".join([lines[0], ",".join(changed)]) + "\n")
    with pytest.raises(InputFormatError, match="Line 2, column 'est': got 'twelve', expected a number"):
        import_chdb(catalog, tmp_path / "one.csv", grant=OPERATOR)
