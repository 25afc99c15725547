"""Who funds what: funders with a budget, a mandate (the elements their money may fund) and floors they must keep.

The optimizer works on element totals; this module turns a constraints document's "funders" into what the totals must
respect and splits any feasible totals among the funders. A split exists exactly when, after each funder's floors are
set aside, every group of funders fits in the elements their mandates allow (Gale's supply-demand theorem): so the
optimizer gets, per union of mandates, a floor on the money that must land there ("group floors"), and per element a
ceiling (what the funders allowed there bring) and a floor (the funders' floors on it). The split itself is a linear
program that stays as close as it can to each funder spreading its money over its mandate in proportion to the totals.
"""

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from scipy.optimize import linprog

from portfolio_engine.errors import InfeasibleConstraints, InvalidConstraints
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.portfolio import parse_amount

CENT = 0.01
MAX_RESTRICTED = 12  # funders with a mandate narrower than the whole menu: their unions of mandates grow as 2^n
TOLERANCE = 1.0  # a split may miss a funder's amount by this much (cents lost to rounding the totals), never more


@dataclass(frozen=True)
class Funder:
    """One steward bringing money: its name, yearly amount, the elements it may fund (None: any) and the floors it keeps."""

    name: str
    amount: float
    may_fund: tuple[str, ...] | None = None
    floors: dict[str, float] = field(default_factory=dict)

    def allows(self, element_id: str) -> bool:
        return self.may_fund is None or element_id in self.may_fund


def _money(value: float) -> str:
    return f"{value / 1e6:,.1f} million" if abs(value) >= 1e6 else f"{value:,.2f}"


def _funder(catalog: Catalog, name: Any, raw: Any) -> Funder:
    where = f"Funder '{name}'"
    if not isinstance(name, str) or not name.strip():
        raise InvalidConstraints("Each funder needs a name.")
    if not isinstance(raw, dict) or "amount" not in raw or set(raw) - {"amount", "may_fund", "floors"}:
        raise InvalidConstraints(f"{where}: write it as {{\"amount\": 30000000, \"may_fund\": [element ids], \"floors\": {{element id: amount}}}}.")
    amount = parse_amount(raw["amount"], f"{where} amount")
    may_fund = raw.get("may_fund")
    if may_fund is not None:
        if not isinstance(may_fund, list) or not may_fund or not all(isinstance(e, str) for e in may_fund):
            raise InvalidConstraints(f"{where}: 'may_fund' must be a non-empty list of element ids.")
        for element in may_fund:
            catalog.index(element)
        may_fund = tuple(e for e in catalog.ids if e in may_fund)
    floors_raw = raw.get("floors") or {}
    if not isinstance(floors_raw, dict):
        raise InvalidConstraints(f"{where}: 'floors' must be an object of element id: amount.")
    floors = {}
    for element, value in floors_raw.items():
        catalog.index(element)
        floors[element] = round(parse_amount(value, f"{where} floor on {element}"), 2)
        if may_fund is not None and element not in may_fund:
            raise InvalidConstraints(f"{where}: a floor on {element}, which its mandate does not allow it to fund.")
    if sum(floors.values()) > amount + CENT:
        raise InvalidConstraints(f"{where}: its floors add up to {_money(sum(floors.values()))}, more than its amount {_money(amount)}.")
    return Funder(name.strip(), amount, may_fund, floors)


def parse_funders(catalog: Catalog, raw: Any, budget: float) -> tuple[Funder, ...]:
    """The document's `funders` object (None: no funders); the amounts must add up to the budget."""
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not raw:
        raise InvalidConstraints("'funders' must be an object of funder name: {amount, may_fund, floors}.")
    funders = tuple(_funder(catalog, name, value) for name, value in raw.items())
    total = sum(f.amount for f in funders)
    if abs(total - budget) > CENT:
        direction = "more" if total > budget else "less"
        raise InvalidConstraints(f"The funders' amounts add up to {_money(total)}, {_money(abs(total - budget))} {direction} than the budget "
                                 f"({_money(budget)}).")
    if sum(f.may_fund is not None for f in funders) > MAX_RESTRICTED:
        raise InvalidConstraints(f"At most {MAX_RESTRICTED} funders may have a 'may_fund' mandate.")
    return funders


def _names(funders: list[Funder]) -> str:
    names = [f.name for f in funders]
    return "" if not names else names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def element_limits(catalog: Catalog, funders: tuple[Funder, ...]) -> list[tuple[int, float, float, str, str]]:
    """Per element: (index, floor, ceiling, who keeps the floor, whose mandates set the ceiling), for elements the funders limit."""
    limits = []
    for i, element in enumerate(catalog.ids):
        keeping = [f for f in funders if element in f.floors]
        allowed = [f for f in funders if f.allows(element)]
        floor = sum(f.floors[element] for f in keeping)
        ceiling = sum(f.amount for f in allowed)
        if keeping or len(allowed) < len(funders):
            limits.append((i, floor, ceiling, _names(keeping), _names([f for f in funders if not f.allows(element)])))
    return limits


def group_floors(catalog: Catalog, funders: tuple[Funder, ...]) -> list[tuple[np.ndarray, float, str]]:
    """Per union of mandates narrower than the menu: (mask, money that must land there, the funders whose mandates fall inside)."""
    ids = catalog.ids
    restricted = [f for f in funders if f.may_fund is not None]
    floor_total = {e: sum(f.floors.get(e, 0.0) for f in funders) for e in ids}
    unions = {frozenset().union(*(f.may_fund or () for f in group)) for n in range(2, len(restricted) + 1) for group in combinations(restricted, n)}
    unions |= {frozenset(f.may_fund or ()) for f in restricted}
    found = []
    for union in sorted(unions, key=lambda u: (len(u), sorted(u))):
        if len(union) == len(ids):
            continue
        inside = [f for f in restricted if set(f.may_fund or ()) <= union]
        free_money = sum(f.amount - sum(f.floors.values()) for f in inside)
        mask = np.array([e in union for e in ids])
        found.append((mask, free_money + sum(floor_total[e] for e in union), _names(inside)))
    return found


def check_splittable(catalog: Catalog, funders: tuple[Funder, ...], lower: np.ndarray, upper: np.ndarray) -> None:
    """Raise InfeasibleConstraints, naming the funders, when no totals within the element bounds can be split among them."""
    for mask, amount, names in group_floors(catalog, funders):
        if upper[mask].sum() < amount - CENT:
            where = ", ".join(e.name for e, m in zip(catalog.elements, mask, strict=True) if m)
            raise InfeasibleConstraints(f"{names} must spend {_money(amount)} on {where}, "
                                        f"but the other limits allow at most {_money(upper[mask].sum())} there.")
    for i, floor, ceiling, keeping, _ in element_limits(catalog, funders):
        if floor > upper[i] + CENT:
            raise InfeasibleConstraints(f"{keeping}'s floor on {catalog.elements[i].name} ({_money(floor)}) is above the ceiling there ({_money(upper[i])}).")
        if ceiling < lower[i] - CENT:
            raise InfeasibleConstraints(f"The floor on {catalog.elements[i].name} ({_money(lower[i])}) is more than the funders allowed to fund it bring "
                                        f"({_money(ceiling)}).")


def _require_room(catalog: Catalog, funders: tuple[Funder, ...], totals: np.ndarray) -> None:
    """Name the funders whose mandate or floor the totals leave no room for (the usual reasons a split does not exist)."""
    for i, floor, _, keeping, _ in element_limits(catalog, funders):
        if floor > totals[i] + TOLERANCE:
            raise InfeasibleConstraints(f"{keeping}'s floor on {catalog.elements[i].name} ({_money(floor)}) is more than these totals put there "
                                        f"({_money(totals[i])}).")
    for mask, amount, names in group_floors(catalog, funders):
        if totals[mask].sum() < amount - TOLERANCE:
            where = ", ".join(e.name for e, m in zip(catalog.elements, mask, strict=True) if m)
            raise InfeasibleConstraints(f"{names} must spend {_money(amount)} on {where}, but these totals put only {_money(totals[mask].sum())} there.")


def split(catalog: Catalog, funders: tuple[Funder, ...], totals: np.ndarray, today: dict[str, dict[str, float]] | None = None
          ) -> dict[str, dict[str, float]]:
    """Who funds what: {funder: {element id: amount}} whose element sums are `totals`, within every mandate and floor.

    Among the feasible splits, the one that moves the least money from `today` ({funder: {element id: amount}}, the current
    portfolio) or, without it, from each funder spreading its money over its mandate in proportion to the totals.
    Raises InfeasibleConstraints naming the funders when the totals cannot be split."""
    _require_room(catalog, funders, totals)
    ids = catalog.ids
    pairs = [(f, i) for f in range(len(funders)) for i, e in enumerate(ids) if funders[f].allows(e)]
    n = len(pairs)
    target = np.zeros(n)
    for k, (f, i) in enumerate(pairs):
        reach = sum(totals[j] for g, j in pairs if g == f)
        proportional = funders[f].amount * totals[i] / reach if reach > 0 else 0.0
        target[k] = (today.get(funders[f].name) or {}).get(ids[i], 0.0) if today is not None else proportional
    # variables: y (n), |y - target| (n), shortfall and excess per funder (2 per funder)
    m = len(funders)
    by_element = np.zeros((len(ids), 2 * n + 2 * m))
    by_funder = np.zeros((m, 2 * n + 2 * m))
    for k, (f, i) in enumerate(pairs):
        by_element[i, k] = 1.0
        by_funder[f, k] = 1.0
    by_funder[:, 2 * n: 2 * n + m] = np.eye(m)
    by_funder[:, 2 * n + m:] = -np.eye(m)
    eye = np.eye(n)
    gap = np.hstack([eye, -eye, np.zeros((n, 2 * m))])
    result = linprog(
        np.concatenate([np.zeros(n), np.ones(n), np.full(2 * m, 1e3)]),
        A_ub=np.vstack([gap, np.hstack([-eye, -eye, np.zeros((n, 2 * m))])]), b_ub=np.concatenate([target, -target]),
        A_eq=np.vstack([by_element, by_funder]), b_eq=np.concatenate([totals, [f.amount for f in funders]]),
        bounds=[(funders[f].floors.get(ids[i], 0.0), None) for f, i in pairs] + [(0, None)] * (n + 2 * m),
        method="highs",
    )
    missed = list(funders) if result.status != 0 else [funders[f] for f in range(m) if result.x[2 * n + f] + result.x[2 * n + m + f] > TOLERANCE]
    if missed:
        raise InfeasibleConstraints(f"These element totals cannot be split among the funders: {_names(missed)} "
                                    "cannot spend their money within their mandates and floors.")
    cents = _to_cents(pairs, result.x[:n], totals)
    split_amounts: dict[str, dict[str, float]] = {f.name: {} for f in funders}
    for k, (f, i) in enumerate(pairs):
        split_amounts[funders[f].name][ids[i]] = float(cents[k]) / 100
    return split_amounts


def _to_cents(pairs: list[tuple[int, int]], amounts: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Whole cents per (funder, element) whose element sums are the totals' cents exactly (largest remainder per element)."""
    raw = np.clip(amounts, 0, None) * 100
    cents = np.floor(raw + 1e-6)  # a value the solver put a hair under a floor stays on it
    remainder = np.clip(raw - cents, 0, None)
    elements = np.array([i for _, i in pairs])
    for i in set(elements.tolist()):
        members = np.flatnonzero(elements == i)
        short = int(round(totals[i] * 100 - cents[members].sum()))
        order = members[np.argsort(-remainder[members], kind="stable")]
        cents[order[: max(short, 0)]] += 1
    return cents
