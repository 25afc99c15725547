"""Propose portfolios under the room's constraints: SLSQP over the vectorized simulator.

Gradients come from batched forward differences (one simulate call for a point and its 13
neighbours); several feasible starts guard against local optima; the result is rounded to whole
cents that add up exactly to the budget. Terms are scaled by their status-quo value (docs/optimizer.md).
"""

from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import linprog, minimize

from portfolio_engine.errors import InfeasibleConstraints, InvalidConstraints
from portfolio_engine.model.dynamics import simulate
from portfolio_engine.optimizer.constraints import OBJECTIVE_KINDS, Problem, Term, check_feasible
from portfolio_engine.optimizer.funders import group_floors, split
from portfolio_engine.optimizer.robust import robust_scorer, robustness

STEP = 1e-6  # finite-difference step, as a share of the budget
BINDING = 1e-5  # a bound within this share of the budget is binding
PER = 1_000_000  # marginal values are per million
STARTS = 4


@dataclass(frozen=True)
class Binding:
    """A constraint the proposal sits on, who asked for it, and what relaxing it by one million is worth."""

    constraint: str
    owner: str | None
    amount: float
    shadow_price: float


@dataclass(frozen=True)
class Proposal:
    """The optimizer's answer, with what it is worth and why it looks the way it does."""

    allocations: dict[str, float]
    objective: float
    status_quo_objective: float
    terms: dict[str, float]
    status_quo_terms: dict[str, float]
    binding: tuple[Binding, ...]
    marginal_values: dict[str, float]
    budget_marginal_value: float
    allocations_by_funder: dict[str, dict[str, float]] = field(default_factory=dict)  # {funder: {element id: amount}} with funders
    robustness: float | None = None  # share of assumption draws in which it beats the status quo on the objective
    robust: bool = False  # the objective was its 10th percentile across draws

    def to_dict(self) -> dict:
        return {
            "allocations": self.allocations,
            "objective": self.objective,
            "status_quo_objective": self.status_quo_objective,
            "terms": self.terms,
            "status_quo_terms": self.status_quo_terms,
            "binding": [{"constraint": b.constraint, "owner": b.owner, "shadow_price": b.shadow_price} for b in self.binding],
            "marginal_values": self.marginal_values,
            "budget_marginal_value": self.budget_marginal_value,
            **({"allocations_by_funder": self.allocations_by_funder} if self.allocations_by_funder else {}),
            "robust": self.robust,
            "robustness": self.robustness,
        }


def term_values(problem: Problem, amounts: np.ndarray, terms: tuple[Term, ...] | None = None, targeted: bool = True) -> np.ndarray:
    """Raw value of each term (columns) for each portfolio (rows), in one simulate call.

    Proposals go to places as the problem's targeting says; the status quo (targeted=False) as it does today.
    """
    terms = terms or problem.terms
    amounts = np.atleast_2d(amounts)
    horizon = max(t.years for t in terms)
    targeting = problem.targeting if targeted else None
    outputs = simulate(problem.model, amounts, horizon, problem.start, targeting=targeting).outputs
    return np.column_stack([OBJECTIVE_KINDS[term.kind].value(outputs, amounts, term) for term in terms])


def _scales(problem: Problem, terms: tuple[Term, ...]) -> np.ndarray:
    """Each term's status-quo magnitude (the budget for a zero distance), so weights are comparable."""
    base = np.abs(term_values(problem, problem.status_quo, terms, targeted=False)[0])
    fallback = np.array([problem.budget if t.kind == "closeness_to_vote" else 1.0 for t in terms])
    return np.where(base > 0, base, fallback)


def factors(problem: Problem, terms: tuple[Term, ...]) -> np.ndarray:
    """Each term's weight x sense over its status-quo magnitude."""
    return np.array([t.weight * t.sense for t in terms]) / _scales(problem, terms)


def scorer(problem: Problem, terms: tuple[Term, ...] | None = None, targeted: bool = True):
    """score(amounts) -> higher is better: Σ weight × sense × value / |status-quo value|."""
    terms = terms or problem.terms
    weights = factors(problem, terms)
    return lambda amounts: term_values(problem, amounts, terms, targeted) @ weights


def _linear_constraints(problem: Problem) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Family floors and ceilings as A_ub x <= b_ub."""
    rows, limits = [], []
    for family, floor in problem.family_floors.items():
        rows.append(-problem.family_mask(family).astype(float))
        limits.append(-floor)
    for family, ceiling in problem.family_ceilings.items():
        rows.append(problem.family_mask(family).astype(float))
        limits.append(ceiling)
    for mask, amount, _ in group_floors(problem.catalog, problem.funders):  # money a mandate keeps inside its elements
        rows.append(-mask.astype(float))
        limits.append(-amount)
    return (np.array(rows), np.array(limits)) if rows else (None, None)


def project(problem: Problem, point: np.ndarray) -> np.ndarray:
    """The feasible portfolio closest to `point` in L1 distance (a linear program)."""
    n = len(point)
    a_ub, b_ub = _linear_constraints(problem)
    eye = np.eye(n)
    # variables: x (n), t (n) with t >= |x - point|
    rows = [np.hstack([eye, -eye]), np.hstack([-eye, -eye])]
    limits = [point, -point]
    if a_ub is not None and b_ub is not None:
        rows.append(np.hstack([a_ub, np.zeros_like(a_ub)]))
        limits.append(b_ub)
    result = linprog(
        np.concatenate([np.zeros(n), np.ones(n)]),
        A_ub=np.vstack(rows), b_ub=np.concatenate(limits),
        A_eq=np.concatenate([np.ones(n), np.zeros(n)])[None, :], b_eq=[problem.budget],
        bounds=list(zip(problem.lower, problem.upper, strict=True)) + [(0, None)] * n, method="highs",
    )
    if result.status != 0:
        raise InfeasibleConstraints("The floors, ceilings, locks, family limits and max_change cannot all hold at once with this budget.")
    return np.clip(result.x[:n], problem.lower, problem.upper)


def to_cents(problem: Problem, amounts: np.ndarray) -> np.ndarray:
    """Round to whole cents adding up exactly to the budget, never leaving a bound by more than a cent.

    The cents lost by rounding down go back by largest remainder, first to a family that rounding
    took below its floor (six members each losing most of a cent would otherwise leave it short)."""
    cents = np.clip(amounts, problem.lower, problem.upper) * 100
    floor = np.floor(cents)
    short = max(int(round(problem.budget * 100 - floor.sum())), 0)
    remainder = cents - floor
    first = np.zeros(len(floor), dtype=bool)
    for family, family_floor in problem.family_floors.items():
        members = np.flatnonzero(problem.family_mask(family))
        missing = int(np.ceil(family_floor * 100 - floor[members].sum() - 1e-6))
        first[members[np.argsort(-remainder[members], kind="stable")][: max(missing, 0)]] = True
    order = np.lexsort((-remainder, ~first))
    floor[order[:short]] += 1
    return floor / 100


def _gradients(score, x: np.ndarray, h: float) -> tuple[float, np.ndarray]:
    """Score and its gradient (per currency unit) from one batched call."""
    batch = np.vstack([x, x + h * np.eye(len(x))])
    values = score(batch)
    return float(values[0]), (values[1:] - values[0]) / h


def _solve(problem: Problem, score, starts: list[np.ndarray], extra: list[dict] | None = None) -> np.ndarray:
    """Maximize `score` from each start (SLSQP in budget shares); `extra` adds constraints on shares."""
    budget = problem.budget
    h = STEP * budget
    a_ub, b_ub = _linear_constraints(problem)
    constraints = [{"type": "eq", "fun": lambda y: y.sum() - 1.0, "jac": lambda y: np.ones_like(y)}] + (extra or [])
    if a_ub is not None and b_ub is not None:
        a, b = a_ub, b_ub / budget
        constraints.append({"type": "ineq", "fun": lambda y: b - a @ y, "jac": lambda y: -a})
    bounds = list(zip(problem.lower / budget, problem.upper / budget, strict=True))

    low, high = problem.lower / budget, problem.upper / budget

    def negative(y):
        # SLSQP may step a hair outside the bounds; the simulator accepts no negative amounts.
        value, grad = _gradients(score, np.clip(y, low, high) * budget, h)
        return -value, -grad * budget

    best, best_value = None, -np.inf
    for start in starts:
        result = minimize(negative, start / budget, jac=True, method="SLSQP", bounds=bounds, constraints=constraints,
                          options={"maxiter": 200, "ftol": 1e-12})
        candidate = project(problem, result.x * budget)  # exact feasibility after the solver's tolerance
        value = float(score(candidate)[0])
        if value > best_value + 1e-12:
            best, best_value = candidate, value
    assert best is not None, "no start gave a finite score"
    return best


def _starts(problem: Problem, count: int) -> list[np.ndarray]:
    """Deterministic feasible starts: nearest to the status quo, to the middle of the box, and seeded random points."""
    rng = np.random.default_rng(20261123)
    middle = (problem.lower + np.minimum(problem.upper, problem.budget)) / 2
    points = [problem.status_quo, middle]
    points += [rng.dirichlet(np.ones(len(middle))) * problem.budget for _ in range(max(count - 2, 0))]
    return [project(problem, p) for p in points[:count]]


def _explain(problem: Problem, x: np.ndarray, grad: np.ndarray) -> tuple[tuple[Binding, ...], float]:
    """Binding constraints with owners and shadow prices, from the gradient at the optimum (KKT)."""
    tol = BINDING * problem.budget
    at_low = (x - problem.lower <= tol) & np.array([s is not None for s in problem.lower_source])
    at_high = (problem.upper - x <= tol) & np.array([s is not None for s in problem.upper_source])
    free = (x - problem.lower > tol) & (problem.upper - x > tol)
    budget_value = float(np.median(grad[free])) if free.any() else float(np.mean(grad))
    found: list[Binding] = []
    for i in range(len(x)):
        for is_low, sources, bound in ((True, problem.lower_source, problem.lower), (False, problem.upper_source, problem.upper)):
            if (at_low if is_low else at_high)[i] and (name := sources[i]) and not any(b.constraint == name for b in found):
                gain = budget_value - grad[i] if is_low else grad[i] - budget_value
                if name.startswith("locks."):
                    gain = abs(grad[i] - budget_value)
                found.append(Binding(name, _owner(problem, name), float(bound[i]), float(gain * PER)))
    for kind, limits, sign in (("family_floors", problem.family_floors, 1), ("family_ceilings", problem.family_ceilings, -1)):
        for family, limit in limits.items():
            mask = problem.family_mask(family)
            if abs(x[mask].sum() - limit) <= tol:
                inside = mask & free if (mask & free).any() else mask
                gain = sign * (budget_value - float(grad[inside].mean()))
                name = f"{kind}.{family}"
                found.append(Binding(name, _owner(problem, name), float(limit), float(gain * PER)))
    for mask, amount, names in group_floors(problem.catalog, problem.funders):
        if abs(x[mask].sum() - amount) <= tol:
            inside = mask & free if (mask & free).any() else mask
            subject = ",".join(e for e, m in zip(problem.catalog.ids, mask, strict=True) if m)
            found.append(Binding(f"mandate_groups.{subject}", names, float(amount), float((budget_value - float(grad[inside].mean())) * PER)))
    return tuple(found), budget_value


def _owner(problem: Problem, name: str) -> str | None:
    return problem.owners.get(name) or (problem.owners.get("max_change") if name.startswith("max_change.") else None)


def optimize(problem: Problem, starts: int = STARTS) -> Proposal:
    """The best portfolio found under the constraints, with its explanation."""
    check_feasible(problem)
    score, status_quo_score = scorer(problem), scorer(problem, targeted=False)
    best = _solve(problem, score, _starts(problem, starts))
    weights = factors(problem, problem.terms)
    if problem.robust:  # from the central optimum, the portfolio whose unkind draws are kindest
        score, status_quo_score = robust_scorer(problem, weights), robust_scorer(problem, weights, targeted=False)
        best = _solve(problem, score, [best])
    best = to_cents(problem, best)
    value, grad = _gradients(score, best, STEP * problem.budget)
    binding, budget_value = _explain(problem, best, grad)
    ids = problem.catalog.ids
    labels = [t.label() for t in problem.terms]
    values = np.vstack([term_values(problem, best), term_values(problem, problem.status_quo, targeted=False)])
    return Proposal(
        allocations={i: float(a) for i, a in zip(ids, best, strict=True)},
        objective=value,
        status_quo_objective=float(status_quo_score(problem.status_quo)[0]),
        terms=dict(zip(labels, map(float, values[0]), strict=True)),
        status_quo_terms=dict(zip(labels, map(float, values[1]), strict=True)),
        binding=binding,
        marginal_values={i: float(g * PER) for i, g in zip(ids, grad, strict=True)},
        budget_marginal_value=budget_value * PER,
        allocations_by_funder=split(problem.catalog, problem.funders, best) if problem.funders else {},
        robustness=robustness(problem, best, weights),
        robust=problem.robust,
    )


def _shared_scorers(problem: Problem, pair: tuple[Term, Term]):
    """Scorers for two terms that share one simulation per batch: the frontier asks for the objective, the constraint and
    their gradients at the same point, so the last batch's values are kept and reused."""
    weights = factors(problem, pair)
    last: dict[bytes, np.ndarray] = {}

    def values(amounts: np.ndarray) -> np.ndarray:
        amounts = np.atleast_2d(amounts)
        key = amounts.tobytes()
        if key not in last:
            last.clear()
            last[key] = term_values(problem, amounts, pair) * weights
        return last[key]

    return (lambda amounts: values(amounts)[:, 0]), (lambda amounts: values(amounts)[:, 1])


def frontier(problem: Problem, kinds: tuple[str, str], points: int = 15) -> list[dict]:
    """Efficient portfolios trading two objectives (epsilon-constraint method).

    The two extremes maximize each objective alone; the points between maximize the second objective
    with the first held at evenly spaced levels. Horizons come from the problem's terms of the same
    kind (default 20 years). Dominated and repeated points are dropped; points are ordered by the
    first objective.
    """
    allowed = [k for k, kind in OBJECTIVE_KINDS.items() if not kind.needs_target or any(t.kind == k for t in problem.terms)]
    if any(k not in allowed for k in kinds) or kinds[0] == kinds[1]:
        raise InvalidConstraints(f"A frontier needs two different objectives among {', '.join(allowed)}; got {', '.join(kinds)}.")
    if not 2 <= points <= 50:
        raise InvalidConstraints(f"A frontier has 2 to 50 points, got {points}.")
    check_feasible(problem)
    first_term, second_term = (replace(next((t for t in problem.terms if t.kind == k), Term(k, 20, 1.0)), weight=1.0) for k in kinds)
    pair = (first_term, second_term)
    first, second = _shared_scorers(problem, pair)
    starts = _starts(problem, 2)
    low_end = _solve(problem, second, starts)   # best for the second objective: the first at its lowest
    high_end = _solve(problem, first, starts)   # best for the first objective
    low, high = float(first(low_end)[0]), float(first(high_end)[0])
    budget, h = problem.budget, STEP * problem.budget
    inside = (problem.lower / budget, problem.upper / budget)  # the same clipping as _solve's objective: one simulation serves both
    found, previous = [low_end], low_end
    for level in np.linspace(low, high, points)[1:-1]:
        keep_level = {"type": "ineq",
                      "fun": lambda y, level=level: _gradients(first, np.clip(y, *inside) * budget, h)[0] - level,
                      "jac": lambda y: _gradients(first, np.clip(y, *inside) * budget, h)[1] * budget}
        previous = _solve(problem, second, [previous], [keep_level])  # warm start from the neighbouring point
        found.append(previous)
    found.append(high_end)
    amounts = np.array([to_cents(problem, x) for x in found])
    oriented = np.column_stack([first(amounts), second(amounts)])
    keep: list[int] = []
    for i, row in enumerate(oriented):
        dominated = any((other >= row - 1e-9).all() and (other > row + 1e-9).any() for other in oriented)
        repeated = any(np.abs(amounts[i] - amounts[j]).max() < 1.0 for j in keep)
        if not dominated and not repeated:
            keep.append(i)
    values = term_values(problem, amounts[keep], pair)
    ids = problem.catalog.ids
    return [{"objectives": {t.kind: float(v) for t, v in zip(pair, row, strict=True)},
             "allocations": {e: float(a) for e, a in zip(ids, amounts[i], strict=True)}} for i, row in zip(keep, values, strict=True)]
