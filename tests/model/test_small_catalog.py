"""A catalog of five elements of its own (tests/data/small_catalog: 2 vital, 2 urgent, 1 civic): the model, the optimizer and
the Optimize page take every size from the catalog, and the loader refuses a catalog that breaks its invariants."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import ui.identity
from portfolio_engine.errors import InputFormatError
from portfolio_engine.model import catalog as catalog_module
from portfolio_engine.model.assumptions import default_assumptions
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.dynamics import build_model, simulate
from portfolio_engine.model.portfolio import load_status_quo
from portfolio_engine.optimizer import constraints
from portfolio_engine.optimizer.optimize import optimize

SMALL = Path(__file__).resolve().parents[1] / "data" / "small_catalog"


@pytest.fixture
def small():
    """The five-element catalog with its own status quo and assumptions."""
    catalog = load_catalog(SMALL / "catalog.json")
    return catalog, load_status_quo(catalog, SMALL / "status_quo.json"), default_assumptions(catalog, SMALL / "assumptions.json")


@pytest.fixture
def small_everywhere(small, monkeypatch):
    """The small catalog as the one the pages and the optimizer load by default."""
    catalog, status_quo, assumptions = small
    monkeypatch.setattr(catalog_module, "load_catalog", lambda: catalog)
    monkeypatch.setattr(ui.identity, "load_status_quo", lambda _catalog: status_quo)
    monkeypatch.setattr(constraints, "load_catalog", lambda: catalog)
    monkeypatch.setattr(constraints, "load_status_quo", lambda _catalog: status_quo)
    monkeypatch.setattr(constraints, "default_assumptions", lambda _catalog: assumptions)
    return small


def write_catalog(tmp_path: Path, change) -> Path:
    """The small catalog's file with one change applied, in tmp_path."""
    raw = json.loads((SMALL / "catalog.json").read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_the_model_simulates_five_elements(small):
    catalog, status_quo, assumptions = small
    assert len(catalog.ids) == 5
    model = build_model(catalog, status_quo, assumptions)
    run = simulate(model, np.array([status_quo.vector(catalog)]), 10)
    thriving = run.outputs["thriving"][0, 0]
    assert np.allclose(thriving, thriving[0])  # the status quo is the equilibrium


def test_the_optimizer_runs_on_five_elements(small_everywhere):
    catalog, status_quo, _ = small_everywhere
    problem = constraints.problem_from_dict({"budget": status_quo.budget, "objective": {"thriving_at_year": 10}, "max_change": 0.25})
    result = optimize(problem)
    assert set(result.allocations) == set(catalog.ids)
    assert sum(result.allocations.values()) == pytest.approx(status_quo.budget)


def test_the_optimize_page_builds_one_row_per_element(small_everywhere):
    at = AppTest.from_file("../../pages/optimize.py", default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    tables = [t.value for t in at.dataframe]
    assert [len(t) for t in tables if "element" in t.columns] == [5]


@pytest.mark.parametrize(("change", "message"), [
    (lambda raw: raw["elements"].append(dict(raw["elements"][-1], id="neighborhood_councils")),
     "the civic_muscle family must hold exactly one element .the dynamics model civic muscle as one stock., found 2"),
    (lambda raw: raw["elements"].pop(), "every family needs at least one element; empty: civic_muscle"),
    (lambda raw: raw["elements"].append(dict(raw["elements"][0])), "element ids must be unique; repeated: basic_needs"),
    (lambda raw: raw["elements"].__setitem__(0, dict(raw["elements"][0], family="parks")), "families must be"),
    (lambda raw: [e.update(family="vital_conditions") for e in raw["elements"] if e["family"] == "urgent_services"],
     "every family needs at least one element; empty: urgent_services"),
])
def test_the_loader_refuses_a_catalog_that_breaks_an_invariant(tmp_path, change, message):
    with pytest.raises(InputFormatError, match=message):
        load_catalog(write_catalog(tmp_path, change))
