"""Places differ (issue 11, item 4): structural levels persist, money can be directed to places, and reference behaviour F."""

import json
from pathlib import Path

import numpy as np
import pytest

from portfolio_engine.errors import InputFormatError, UnknownElement
from portfolio_engine.model.communities import communities_from_values, start_from_dict
from portfolio_engine.model.dynamics import simulate
from portfolio_engine.model.targeting import default_targeting, targeting_from_dict
from portfolio_engine.security.access import OPERATOR

DEMO = Path(__file__).resolve().parents[2] / "portfolio_engine" / "data" / "demo_city"
TWO = {"communities": [{"name": "Low", "thriving": 0.30, "struggling": 0.62, "suffering": 0.08, "vital_level": 0.75, "population": 30000},
                       {"name": "High", "thriving": 0.70, "struggling": 0.29, "suffering": 0.01, "vital_level": 1.3, "population": 10000}]}


@pytest.fixture
def demo_start(catalog):
    from portfolio_engine.community.indicators import import_long, values
    from portfolio_engine.community.survey import import_survey

    import_long(catalog, DEMO / "indicators.csv", grant=OPERATOR)
    import_survey(catalog, DEMO / "survey.csv", "2024", "riverside", "Riverside", grant=OPERATOR)
    return start_from_dict(communities_from_values(values(), set(catalog.in_family("vital_conditions"))))


def _gap(thriving: np.ndarray) -> float:
    return float(thriving.max() - thriving.min())


def test_f_under_the_status_quo_gaps_do_not_close_by_themselves(model, demo_start):
    thriving = simulate(model, model.status_quo, 20, demo_start).outputs["thriving"][0]
    assert _gap(thriving[:, 20]) >= 0.8 * _gap(thriving[:, 0])


def test_f_directing_housing_and_basic_needs_money_to_the_lowest_place_narrows_the_gap(model, catalog, demo_start):
    lowest = demo_start.names[int(np.argmin(demo_start.thriving))]
    targeting = targeting_from_dict({"targeting": {"humane_housing": {lowest: 0.5}, "basic_needs": {lowest: 0.5}}}, catalog, demo_start)
    runs = simulate(model, np.vstack([model.status_quo, model.status_quo]), 20, demo_start,
                    targeting=np.stack([targeting, default_targeting(catalog, demo_start)])).outputs["thriving"]
    assert _gap(runs[0, :, 20]) < _gap(runs[1, :, 20])
    assert runs[0, demo_start.names.index(lowest), 20] > runs[1, demo_start.names.index(lowest), 20]


def test_a_passing_state_drifts_back_but_an_anchored_place_stays(model):
    anchored = start_from_dict(TWO)
    passing = start_from_dict({**TWO, "anchored": False})
    stays = simulate(model, model.status_quo, 30, anchored).outputs["thriving"][0]
    drifts = simulate(model, model.status_quo, 30, passing).outputs["thriving"][0]
    assert np.allclose(stays[:, 30], stays[:, 0], atol=1e-6)
    assert _gap(drifts[:, 30]) < 0.5 * _gap(drifts[:, 0])


def test_money_reaching_a_place_moves_it_and_money_leaving_a_place_costs_it(model, catalog):
    start = start_from_dict(TWO)
    to_low = targeting_from_dict({"targeting": {i: {"Low": 0.9} for i in catalog.in_family("vital_conditions")}}, catalog, start)
    runs = simulate(model, np.vstack([model.status_quo, model.status_quo]), 20, start,
                    targeting=np.stack([to_low, default_targeting(catalog, start)])).outputs["thriving"][:, :, 20]
    assert runs[0, 0] > runs[1, 0] and runs[0, 1] < runs[1, 1]


def test_default_targeting_follows_population(catalog):
    start = start_from_dict(TWO)
    assert np.allclose(default_targeting(catalog, start)[:, 0], [0.75, 0.25])
    partial = targeting_from_dict({"targeting": {"humane_housing": {"High": 0.5}}}, catalog, start)
    assert np.allclose(partial[:, catalog.index("humane_housing")], [0.5, 0.5])
    assert np.allclose(partial.sum(axis=0), 1.0)


@pytest.mark.parametrize(("raw", "message"), [
    ({"targeting": {"humane_housing": {"Low": 0.7, "High": 0.2}}}, "humane_housing.*add up to 0.9000"),
    ({"targeting": {"humane_housing": {"Low": 0.9, "High": 0.4}}}, "humane_housing.*add up to 1.3000"),
    ({"targeting": {"humane_housing": {"Nowhere": 0.5}}}, "unknown community 'Nowhere'"),
    ({"targeting": {"humane_housing": {"Low": -0.1}}}, "between 0 and 1"),
    ({"targeting": {"humane_housing": {"Low": "half"}}}, "'half' is not a number"),
    ({"targeting": []}, "expected"),
])
def test_bad_targeting_is_refused_naming_the_element_and_place(catalog, raw, message):
    with pytest.raises(InputFormatError, match=message):
        targeting_from_dict(raw, catalog, start_from_dict(TWO))


@pytest.mark.parametrize(("population", "message"), [(0, "population 0 must be above 0"), (-5, "must be above 0"), ("many", "not a number")])
def test_bad_population_is_refused(population, message):
    raw = json.loads(json.dumps(TWO))
    raw["communities"][0]["population"] = population
    with pytest.raises(InputFormatError, match=message):
        start_from_dict(raw)


def test_targeting_an_unknown_element_is_refused(catalog):
    with pytest.raises(UnknownElement, match="parks"):
        targeting_from_dict({"targeting": {"parks": {"Low": 0.5}}}, catalog, start_from_dict(TWO))


def test_population_for_some_but_not_all_is_refused():
    raw = json.loads(json.dumps(TWO))
    del raw["communities"][0]["population"]
    with pytest.raises(InputFormatError, match="every community or for none"):
        start_from_dict(raw)
