"""Projecting portfolios: the one place that builds the model and simulates for Compare, Optimize and the workshop report."""

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from portfolio_engine.model.assumptions import default_assumptions, with_overrides
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.dynamics import Model, build_model, simulate
from portfolio_engine.model.portfolio import Portfolio

YEARS = 20


def project_portfolios(catalog: Catalog, status_quo: Portfolio, portfolios: Sequence[Mapping[str, float]], years: int = YEARS, *,
                       overrides: Sequence[dict | None] | None = None, model: Model | None = None) -> list[pd.DataFrame]:
    """Each portfolio's run, one row per year, simulated together under the default assumptions (or `model`, say an optimizer
    problem's). A portfolio with assumption edits of its own (`overrides[n]`, as a proposal saves them) is projected under them."""
    shared = model or build_model(catalog, status_quo, default_assumptions(catalog))
    rows = np.array([[amounts[i] for i in catalog.ids] for amounts in portfolios])
    runs = simulate(shared, rows, years)
    frames = [runs.frame(n) for n in range(len(rows))]
    for n, own in enumerate(overrides or ()):
        if own:
            edited = with_overrides(default_assumptions(catalog), catalog, own)  # a proposal's edits start from the shipped defaults
            frames[n] = simulate(build_model(catalog, status_quo, edited), rows[n], years).frame(0)
    return frames


def at_years(frame: pd.DataFrame, years: Sequence[int]) -> dict[int, tuple[float, float]]:
    """(thriving, suffering) at each of these whole years of a run."""
    return {y: (frame["thriving"].iloc[y], frame["suffering"].iloc[y]) for y in years}
