"""Honest uncertainty: every assumption drawn across its plausible range, and what the room reads from the draws.

Draws are a Latin hypercube (scipy.stats.qmc, seeded, so a band is reproducible) over every ranged constant and,
per element, a factor on each effect weight and delay. Each draw is a full model with its own status-quo
equilibrium; a portfolio is always compared with the status quo *in the same draw*, so the status quo's own band
is a point and the band says how sure the difference is, not how sure the level is.
"""

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from portfolio_engine.errors import InvalidAmount
from portfolio_engine.model.assumptions import ELEMENT_FIELDS
from portfolio_engine.model.dynamics import OUTPUTS, Ensemble, Model, Start, build_from_amounts, ensemble, simulate_draws

MAX_DRAWS = 10_000
DEFAULT_DRAWS = 200
SEED = 20261130
PERCENTILES = (10, 50, 90)


def check_draws(count: int) -> int:
    """Draws between 1 and MAX_DRAWS, else a message naming the field."""
    if not 1 <= count <= MAX_DRAWS:
        raise InvalidAmount(f"draws: {count} must be between 1 and {MAX_DRAWS:,}.")
    return count


@lru_cache(maxsize=16)
def draws(model: Model, count: int = DEFAULT_DRAWS, seed: int = SEED) -> Ensemble:
    """`count` models across the assumptions' ranges (cached per model: a page's moves reuse them)."""
    from scipy.stats import qmc  # here, not at the top: scipy.stats takes about 0.9 s to load and most commands never draw

    check_draws(count)
    base = model.assumptions
    constants = sorted(base.ranges)
    fields = [f for f in ELEMENT_FIELDS if f in base.element_ranges]
    ids = model.catalog.ids
    dims = len(constants) + len(fields) * len(ids)
    unit = qmc.LatinHypercube(d=max(dims, 1), seed=seed).random(count)
    lows = np.array([base.ranges[c][0] for c in constants] + [base.element_ranges[f][0] for f in fields for _ in ids])
    highs = np.array([base.ranges[c][1] for c in constants] + [base.element_ranges[f][1] for f in fields for _ in ids])
    values = lows + unit[:, :len(lows)] * (highs - lows)
    models = []
    for row in values:
        drawn = dict(zip(constants, row[:len(constants)], strict=True))
        factors = row[len(constants):].reshape(len(fields), len(ids)) if fields else np.empty((0, len(ids)))
        elements = {i: dict(base.elements[i]) for i in ids}
        for f, per_element in zip(fields, factors, strict=True):
            for i, factor in zip(ids, per_element, strict=True):
                elements[i][f] *= factor
        assumptions = replace(base, constants={**base.constants, **drawn}, elements=elements)
        models.append(build_from_amounts(model.catalog, model.status_quo, assumptions))
    return ensemble(models)


@dataclass(frozen=True)
class Band:
    """Per-year percentiles of a portfolio's outputs and of its change from the status quo, across draws."""

    table: pd.DataFrame  # year, {output}_p10/_p50/_p90, {output}_change_p10/_p50/_p90
    share_better: float  # share of draws where thriving at the horizon beats the status quo's
    draws: int
    seed: int


@lru_cache(maxsize=32)
def _status_quo_runs(model: Model, count: int, seed: int, years: int, start: Start | None) -> dict[str, np.ndarray]:
    """The status quo under every draw, once per model, draws, horizon and start (a slider's move reuses it).

    From each draw's own equilibrium it stays there (reference behaviour 1): its year 0, held."""
    ensemble_ = draws(model, count, seed)
    if start is not None:
        return simulate_draws(model, ensemble_, model.status_quo, years, start)
    first = simulate_draws(model, ensemble_, model.status_quo, 0)
    return {name: np.repeat(value, years + 1, axis=-1) for name, value in first.items()}


def bands(model: Model, amounts: np.ndarray, years: int, count: int = DEFAULT_DRAWS, seed: int = SEED,
          start: Start | None = None, targeting: np.ndarray | None = None, outputs: tuple[str, ...] = OUTPUTS) -> tuple[Band, ...]:
    """Run the portfolio and the status quo under every draw once and summarize each community's `outputs`.

    `targeting` (communities x elements) applies to the portfolio; the status quo keeps the default.
    """
    ensemble_ = draws(model, check_draws(count), seed)
    chosen_runs = simulate_draws(model, ensemble_, amounts, years, start, None if targeting is None else targeting[None])
    base_runs = _status_quo_runs(model, count, seed, years, start)
    return tuple(_summary(chosen_runs, base_runs, community, years, outputs, count, seed) for community in range(chosen_runs["thriving"].shape[1]))


def band(model: Model, amounts: np.ndarray, years: int, count: int = DEFAULT_DRAWS, seed: int = SEED,
         start: Start | None = None, targeting: np.ndarray | None = None, outputs: tuple[str, ...] = OUTPUTS) -> Band:
    """The first community's band (the whole city when there is no start): what Allocate draws."""
    return bands(model, amounts, years, count, seed, start, targeting, outputs)[0]


def _summary(chosen_runs: dict[str, np.ndarray], base_runs: dict[str, np.ndarray], community: int, years: int,
             outputs: tuple[str, ...], count: int, seed: int) -> Band:
    """One community's percentiles per year, of each output and of its change from the status quo in the same draw."""
    data: dict[str, np.ndarray] = {"year": np.arange(years + 1)}
    for name in outputs:
        chosen, base = chosen_runs[name][0, community], base_runs[name][0, community]  # (draws, years + 1)
        for q, value in zip(PERCENTILES, np.percentile(chosen, PERCENTILES, axis=0), strict=True):
            data[f"{name}_p{q}"] = value
        for q, value in zip(PERCENTILES, np.percentile(chosen - base, PERCENTILES, axis=0), strict=True):
            data[f"{name}_change_p{q}"] = value
    chosen, base = chosen_runs["thriving"][0, community, :, -1], base_runs["thriving"][0, community, :, -1]
    return Band(pd.DataFrame(data), float(np.mean(chosen > base + 1e-9)), count, seed)
