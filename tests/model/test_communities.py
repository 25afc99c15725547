import json

import pytest

from portfolio_engine.errors import InputFormatError
from portfolio_engine.model.communities import read_start, start_from_dict


def test_communities_file_builds_a_start(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"communities": [
        {"name": "Riverside", "thriving": 0.4, "struggling": 0.5, "suffering": 0.1, "vital_level": 0.8},
        {"name": "Hilltop", "thriving": 0.6, "struggling": 0.37, "suffering": 0.03},
    ]}))
    start = read_start(path)
    assert start.names == ("Riverside", "Hilltop")
    assert start.vital_level.tolist() == [0.8, 1.0]
    assert start.thriving[1] == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"communities": []}, "expected"),
        ({"communities": [{"thriving": 1}]}, "community 1 needs a name"),
        ({"communities": [{"name": "A", "thriving": "x", "struggling": 0, "suffering": 0}]}, "community 'A': thriving 'x' is not a number"),
        ({"communities": [{"name": "A", "thriving": 1.5, "struggling": 0, "suffering": 0}]}, "thriving 1.5 must be between 0 and 1"),
        ({"communities": [{"name": "A", "thriving": 0.5, "struggling": 0.2, "suffering": 0.1}]}, "= 0.800, expected 1"),
        ({"communities": [{"name": "A", "thriving": 0.5, "struggling": 0.5, "suffering": 0}] * 2}, "names must be unique"),
    ],
)
def test_bad_communities_are_refused_clearly(raw, message):
    with pytest.raises(InputFormatError, match=message):
        start_from_dict(raw)


def test_communities_from_imported_data_follow_the_documented_rule(catalog, tmp_path):
    from pathlib import Path

    from portfolio_engine.community.indicators import import_long, values
    from portfolio_engine.community.survey import import_survey
    from portfolio_engine.model.communities import city_start, communities_from_values
    from portfolio_engine.security.access import OPERATOR

    demo = Path(__file__).resolve().parents[2] / "portfolio_engine" / "data" / "demo_city"
    import_long(catalog, demo / "indicators.csv", grant=OPERATOR)
    import_survey(catalog, demo / "survey.csv", "2024", "riverside", "Riverside", grant=OPERATOR)
    stored = values()
    document = communities_from_values(stored, set(catalog.in_family("vital_conditions")))
    by_name = {c["name"]: c for c in document["communities"]}
    assert set(by_name) == {"Eastside", "Harbor", "Old Town", "Northgate", "Hillcrest"}
    assert by_name["Eastside"]["vital_level"] < 1 < by_name["Hillcrest"]["vital_level"]
    assert "vital_level" in by_name["Eastside"]["from_data"]
    start = start_from_dict(document)
    assert (start.thriving + start.struggling + start.suffering == pytest.approx(1.0))
    assert city_start(stored).names == ("Whole city (survey)",)


def test_no_survey_no_communities(catalog):
    import pandas as pd

    from portfolio_engine.community.indicators import COLUMNS
    from portfolio_engine.model.communities import communities_from_values

    with pytest.raises(InputFormatError, match="No survey shares by neighborhood"):
        communities_from_values(pd.DataFrame(columns=list(COLUMNS)), set())
