"""Projecting portfolios: one simulation call for the shared model, the proposal's own assumptions when it has them."""

import numpy as np

from portfolio_engine.model.assumptions import default_assumptions, with_overrides
from portfolio_engine.model.dynamics import build_model, simulate
from portfolio_engine.services.projection import at_years, project_portfolios


def test_runs_match_the_model_run_one_by_one(catalog, status_quo):
    shifted = dict(status_quo.allocations, acute_care=14e6, humane_housing=12e6)
    runs = project_portfolios(catalog, status_quo, [status_quo.allocations, shifted], 10)
    model = build_model(catalog, status_quo, default_assumptions(catalog))
    alone = simulate(model, np.array([shifted[i] for i in catalog.ids]), 10).frame(0)
    assert len(runs) == 2 and np.allclose(runs[1]["suffering"], alone["suffering"], rtol=1e-12)


def test_a_portfolio_with_its_own_assumptions_is_projected_under_them(catalog, status_quo):
    edits = {"constants": {"rise_rate": 0.2}}
    default, own = project_portfolios(catalog, status_quo, [status_quo.allocations] * 2, 20, overrides=[None, edits])
    model = build_model(catalog, status_quo, with_overrides(default_assumptions(catalog), catalog, edits))
    assert own["thriving"].tolist() == simulate(model, status_quo.vector(catalog), 20).frame(0)["thriving"].tolist()
    assert at_years(own, (0, 20))[20][0] != at_years(default, (0, 20))[20][0]
