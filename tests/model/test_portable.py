"""The model's tables for the browser: the engine's own numbers, JSON as they are, and the start Allocate projects from."""

import json

import numpy as np

from portfolio_engine.model.assumptions import default_assumptions
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.dynamics import Start, build_model, parameters
from portfolio_engine.model.portable import portable
from portfolio_engine.model.portfolio import load_status_quo
from portfolio_engine.model.uncertainty import draws


def _model():
    catalog = load_catalog()
    return build_model(catalog, load_status_quo(catalog), default_assumptions(catalog))


def test_tables_hold_the_central_assumptions_and_the_draws_exactly():
    model = _model()
    tables = json.loads(json.dumps(portable(model, 5, seed=11)))
    assert tables["central"]["params"] == [parameters(model).tolist()]
    assert np.array_equal(tables["draws"]["params"], draws(model, 5, 11).params)  # full precision through JSON
    assert np.array_equal(tables["draws"]["weights"], draws(model, 5, 11).weights)
    assert tables["ids"] == list(model.catalog.ids) and tables["civic"] == model.civic and tables["per_year"] == 4


def test_without_draws_only_the_central_assumptions_travel():
    tables = portable(_model(), 0)
    assert tables["draws"] is None and len(json.dumps(tables)) < 10_000  # what the board fetches: a few kilobytes


def test_a_start_gives_the_first_community_and_its_vital_level():
    model = _model()
    start = Start(("north", "south"), np.array([0.4, 0.6]), np.array([0.5, 0.35]), np.array([0.1, 0.05]), np.array([0.8, 1.2]), anchored=True)
    found = portable(model, 0, start=start)["start"]
    assert found["shares"] == [0.4, 0.5, 0.1] and found["anchored"] is True
    assert found["capacity"] == [0.8 if vital else 1.0 for vital in model.vital]
