from pathlib import Path

import pytest

from portfolio_engine.community.indicators import import_long, values
from portfolio_engine.community.survey import import_survey
from portfolio_engine.community.views import by_condition, by_group, latest_by_place, strengths_and_gaps, trend, verdict
from portfolio_engine.security.access import OPERATOR

DEMO = Path(__file__).resolve().parents[2] / "portfolio_engine" / "data" / "demo_city"


@pytest.fixture
def demo(catalog):
    import_long(catalog, DEMO / "indicators.csv", grant=OPERATOR)
    import_survey(catalog, DEMO / "survey.csv", "2024", "riverside", "Riverside", grant=OPERATOR)
    return values()


@pytest.mark.parametrize(("change", "higher", "word"), [(1, 1, "better"), (1, 0, "worse"), (-1, 0, "better"), (0, 1, "about the same"),
                                                        (1, None, "changed"), (float("nan"), 1, "not comparable")])
def test_verdict_follows_the_direction(change, higher, word):
    assert verdict(change, higher) == word


def test_trend_keeps_missing_values_as_missing(demo):
    poverty = demo[demo["indicator_id"] == "child_poverty"]
    censored = poverty[poverty["value_status"] == "censored"]["geo_id"].iloc[0]
    rows = trend(poverty, censored)
    assert len(rows) == 4 and rows["value"].isna().sum() == 1 and "censored" in set(rows["value_status"])


def test_places_are_listed_alphabetically_not_ranked(demo):
    table = latest_by_place(demo[demo["indicator_id"] == "hs_completion"], "neighborhood")
    assert list(table["place"]) == sorted(table["place"])
    assert set(table["compared with its own past"]) <= {"better", "worse", "about the same", "not comparable"}


def test_strengths_and_gaps_have_reasons(demo):
    place, city = demo[demo["geo_id"] == "eastside"], demo[demo["geo_id"] == "riverside"]
    strengths, gaps = strengths_and_gaps(place, city)
    assert not gaps.empty and "whole city" in " ".join(gaps["why"])
    assert strengths.empty  # Eastside's year-on-year moves all sit inside their margins of error: no strength claimed from noise
    strengths, _ = strengths_and_gaps(demo[demo["geo_id"] == "hillcrest"], city)
    assert not strengths.empty


def test_objective_and_subjective_side_by_side_and_groups(demo):
    table = by_condition(demo[demo["geo_id"] == "riverside"])
    assert {"objective", "subjective"} <= set(table.columns)
    assert "Children in poverty" in table.set_index("vital condition").loc["meaningful_work", "objective"]
    groups = by_group(demo, "riverside")
    assert {"under 30", "30 to 64", "65 and over"} <= set(groups["group_name"])


def test_a_change_inside_the_margin_of_error_is_about_the_same(catalog, tmp_path):
    """Northgate's rent burden +0.09 points with an interval of about 5: not 'worse' (NLC: do not call noise a loss)."""
    rows = ["geo_id,geo_name,geo_level,indicator_id,indicator_name,vital_condition,period_label,period_start,period_end,value,lci,uci,unit,"
            "higher_is_better",
            "northgate,Northgate,neighborhood,rent_burden,Rent burden,humane_housing,2022,2022-01-01,2022-12-31,41.20,38.7,43.7,%,0",
            "northgate,Northgate,neighborhood,rent_burden,Rent burden,humane_housing,2023,2023-01-01,2023-12-31,41.29,38.8,43.8,%,0",
            "southgate,Southgate,neighborhood,rent_burden,Rent burden,humane_housing,2022,2022-01-01,2022-12-31,41.20,40.9,41.5,%,0",
            "southgate,Southgate,neighborhood,rent_burden,Rent burden,humane_housing,2023,2023-01-01,2023-12-31,45.00,44.7,45.3,%,0"]
    (tmp_path / "rent.csv").write_text("\n".join(rows) + "\n")
    import_long(catalog, tmp_path / "rent.csv", grant=OPERATOR)
    table = latest_by_place(values("rent_burden"), "neighborhood").set_index("place")
    assert table.loc["Northgate", "compared with its own past"] == "about the same"
    assert table.loc["Southgate", "compared with its own past"] == "worse"  # beyond its interval
    assert verdict(0.09, 0, within=2.5) == "about the same" and verdict(3.0, 0, within=2.5) == "worse"
