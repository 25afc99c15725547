"""The optimizer's input document: budget, objective terms, constraints and who asked for each.

Parsed into a `Problem` with per-element bounds (and the constraint that sets each bound), family
floors and ceilings, and objective terms. See docs/optimizer.md for the format and the scaling.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from portfolio_engine.errors import InfeasibleConstraints, InputFormatError, InvalidConstraints
from portfolio_engine.jsonfile import read_json
from portfolio_engine.model.assumptions import default_assumptions, with_overrides
from portfolio_engine.model.catalog import FAMILIES, Catalog, load_catalog
from portfolio_engine.model.communities import start_from_dict
from portfolio_engine.model.dynamics import Model, Start, build_model
from portfolio_engine.model.portfolio import load_status_quo, parse_amount, portfolio_from_dict, require_positive_total
from portfolio_engine.model.targeting import targeting_from_dict
from portfolio_engine.model.uncertainty import DEFAULT_DRAWS, MAX_DRAWS
from portfolio_engine.optimizer.funders import Funder, check_splittable, element_limits, parse_funders
from portfolio_engine.optimizer.wording import constraint_words

ELEMENT_CONSTRAINTS = ("floors", "ceilings", "locks")
FAMILY_CONSTRAINTS = ("family_floors", "family_ceilings")
KEYS = {"budget", "status_quo", "objective", "max_change", "owners", "assumptions", "communities", "label", "funders", "robust", "draws", "targeting"}
KEYS |= set(ELEMENT_CONSTRAINTS) | set(FAMILY_CONSTRAINTS)
DEFAULT_YEARS = 20
WEIGHT_RANGE = (0.001, 1000.0)  # wider ratios say nothing more and only strain the solver's arithmetic
EMBEDDED = ("status_quo", "assumptions", "communities")  # inline objects in a document; file names only on the command line


@dataclass(frozen=True)
class Term:
    """One objective term: its kind, horizon, weight and (for closeness_to_vote) target amounts."""

    kind: str
    years: int
    weight: float
    target: np.ndarray | None = None

    @property
    def sense(self) -> int:
        return OBJECTIVE_KINDS[self.kind].sense

    def label(self) -> str:
        return self.kind if self.kind == "closeness_to_vote" else f"{self.kind} ({self.years} years)"


Outputs = dict[str, np.ndarray]  # simulate's outputs: (portfolios, communities, years + 1) per name


@dataclass(frozen=True)
class ObjectiveKind:
    """One objective the optimizer knows: +1 to maximize or -1 to minimize, its words on the Optimize page, and its value
    per portfolio from a simulation's outputs and the amounts simulated. The Optimize page, the frontier and the docs read these."""

    name: str
    sense: int
    words: str
    value: Callable[[Outputs, np.ndarray, Term], np.ndarray]
    needs_communities: bool = False  # offered only with imported community data
    needs_target: bool = False  # measured against target amounts, so not a frontier axis


def _accumulated(name: str) -> Callable[[Outputs, np.ndarray, Term], np.ndarray]:
    """An output added up over the years to the horizon (trapezoid rule), averaged over communities."""
    return lambda outputs, amounts, term: np.trapezoid(outputs[name][:, :, : term.years + 1], axis=2).mean(axis=1)


OBJECTIVE_KINDS: dict[str, ObjectiveKind] = {kind.name: kind for kind in (
    ObjectiveKind("thriving_at_year", 1, "More people thriving at the horizon",
                  lambda outputs, amounts, term: outputs["thriving"][:, :, term.years].mean(axis=1)),
    ObjectiveKind("suffering_years", -1, "Fewer people-years of suffering", _accumulated("suffering")),
    ObjectiveKind("urgent_cost", -1, "Lower cost of harm (urgent services drawn plus unmet need)", _accumulated("cost_of_harm")),
    ObjectiveKind("equity", 1, "Raise the lowest thriving share (your places, your data)",
                  lambda outputs, amounts, term: outputs["thriving"][:, :, term.years].min(axis=1), needs_communities=True),
    ObjectiveKind("closeness_to_vote", -1, "Stay close to the Allocate sliders",
                  lambda outputs, amounts, term: np.abs(amounts - term.target).sum(axis=1), needs_target=True),
)}
FRONTIER_KINDS = tuple(k.name for k in OBJECTIVE_KINDS.values() if not k.needs_communities and not k.needs_target)


@dataclass(frozen=True, eq=False)
class Problem:
    """Everything the optimizer needs, in currency units and catalog order."""

    model: Model
    budget: float
    status_quo: np.ndarray  # scaled to the budget
    lower: np.ndarray
    upper: np.ndarray
    lower_source: tuple[str | None, ...]  # constraint that sets each lower bound (None: just 0)
    upper_source: tuple[str | None, ...]
    family_floors: dict[str, float]
    family_ceilings: dict[str, float]
    terms: tuple[Term, ...]
    owners: dict[str, str]
    start: Start | None = None
    document: dict[str, Any] = field(default_factory=dict)
    funders: tuple[Funder, ...] = ()  # who brings the money, under which mandates (optimizer/funders.py)
    robust: bool = False  # optimize the 10th percentile of the objective across assumption draws
    draws: int = DEFAULT_DRAWS  # assumption draws for robustness (and the robust objective)
    targeting: np.ndarray | None = None  # (communities, elements): where the proposals' money goes

    @property
    def catalog(self) -> Catalog:
        return self.model.catalog

    @property
    def horizon(self) -> int:
        return max(t.years for t in self.terms)

    def family_mask(self, family: str) -> np.ndarray:
        return np.array([e.family == family for e in self.catalog.elements])


def _object(raw: Any, name: str) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidConstraints(f"'{name}' must be an object of id: amount.")
    return raw


def _years(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or not 0 <= value <= 200:
        raise InvalidConstraints(f"{where}: years must be a whole number from 0 to 200, got {value!r}.")
    return int(value)


def _target(catalog: Catalog, raw: Any, where: str) -> np.ndarray:
    if not isinstance(raw, dict) or not raw:
        raise InvalidConstraints(f"{where}: 'target' must be an object of element id: amount.")
    for key in raw:
        catalog.index(key)
    return np.array([parse_amount(raw.get(i, 0.0), f"{where} target '{i}'") for i in catalog.ids])


def parse_terms(catalog: Catalog, raw: Any) -> tuple[Term, ...]:
    """`{"thriving_at_year": H}` (or any one kind) or `{"terms": [{"kind", "year"/"years", "weight", "target"}]}`."""
    if not isinstance(raw, dict) or not raw:
        raise InvalidConstraints("'objective' must be like {\"thriving_at_year\": 10} or {\"terms\": [...]}.")
    if "terms" not in raw:
        if len(raw) != 1:
            raise InvalidConstraints("A shorthand objective names one kind, e.g. {\"thriving_at_year\": 10}; use \"terms\" to combine.")
        kind, value = next(iter(raw.items()))
        entry = {"kind": kind, "target": value} if kind == "closeness_to_vote" else {"kind": kind, "years": value}
        return parse_terms(catalog, {"terms": [entry]})
    if not isinstance(raw["terms"], list) or not raw["terms"]:
        raise InvalidConstraints("'objective.terms' must be a non-empty list.")
    terms = []
    for n, entry in enumerate(raw["terms"], start=1):
        where = f"Objective term {n}"
        if not isinstance(entry, dict) or entry.get("kind") not in OBJECTIVE_KINDS:
            kind = entry.get("kind") if isinstance(entry, dict) else entry
            raise InvalidConstraints(f"{where}: unknown kind {kind!r}. Kinds: {', '.join(OBJECTIVE_KINDS)}.")
        kind = entry["kind"]
        weight = entry.get("weight", 1.0)
        low, high = WEIGHT_RANGE
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not low <= weight <= high:
            raise InvalidConstraints(f"{where} ({kind}): weight must be a number from {low:g} to {high:g}, got {weight!r}.")
        years = entry.get("year", entry.get("years", DEFAULT_YEARS))
        target = _target(catalog, entry.get("target"), f"{where} ({kind})") if kind == "closeness_to_vote" else None
        terms.append(Term(kind, _years(years, f"{where} ({kind})"), float(weight), target))
    return tuple(terms)


def document_from_tables(status_quo, objectives, elements, families, scale: float = 1.0, max_change: float | None = None,
                         target: dict[str, float] | None = None, communities: list | None = None) -> dict:
    """The constraints document from the Optimize page's tables (amounts typed in display units).

    `objectives` rows: use, kind, years, weight; `elements` and `families` rows: id, floor, ceiling (and
    lock for elements), owner. Blank cells are no constraint; an owner is kept for each constraint set.
    `target` is the closeness-to-vote allocation; `communities` go with an equity term.
    """
    terms = []
    for row in objectives.itertuples():
        if row.use:
            term = {"kind": row.kind, "years": int(row.years), "weight": float(row.weight)}
            if row.kind == "closeness_to_vote":
                term["target"] = dict(target or {})
            terms.append(term)
    document: dict = {"budget": status_quo.budget, "status_quo": status_quo.to_dict(), "objective": {"terms": terms}}
    if communities and any(t["kind"] == "equity" for t in terms):
        document["communities"] = communities
    if max_change is not None:
        document["max_change"] = max_change
    owners = {}
    limits = ((elements, "floors", "floor"), (elements, "ceilings", "ceiling"), (elements, "locks", "lock"),
              (families, "family_floors", "floor"), (families, "family_ceilings", "ceiling"))
    for table, kind, column in limits:
        for row in table.itertuples():
            value = getattr(row, column)
            if value is None or (isinstance(value, float) and math.isnan(value)):  # a blank cell
                continue
            document.setdefault(kind, {})[row.id] = round(float(value) * scale, 2)  # cents: a typed 25.3 stays 25,300,000
            if isinstance(row.owner, str) and row.owner.strip():
                owners[f"{kind}.{row.id}"] = row.owner.strip()
    if owners:
        document["owners"] = owners
    return document


TABLE_KEYS = {"objective", "max_change", "owners", "robust", *ELEMENT_CONSTRAINTS, *FAMILY_CONSTRAINTS}  # what the Optimize page shows


def objective_rows(catalog: Catalog, document: dict, kinds: list[str], unused_years: dict[str, int] | None = None) -> list[dict]:
    """The Optimize page's objectives table for a document: each offered kind, whether it is used, its years (`unused_years`
    for a kind the document does not use) and weight."""
    terms = {t.kind: t for t in parse_terms(catalog, document.get("objective", {"thriving_at_year": DEFAULT_YEARS}))}
    return [{"use": kind in terms, "kind": kind, "years": terms[kind].years if kind in terms else (unused_years or {}).get(kind, DEFAULT_YEARS),
             "weight": terms[kind].weight if kind in terms else 1.0} for kind in kinds]


ELEMENT_COLUMNS = {"floors": "floor", "ceilings": "ceiling", "locks": "lock"}  # the Optimize page's table columns per kind
FAMILY_COLUMNS = {"family_floors": "floor", "family_ceilings": "ceiling"}


def table_rows(document: dict, ids: list[str], columns: dict[str, str], scale: float = 1.0) -> list[dict]:
    """The rows the Optimize page's elements (ELEMENT_COLUMNS) or families (FAMILY_COLUMNS) table shows for a document: one
    per id, amounts in display units (None when not set), and who asked for them. The inverse of `document_from_tables`;
    two different owners of one row's limits share its one cell ('A and B')."""
    owners = document.get("owners") or {}
    rows = []
    for item in ids:
        row: dict = {"id": item}
        who: list[str] = []
        for kind, column in columns.items():
            value = (document.get(kind) or {}).get(item)
            row[column] = None if value is None else float(value) / scale
            owner = owners.get(f"{kind}.{item}")
            if value is not None and isinstance(owner, str) and owner.strip() and owner.strip() not in who:
                who.append(owner.strip())
        rows.append({**row, "owner": " and ".join(who)})
    return rows


def merged_document(base: dict, from_tables: dict) -> dict:
    """The document the tables show on top of `base` (the last one pasted or the default): what the tables cannot show
    (assumptions, communities, targeting, draws, a label, owners of other constraints) is kept from `base`."""
    document = {**from_tables, **{k: v for k, v in base.items() if k not in TABLE_KEYS}}
    shown = {f"{kind}.{item}" for kind in (*ELEMENT_CONSTRAINTS, *FAMILY_CONSTRAINTS) for item in from_tables.get(kind, {})}
    kept = {k: v for k, v in (base.get("owners") or {}).items() if k.partition(".")[0] not in (*ELEMENT_CONSTRAINTS, *FAMILY_CONSTRAINTS)}
    owners = kept | {k: v for k, v in (from_tables.get("owners") or {}).items() if k in shown}
    document.pop("owners", None)
    if owners:
        document["owners"] = owners
    return document


def _embedded(raw: dict, name: str) -> dict | None:
    """The inline object under `name`, None when absent; anything else is refused without touching any file."""
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidConstraints(f"'{name}' must be written inside the document as a JSON object; a document cannot name a file "
                                 "(only the command line reads files).")
    return value


def problem_from_dict(raw: Any, catalog: Catalog | None = None) -> Problem:
    """Validate a constraints document; `status_quo`, `assumptions` and `communities` are inline objects, never file names."""
    catalog = catalog or load_catalog()
    if not isinstance(raw, dict):
        raise InvalidConstraints("The constraints document must be a JSON object.")
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        raise InvalidConstraints(f"Unknown key(s) {', '.join(unknown)}. Known: {', '.join(sorted(KEYS))}.")
    if "budget" not in raw:
        raise InvalidConstraints("The constraints need a 'budget'.")
    budget = parse_amount(raw["budget"], "Budget")
    if budget <= 0:
        raise InvalidConstraints("The budget must be above 0.")

    sq_raw, assumptions_raw, communities = (_embedded(raw, name) for name in EMBEDDED)
    status_quo = load_status_quo(catalog) if sq_raw is None else portfolio_from_dict(catalog, sq_raw, "status_quo")
    require_positive_total(status_quo, "status_quo")
    assumptions = default_assumptions(catalog) if assumptions_raw is None else with_overrides(default_assumptions(catalog), catalog, assumptions_raw)
    model = build_model(catalog, status_quo, assumptions)
    start = start_from_dict(communities, "communities") if communities is not None else None
    sq = status_quo.vector(catalog) / status_quo.total * budget

    n = len(catalog.ids)
    lower, upper = np.zeros(n), np.full(n, budget)
    lower_source: list[str | None] = [None] * n
    upper_source: list[str | None] = [None] * n

    def tighten(i: int, low: float | None, high: float | None, name: str) -> None:
        if low is not None and low > lower[i]:
            lower[i], lower_source[i] = low, name
        if high is not None and high < upper[i]:
            upper[i], upper_source[i] = high, name

    max_change = raw.get("max_change")
    if max_change is not None:
        if isinstance(max_change, bool) or not isinstance(max_change, int | float) or not 0 <= max_change < math.inf:
            raise InvalidConstraints(f"'max_change' must be a fraction of 0 or more (0.25 = 25%), got {max_change!r}.")
        for i, element in enumerate(catalog.ids):
            tighten(i, sq[i] * (1 - max_change), sq[i] * (1 + max_change), f"max_change.{element}")
    for kind in ELEMENT_CONSTRAINTS:
        for element, value in _object(raw.get(kind), kind).items():
            i = catalog.index(element)
            amount = parse_amount(value, f"{kind}.{element}")
            name = f"{kind}.{element}"
            if kind == "locks":
                lower[i], upper[i], lower_source[i], upper_source[i] = amount, amount, name, name
            else:
                tighten(i, amount if kind == "floors" else None, amount if kind == "ceilings" else None, name)
    families: dict[str, dict[str, float]] = {}
    for kind in FAMILY_CONSTRAINTS:
        families[kind] = {}
        for family, value in _object(raw.get(kind), kind).items():
            if family not in FAMILIES:
                raise InvalidConstraints(f"Unknown family '{family}' in {kind}. Families: {', '.join(FAMILIES)}.")
            families[kind][family] = parse_amount(value, f"{kind}.{family}")
    owners = _object(raw.get("owners"), "owners")
    if not all(isinstance(v, str) for v in owners.values()):
        raise InvalidConstraints("'owners' values must be names, e.g. {\"floors.acute_care\": \"County hospital\"}.")
    terms = parse_terms(catalog, raw.get("objective", {"thriving_at_year": DEFAULT_YEARS}))
    if any(t.kind == "equity" for t in terms) and (start is None or len(start.names) < 2):
        raise InvalidConstraints("The equity objective compares communities: give a 'communities' file with at least two communities.")
    funders = parse_funders(catalog, raw.get("funders"), budget)
    for i, floor, ceiling, keeping, outside in element_limits(catalog, funders):
        tighten(i, floor, None, f"funder_floors.{catalog.ids[i]}")
        tighten(i, None, ceiling, f"mandates.{catalog.ids[i]}")
        owners = {**owners, f"funder_floors.{catalog.ids[i]}": keeping, f"mandates.{catalog.ids[i]}": outside}
    robust, draws, targeting = _uncertainty_and_places(raw, catalog, start)
    return Problem(model, budget, sq, lower, upper, tuple(lower_source), tuple(upper_source),
                   families["family_floors"], families["family_ceilings"], terms, dict(owners), start, raw, funders,
                   robust, draws, targeting)


def _uncertainty_and_places(raw: dict, catalog: Catalog, start: Start | None) -> tuple[bool, int, np.ndarray | None]:
    """`robust` (true/false), `draws` (1 to MAX_DRAWS) and an inline `targeting` (needs communities)."""
    robust = raw.get("robust", False)
    if not isinstance(robust, bool):
        raise InvalidConstraints(f"'robust' must be true or false, got {robust!r}.")
    draws = raw.get("draws", DEFAULT_DRAWS)
    if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= MAX_DRAWS:
        raise InvalidConstraints(f"'draws' must be a whole number from 1 to {MAX_DRAWS:,}, got {draws!r}.")
    targeting = None
    if raw.get("targeting") is not None:
        if start is None:
            raise InvalidConstraints("'targeting' says where money goes among communities: give 'communities' too.")
        try:
            targeting = targeting_from_dict({"targeting": raw["targeting"]}, catalog, start, "targeting")
        except InputFormatError as err:
            raise InvalidConstraints(str(err)) from None
    return robust, draws, targeting


def read_document(path: Path) -> Any:
    """The command line's constraints file with the files it names (relative to it) read and put inline."""
    raw = read_json(path)
    if isinstance(raw, dict):
        raw = {**raw, **{name: read_json(Path(path).parent / raw[name]) for name in EMBEDDED if isinstance(raw.get(name), str) and raw[name]}}
    return raw


def read_problem(path: Path) -> Problem:
    """The command line's constraints file as a Problem (only here are file names inside a document read)."""
    return problem_from_dict(read_document(path))


def _money(value: float) -> str:
    return f"{value / 1e6:,.1f} million" if abs(value) >= 1e6 else f"{value:,.0f}"


def check_feasible(problem: Problem) -> None:
    """Raise InfeasibleConstraints naming the conflicting constraints (before any solver runs)."""
    check_splittable(problem.catalog, problem.funders, problem.lower, problem.upper)  # first: it names the funders
    budget = problem.budget
    for i in range(len(problem.catalog.ids)):
        if problem.lower[i] > problem.upper[i] + 0.01:
            lower, upper = (constraint_words(problem.catalog, str(source), limit, (1e6, "million"))
                            for source, limit in ((problem.lower_source[i], problem.lower[i]), (problem.upper_source[i], problem.upper[i])))
            raise InfeasibleConstraints(f"These cannot both hold. {lower}. {upper}.")
    low_total, high_total = problem.lower.sum(), problem.upper.sum()
    if low_total > budget + 0.01:
        named = sorted({s.split(".")[0] for s in problem.lower_source if s})
        raise InfeasibleConstraints(f"{' and '.join(named)} add up to {_money(low_total)}, budget is {_money(budget)}.")
    if high_total < budget - 0.01:
        named = sorted({s.split(".")[0] for s in problem.upper_source if s})
        raise InfeasibleConstraints(f"{' and '.join(named)} allow at most {_money(high_total)} in all, budget is {_money(budget)}.")
    for family, floor in problem.family_floors.items():
        mask = problem.family_mask(family)
        if problem.upper[mask].sum() < floor - 0.01:
            raise InfeasibleConstraints(
                f"family_floors.{family} ({_money(floor)}) is more than the element limits allow in that family ({_money(problem.upper[mask].sum())})."
            )
        if floor + problem.lower[~mask].sum() > budget + 0.01:
            raise InfeasibleConstraints(
                f"family_floors.{family} ({_money(floor)}) plus the other elements' floors "
                f"({_money(problem.lower[~mask].sum())}) exceed the budget ({_money(budget)})."
            )
    for family, ceiling in problem.family_ceilings.items():
        mask = problem.family_mask(family)
        if problem.lower[mask].sum() > ceiling + 0.01:
            raise InfeasibleConstraints(
                f"family_ceilings.{family} ({_money(ceiling)}) is below the floors inside that family ({_money(problem.lower[mask].sum())})."
            )
        if ceiling + problem.upper[~mask].sum() < budget - 0.01:
            raise InfeasibleConstraints(
                f"family_ceilings.{family} ({_money(ceiling)}) leaves too little room: the other elements can take at most "
                f"{_money(problem.upper[~mask].sum())} of the {_money(budget)} budget."
            )
    total_floor = sum(problem.family_floors.values())
    if total_floor > budget + 0.01:
        raise InfeasibleConstraints(f"family_floors add up to {_money(total_floor)}, budget is {_money(budget)}.")
