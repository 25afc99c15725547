"""The well-being dynamics: stocks and flows, fixed-step Euler, vectorized over portfolios and communities.

See docs/model.md for every equation. All arrays are numpy; one call simulates P portfolios for
C communities at once (N = P x C rows), so a page, the optimizer and a batch file share one path.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from portfolio_engine.errors import InvalidAmount, InvalidAssumptions
from portfolio_engine.model import kernel
from portfolio_engine.model.assumptions import CHANNELS, Assumptions
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.portfolio import Portfolio

CORES = os.cpu_count() or 1
# Rows per thread before a run is split across the cores. A split saves wall time but costs CPU (slices, hand-offs, a second
# kernel call): a band of 100 draws took 4.1-4.5 ms of CPU split in two against 3.4-3.7 ms whole, for 1 ms less wall
# time. A server full of sessions is short of CPU, not of wall time, so such a band runs whole; the optimizer's batches of
# hundreds of rows still split.
ROWS_PER_THREAD = 128
_THREADS = ThreadPoolExecutor(max_workers=CORES, thread_name_prefix="model")

OUTPUTS = (
    "thriving",
    "struggling",
    "suffering",
    "vital_conditions_index",
    "urgent_capacity_index",
    "civic_muscle_index",
    "realized_vital_share",
    "urgent_cost",
    "unmet_need",
    "cost_of_harm",
    "service_efficiency",
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
    assumptions: Assumptions  # what it was built from (ranges for draws)

    @cached_property
    def central(self) -> "Ensemble":
        """The model's own assumptions as a one-draw ensemble (what a plain run uses)."""
        return ensemble([self])


@dataclass(frozen=True, eq=False)  # identity, not array equality: a start can key a cache
class Start:
    """Each community's starting state: population shares and structural vital-conditions level (1 = status quo).

    The level multiplies what each vital condition's money buys there, so it persists under the status quo
    (gaps do not close by themselves) and moves only with the money that reaches the place. `population`
    (people, optional) lets results be read in people and sets the default targeting; without it the
    communities count as equally large.
    """

    names: tuple[str, ...]
    thriving: np.ndarray
    struggling: np.ndarray
    suffering: np.ndarray
    vital_level: np.ndarray
    population: np.ndarray | None = None
    anchored: bool = False  # the shares are where each place stays under the status quo (communities from data or a file)

    @property
    def population_shares(self) -> np.ndarray:
        people = self.population if self.population is not None else np.ones(len(self.names))
        return people / people.sum()


@dataclass(frozen=True)
class Shock:
    """A harm shock: the fall rate multiplied by `factor` from `start` to `end` (years)."""

    factor: float
    start: float
    end: float

    def fall_scale(self, years: int, per_year: int) -> np.ndarray:
        """The fall-rate multiplier at every step."""
        time = np.arange(years * per_year + 1) / per_year
        return np.where((time >= self.start) & (time < self.end), self.factor, 1.0)


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

    def columns(self, portfolio: int = 0, community: int = 0) -> dict[str, np.ndarray]:
        """One run as numpy columns (`frame` without pandas: a slider's move reads them directly), read-only views: a run
        one page shares between sessions cannot be changed in place by any of them."""
        data = {"year": self.years[:], **{k: v[portfolio, community] for k, v in self.outputs.items()}}
        for values in data.values():
            values.flags.writeable = False
        return data

    def at_year(self, year: int, community: int = 0) -> pd.DataFrame:
        """Every portfolio's outputs at one year, one row per portfolio."""
        return pd.DataFrame({k: v[:, community, year] for k, v in self.outputs.items()})


def build_model(catalog: Catalog, status_quo: Portfolio, assumptions: Assumptions) -> Model:
    """Precompute weights, equilibrium and unit cost; the status quo must fund every element."""
    return build_from_amounts(catalog, status_quo.vector(catalog), assumptions)


def build_from_amounts(catalog: Catalog, sq: np.ndarray, assumptions: Assumptions) -> Model:
    """build_model from the status quo's amounts (catalog order): also how uncertainty draws are built."""
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
        assumptions=assumptions,
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


def parameters(model: Model) -> np.ndarray:
    """The kernel's parameter row for one set of assumptions (kernel.PARAMS columns)."""
    k, dt = model.constants, model.constants["dt"]
    row = np.empty(kernel.PARAMS)
    row[[kernel.RISE, kernel.SLIP, kernel.FALL, kernel.RESTORE]] = dt * np.array([k["rise_rate"], k["slip_rate"], k["fall_rate"], k["restore_rate"]])
    row[[kernel.LIFT_EXP, kernel.STEADY_EXP, kernel.PREVENT_EXP, kernel.RESTORE_EXP]] = [
        k["lift_exponent"], k["steady_exponent"], k["prevent_exponent"], k["restore_exponent"]]
    row[kernel.SATURATION], row[kernel.CIVIC_BASE], row[kernel.RESISTANCE_HALF] = k["saturation"], k["civic_base"], k["resistance_half"]
    row[kernel.RHO], row[kernel.FLOOR] = 1 - 1 / k["substitution_elasticity"], k["complement_floor"]
    row[kernel.V0], row[kernel.U0], row[kernel.PRESSURE] = model.status_quo_vital_share, model.equilibrium[2], k["pressure_weight"]
    row[kernel.POLITICAL], row[kernel.PERCEPTION] = dt / k["political_delay"], dt / k["perception_delay"]
    row[kernel.LEARNING], row[kernel.ORGANIZING] = dt * k["efficiency_rate"], dt / k["advocacy_delay"]
    row[kernel.ADVOCACY_WEIGHT], row[kernel.BELONGING_EXP] = k["advocacy_weight"], k["belonging_exponent"]
    row[kernel.UNIT_COST], row[kernel.UNMET_COST] = model.unit_cost, k["unmet_cost_factor"] * model.unit_cost * k["restore_rate"]
    row[kernel.DT], row[kernel.EFFICIENCY_CEILING], row[kernel.UNMET_SPREAD] = dt, k["efficiency_ceiling"], k["unmet_spread"]
    return row


@dataclass(frozen=True, eq=False)
class Ensemble:
    """Several sets of assumptions over one catalog and status quo, stacked for one kernel call (draw 0 first)."""

    params: np.ndarray  # (draws, kernel.PARAMS)
    weights: np.ndarray  # (draws, elements, 4)
    gain: np.ndarray  # (draws, elements): dt / delay
    equilibria: np.ndarray  # (draws, 3)

    @property
    def size(self) -> int:
        return len(self.params)


def ensemble(models: list[Model]) -> Ensemble:
    """Stack models that share a catalog, status quo and time step."""
    if len({m.constants["dt"] for m in models}) != 1:
        raise InvalidAssumptions("Every assumption draw must use the same time step dt.")
    return Ensemble(np.array([parameters(m) for m in models]), np.array([m.weights for m in models]),
                    np.array([m.constants["dt"] / m.delays for m in models]), np.array([m.equilibrium for m in models]))


def _check_run(model: Model, alloc: np.ndarray, years: int) -> None:
    if alloc.shape[1] != len(model.status_quo):
        raise InvalidAmount(f"Expected {len(model.status_quo)} amounts per portfolio, got {alloc.shape[1]}.")
    if not np.isfinite(alloc).all() or (alloc < 0).any():
        raise InvalidAmount("Amounts must be finite and 0 or more.")
    if years < 0:
        raise InvalidAmount("Years must be 0 or more.")


def _reach(model: Model, start: Start, targeting: np.ndarray | None) -> np.ndarray:
    """(portfolios or 1, communities, elements): each element's money per person in each community, relative to even.

    The share of the element's money the place receives over its share of people: 1 with the default targeting
    (in proportion to population). The place's structural level adds to what this money buys (kernel offset).
    """
    if targeting is None:
        return np.ones((1, len(start.names), len(model.status_quo)))
    return np.atleast_3d(targeting).reshape(-1, len(start.names), len(model.status_quo)) / start.population_shares[None, :, None]


def _run(model: Model, alloc: np.ndarray, years: int, start: Start | None, draws: Ensemble,
         shock: Shock | None = None, targeting: np.ndarray | None = None) -> np.ndarray:
    """Kernel outputs (outputs, portfolios, communities, draws, years + 1); rows ordered portfolio, community, draw."""
    per_year = round(1 / model.constants["dt"])
    n_portfolios, n_draws, n_elements = len(alloc), draws.size, len(model.status_quo)
    d, f, v, c = _funding_terms(model, alloc)
    if start is None:
        n_communities, reach = 1, np.ones((1, 1, n_elements))
        shares = np.tile(draws.equilibria, (n_portfolios, 1))
        capacity0 = np.ones((n_portfolios * n_draws, n_elements))
        anchored = False
    else:
        n_communities, reach = len(start.names), _reach(model, start, targeting)
        origin = np.column_stack([start.thriving, start.struggling, start.suffering])
        shares = np.repeat(np.tile(origin, (n_portfolios, 1)), n_draws, axis=0)
        level = np.where(model.vital, start.vital_level[:, None], 1.0)
        capacity0 = np.repeat(np.tile(level, (n_portfolios, 1)), n_draws, axis=0)
        anchored = start.anchored
    rows = n_portfolios * n_communities * n_draws
    d = np.repeat((d[:, None, :] * reach).reshape(-1, n_elements), n_draws, axis=0)
    f = np.repeat((f[:, None, :] * reach).reshape(-1, n_elements), n_draws, axis=0)
    v, c = np.repeat(v, n_communities * n_draws), np.repeat(c, n_communities * n_draws)
    draw = np.tile(np.arange(n_draws), n_portfolios * n_communities)
    fall_scale = np.ones(years * per_year + 1) if shock is None else shock.fall_scale(years, per_year)
    per_row = (d, f, v, c, shares, capacity0, capacity0 - 1.0, np.full(rows, anchored), draw)
    shared = (draws.params, draws.weights, draws.gain, model.vital_weights, model.civic, fall_scale, years, per_year)
    out = _integrate(per_row, shared)
    return out.reshape(len(OUTPUTS), n_portfolios, n_communities, n_draws, years + 1)


def _integrate(per_row: tuple[Any, ...], shared: tuple[Any, ...]) -> np.ndarray:
    """The kernel over every row; many rows (assumption draws, optimizer batches) split across the cores.

    The compiled loop releases the GIL, so threads run it in parallel; each call is independent serial code, safe however
    many sessions call at once (a numba parallel kernel is not, with its default threading layer)."""
    rows = len(per_row[0])
    parts = min(CORES, rows // ROWS_PER_THREAD)
    if parts <= 1:
        return kernel.integrate(*per_row, *shared)
    edges = np.linspace(0, rows, parts + 1).astype(int)
    futures = [_THREADS.submit(kernel.integrate, *(a[start:end] for a in per_row), *shared) for start, end in zip(edges[:-1], edges[1:], strict=True)]
    return np.concatenate([future.result() for future in futures], axis=1)


def simulate(model: Model, allocations: np.ndarray, years: int, start: Start | None = None, shock: Shock | None = None,
             targeting: np.ndarray | None = None) -> Projection:
    """Run every portfolio (rows of amounts per element, catalog order) for every community, central assumptions.

    Each row's budget is its own total. `targeting` (communities x elements, or one such table per portfolio;
    each element's column sums to 1) says where the money goes; default: in proportion to population.
    Returns outputs at whole years 0..years.
    """
    alloc = np.atleast_2d(np.asarray(allocations, dtype=float))
    _check_run(model, alloc, years)
    out = _run(model, alloc, years, start, model.central, shock, targeting)[:, :, :, 0, :]
    names = start.names if start is not None else ("community",)
    return Projection(np.arange(years + 1), dict(zip(OUTPUTS, out, strict=True)), names)


def simulate_draws(model: Model, draws: Ensemble, allocations: np.ndarray, years: int, start: Start | None = None,
                   targeting: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Every portfolio under every assumption draw: output name -> (portfolios, communities, draws, years + 1)."""
    alloc = np.atleast_2d(np.asarray(allocations, dtype=float))
    _check_run(model, alloc, years)
    return dict(zip(OUTPUTS, _run(model, alloc, years, start, draws, None, targeting), strict=True))
