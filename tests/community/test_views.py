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
    assert not strengths.empty


def test_objective_and_subjective_side_by_side_and_groups(demo):
    table = by_condition(demo[demo["geo_id"] == "riverside"])
    assert {"objective", "subjective"} <= set(table.columns)
    assert "Children in poverty" in table.set_index("vital condition").loc["meaningful_work", "objective"]
    groups = by_group(demo, "riverside")
    assert {"under 30", "30 to 64", "65 and over"} <= set(groups["group_name"])
