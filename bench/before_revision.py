"""Baseline for `make bench`: the well-being dynamics as they were before issue 11 (commit 673139e~1, numpy, linear channel
averages), kept only to time "no slower than today" in the same run. Not used by the product."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portfolio_engine.errors import InvalidAmount, InvalidAssumptions
from portfolio_engine.model.assumptions import CHANNELS, Assumptions
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.portfolio import Portfolio

OUTPUTS = (
    "thriving",
    "struggling",
    "suffering",
    "vital_conditions_index",
    "urgent_capacity_index",
    "civic_muscle_index",
    "realized_vital_share",
    "urgent_cost",
)


@dataclass(frozen=True, eq=False)
class Model:
    """Everything a run needs, precomputed once from the catalog, status quo and assumptions."""

    catalog: Catalog
    status_quo: np.ndarray  # (E,) amounts per year
    constants: dict[str, float]
    delays: np.ndarray  # (E,) years
    weights: np.ndarray  # (E, 4) channel weights (lift, steady, prevent, restore), columns sum to 1
    vital_weights: np.ndarray  # (E,) status-quo spending shares within vital conditions
    vital: np.ndarray  # (E,) bool
    urgent: np.ndarray  # (E,) bool
    civic: int
    equilibrium: tuple[float, float, float]  # thriving, struggling, suffering at the status quo
    status_quo_vital_share: float
    unit_cost: float  # currency per unit of the restoring flow (share of population per year)


@dataclass(frozen=True)
class Start:
    """Each community's starting state: population shares and vital-condition level (1 = status quo)."""

    names: tuple[str, ...]
    thriving: np.ndarray
    struggling: np.ndarray
    suffering: np.ndarray
    vital_level: np.ndarray


@dataclass(frozen=True)
class Projection:
    """Outputs at whole years: each array has shape (portfolios, communities, years + 1)."""

    years: np.ndarray
    outputs: dict[str, np.ndarray]
    communities: tuple[str, ...]

    def frame(self, portfolio: int = 0, community: int = 0) -> pd.DataFrame:
        """One run as a table, one row per whole year."""
        data = {"year": self.years}
        data.update({k: v[portfolio, community] for k, v in self.outputs.items()})
        return pd.DataFrame(data)

    def at_year(self, year: int, community: int = 0) -> pd.DataFrame:
        """Every portfolio's outputs at one year, one row per portfolio."""
        return pd.DataFrame({k: v[:, community, year] for k, v in self.outputs.items()})


def build_model(catalog: Catalog, status_quo: Portfolio, assumptions: Assumptions) -> Model:
    """Precompute weights, equilibrium and unit cost; the status quo must fund every element."""
    sq = status_quo.vector(catalog)
    unfunded = [i for i, amount in zip(catalog.ids, sq, strict=True) if amount <= 0]
    if unfunded:
        raise InvalidAmount(
            f"The status quo must fund every element (effects are relative to it); unfunded: {', '.join(unfunded)}."
        )
    families = np.array([e.family for e in catalog.elements])
    vital = families == "vital_conditions"
    urgent = families == "urgent_services"
    raw = np.array([[assumptions.elements[i][ch] for ch in CHANNELS] for i in catalog.ids])
    weights = raw * sq[:, None]
    sums = weights.sum(axis=0)
    empty = [ch for ch, total in zip(CHANNELS, sums, strict=True) if total <= 0]
    if empty:
        raise InvalidAssumptions(f"At least one element needs a positive '{', '.join(empty)}' weight.")
    k = assumptions.constants
    struggling = 1 / (1 + k["rise_rate"] / k["slip_rate"] + k["fall_rate"] / k["restore_rate"]) if k["slip_rate"] > 0 and k["restore_rate"] > 0 else None
    if struggling is None:
        raise InvalidAssumptions("slip_rate and restore_rate must be above 0 for a status-quo equilibrium to exist.")
    thriving = struggling * k["rise_rate"] / k["slip_rate"]
    suffering = struggling * k["fall_rate"] / k["restore_rate"]
    urgent_spend = float(sq[urgent].sum())
    return Model(
        catalog=catalog,
        status_quo=sq,
        constants=dict(k),
        delays=np.array([assumptions.elements[i]["delay_years"] for i in catalog.ids]),
        weights=weights / sums,
        vital_weights=np.where(vital, sq, 0.0) / sq[vital].sum(),
        vital=vital,
        urgent=urgent,
        civic=int(np.flatnonzero(families == "civic_muscle")[0]),
        equilibrium=(thriving, struggling, suffering),
        status_quo_vital_share=float(sq[vital].sum() / sq.sum()),
        unit_cost=urgent_spend / (k["restore_rate"] * suffering) if suffering > 0 else 0.0,
    )


def equilibrium_start(model: Model) -> Start:
    """One community at the status-quo equilibrium."""
    t, s, u = model.equilibrium
    return Start(("community",), np.array([t]), np.array([s]), np.array([u]), np.array([1.0]))


def _funding_terms(model: Model, alloc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split each portfolio into (D, F, v, c) so funding ratios are r = A * D + F for a realized vital share A.

    Vital elements receive A x budget in the chosen vital mix, urgent ones (1 - A - c) x budget
    in the chosen urgent mix, civic muscle its chosen amount. An empty family uses the status-quo mix.
    """
    sq = model.status_quo
    budget = alloc.sum(axis=1)
    safe = np.where(budget > 0, budget, 1.0)
    civic_amount = alloc[:, model.civic]

    def mix(mask: np.ndarray) -> np.ndarray:
        part = np.where(mask, alloc, 0.0)
        total = part.sum(axis=1, keepdims=True)
        fallback = np.where(mask, sq, 0.0) / sq[mask].sum()
        return np.where(total > 0, part / np.where(total > 0, total, 1.0), fallback)

    vital_mix, urgent_mix = mix(model.vital), mix(model.urgent)
    v = np.where(budget > 0, np.where(model.vital, alloc, 0.0).sum(axis=1) / safe, 0.0)
    c = np.where(budget > 0, civic_amount / safe, 0.0)
    d = budget[:, None] * (vital_mix - urgent_mix) / sq
    f = (budget * (1 - c))[:, None] * urgent_mix / sq
    f[:, model.civic] = civic_amount / sq[model.civic]
    return d, f, v, c


def simulate(model: Model, allocations: np.ndarray, years: int, start: Start | None = None) -> Projection:
    """Run every portfolio (rows of amounts per element, catalog order) for every community.

    Each row's budget is its own total. Returns outputs at whole years 0..years.
    """
    alloc = np.atleast_2d(np.asarray(allocations, dtype=float))
    if alloc.shape[1] != len(model.status_quo):
        raise InvalidAmount(f"Expected {len(model.status_quo)} amounts per portfolio, got {alloc.shape[1]}.")
    if not np.isfinite(alloc).all() or (alloc < 0).any():
        raise InvalidAmount("Amounts must be finite and 0 or more.")
    if years < 0:
        raise InvalidAmount("Years must be 0 or more.")
    start = start or equilibrium_start(model)
    k = model.constants
    dt = k["dt"]
    per_year = round(1 / dt)
    n_portfolios, n_communities = alloc.shape[0], len(start.names)

    d, f, v, c = (np.repeat(x, n_communities, axis=0) for x in _funding_terms(model, alloc))
    thriving = np.tile(start.thriving, n_portfolios).astype(float)
    struggling = np.tile(start.struggling, n_portfolios).astype(float)
    suffering = np.tile(start.suffering, n_portfolios).astype(float)
    capacity = np.ones((len(thriving), len(model.status_quo)))
    capacity[:, model.vital] *= np.tile(start.vital_level, n_portfolios)[:, None]
    realized = v.copy()
    perceived = suffering.copy()

    keep, d_step, f_step = 1 - dt / model.delays, d * (dt / model.delays), f * (dt / model.delays)
    weights, civic_at = model.weights, model.civic
    h, civic_base, half = k["saturation"], k["civic_base"], k["resistance_half"]
    exponents = np.array([k["lift_exponent"], k["steady_exponent"], k["prevent_exponent"], k["restore_exponent"]])
    base = dt * np.array([k["rise_rate"], k["slip_rate"], k["fall_rate"], k["restore_rate"]])
    harm = np.array([False, True, True, False])  # channels whose multiplier falls as capacity grows
    v0, u0, pressure = model.status_quo_vital_share, model.equilibrium[2], k["pressure_weight"]
    shift, political, perception = v - v0, dt / k["political_delay"], dt / k["perception_delay"]
    ceiling = 1 - c
    n_rows = len(thriving)
    history = {name: np.empty((n_rows, years + 1)) for name in ("thriving", "struggling", "suffering", "realized_vital_share")}
    capacity_history = np.empty((years + 1, n_rows, capacity.shape[1]))

    for step in range(years * per_year + 1):
        if step % per_year == 0:
            year = step // per_year
            history["thriving"][:, year] = thriving
            history["struggling"][:, year] = struggling
            history["suffering"][:, year] = suffering
            history["realized_vital_share"][:, year] = realized
            capacity_history[year] = capacity
            if year == years:
                break
        # Fractions of each stock that move this step (rise, slip, fall, restore), capped so no stock goes negative.
        index = capacity @ weights
        rise, slip, fall, restore = np.minimum(np.where(harm, (1 + h) / (index + h), index) ** exponents * base, 1.0).T
        leaving = np.minimum(1.0, 1.0 / (rise + fall)) * struggling
        slipping = slip * thriving
        rising = rise * leaving
        falling = fall * leaving
        restoring = restore * suffering
        civic = capacity[:, civic_at] * (civic_base + thriving)
        resistance = civic / (civic + half)
        target = np.minimum(np.maximum(resistance * shift + v0 - pressure * (perceived - u0), 0.0), ceiling)
        capacity *= keep
        capacity += realized[:, None] * d_step + f_step
        realized += (target - realized) * political
        perceived += (suffering - perceived) * perception
        thriving += rising - slipping
        struggling += slipping + restoring - rising - falling
        suffering += falling - restoring

    index = capacity_history @ weights  # (years + 1, rows, channels)
    restore_fraction = np.minimum(index[..., 3] ** exponents[3] * base[3], 1.0).T
    history["vital_conditions_index"] = (capacity_history @ model.vital_weights).T
    history["urgent_capacity_index"] = index[..., 3].T
    history["civic_muscle_index"] = capacity_history[..., civic_at].T * (civic_base + history["thriving"])
    history["urgent_cost"] = model.unit_cost * restore_fraction / dt * history["suffering"]
    shape = (n_portfolios, n_communities, years + 1)
    return Projection(np.arange(years + 1), {name: history[name].reshape(shape) for name in OUTPUTS}, start.names)
