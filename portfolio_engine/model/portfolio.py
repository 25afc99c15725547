"""A portfolio: a yearly budget with an amount per element, and the checks that keep it honest."""

import csv
import io
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from portfolio_engine.errors import BudgetMismatch, InputFormatError, InvalidAmount
from portfolio_engine.jsonfile import read_json
from portfolio_engine.limits import MAX_AMOUNT
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.settings import STATUS_QUO_FILE

CENT = 0.01


@dataclass(frozen=True)
class Portfolio:
    """Amounts per element (every catalog id, in catalog order) for one year's budget."""

    budget: float
    currency: str
    allocations: dict[str, float]

    @property
    def total(self) -> float:
        return math.fsum(self.allocations.values())

    def vector(self, catalog: Catalog) -> np.ndarray:
        return np.array([self.allocations[i] for i in catalog.ids], dtype=float)

    def family_totals(self, catalog: Catalog) -> dict[str, float]:
        return family_totals(catalog, self.allocations)

    def to_dict(self) -> dict[str, Any]:
        return {"budget": self.budget, "currency": self.currency, "allocations": dict(self.allocations)}


def family_totals(catalog: Catalog, amounts: Mapping[str, float]) -> dict[str, float]:
    """Total per family; elements missing from `amounts` count as 0."""
    totals = dict.fromkeys(catalog.family_names, 0.0)
    for element in catalog.elements:
        totals[element.family] += float(amounts.get(element.id, 0.0))
    return totals


def parse_amount(value: Any, where: str) -> float:
    """One amount as a finite, non-negative float, or a clear error naming where it came from."""
    if isinstance(value, bool):
        raise InvalidAmount(f"{where}: {value!r} is not a number.")
    try:
        number = float(value)
    except OverflowError:  # a whole number beyond any float
        raise InvalidAmount(f"{where}: the number is larger than any budget this tool handles (at most {MAX_AMOUNT:g}).") from None
    except (TypeError, ValueError):
        raise InvalidAmount(f"{where}: {value!r} is not a number.") from None
    if not math.isfinite(number):
        raise InvalidAmount(f"{where}: {value!r} is not a finite number.")
    if number < 0:
        raise InvalidAmount(f"{where}: {number:g} is negative; amounts must be 0 or more.")
    if number > MAX_AMOUNT:
        raise InvalidAmount(f"{where}: {number:g} is larger than any budget this tool handles (at most {MAX_AMOUNT:g}).")
    return number


def require_positive_total(portfolio: Portfolio, where: str = "The status quo") -> Portfolio:
    """The portfolio itself when its amounts add up to more than 0: a status quo is divided by its total to scale it."""
    if not portfolio.total > 0:
        raise InvalidAmount(f"{where}: the amounts add up to 0; a status quo needs a positive total (it is scaled to the budget).")
    return portfolio


def make_portfolio(
    catalog: Catalog,
    allocations: Mapping[str, Any],
    budget: Any = None,
    currency: str = "USD",
) -> Portfolio:
    """Validate amounts; missing elements count as 0, unknown ids and a wrong total are refused.

    Without a budget, the budget is the total of the allocations.
    """
    for key in allocations:
        catalog.index(key)
    amounts = {i: parse_amount(allocations.get(i, 0.0), f"Amount for '{i}'") for i in catalog.ids}
    total = math.fsum(amounts.values())
    budget_value = total if budget is None else parse_amount(budget, "Budget")
    if abs(total - budget_value) > max(CENT, budget_value * 1e-12):  # a cent, or float precision on huge budgets
        raise BudgetMismatch(
            f"Allocations add up to {total:,.2f} but the budget is {budget_value:,.2f} "
            f"(difference {total - budget_value:+,.2f})."
        )
    return Portfolio(budget_value, str(currency or "USD"), amounts)


def portfolio_from_dict(catalog: Catalog, raw: Any, where: str = "portfolio") -> Portfolio:
    """Build from `{"budget": ..., "currency": ..., "allocations": {id: amount}}`."""
    if not isinstance(raw, dict) or not isinstance(raw.get("allocations"), dict):
        raise InputFormatError(
            f"{where}: expected a JSON object with an 'allocations' object of id: amount."
        )
    return make_portfolio(catalog, raw["allocations"], raw.get("budget"), raw.get("currency", "USD"))


def read_portfolio(catalog: Catalog, path: Path) -> Portfolio:
    """Read a portfolio JSON file with clear messages for unreadable or malformed files."""
    raw = read_json(path)
    return portfolio_from_dict(catalog, raw, str(path))


def load_status_quo(catalog: Catalog, path: Path = STATUS_QUO_FILE) -> Portfolio:
    """The illustrative status-quo portfolio shipped in data/ (or another file), with a positive total."""
    return require_positive_total(read_portfolio(catalog, path), f"The status quo in {path}")


def portfolio_csv(portfolio: Portfolio, catalog: Catalog) -> str:
    """One row per element: id, family, amount, share of the budget."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["element_id", "family", "amount", "share", "currency"])
    for element in catalog.elements:
        amount = portfolio.allocations[element.id]
        share = amount / portfolio.budget if portfolio.budget else 0.0
        writer.writerow([element.id, element.family, f"{amount:.2f}", f"{share:.6f}", portfolio.currency])
    return out.getvalue()


def portfolio_json(portfolio: Portfolio) -> str:
    return json.dumps(portfolio.to_dict(), indent=2)


def rebalance(
    amounts: Mapping[str, float],
    changed: str,
    budget: float,
    locked: frozenset[str] | set[str] = frozenset(),
) -> dict[str, float]:
    """Keep the total at the budget after `changed` moved, by scaling the other unlocked elements.

    Unlocked elements keep their proportions; when they are all zero they share the rest
    equally. If locked amounts plus the changed one exceed the budget, the changed element is
    cut back to what is left, so the total never exceeds the budget.
    """
    result = dict(amounts)
    free = [k for k in amounts if k != changed and k not in locked]
    fixed = math.fsum(v for k, v in amounts.items() if k != changed and k not in free)
    result[changed] = min(amounts[changed], max(budget - fixed, 0.0))
    rest = max(budget - fixed - result[changed], 0.0)
    if not free:
        return result
    current = math.fsum(amounts[k] for k in free)
    for k in free:
        result[k] = rest * (amounts[k] / current if current > 0 else 1 / len(free))
    return result


def apply_move(
    drawn: Mapping[str, float],
    sent: Mapping[str, float],
    budget: float,
    locked: frozenset[str] | set[str] = frozenset(),
    keep_total: bool = True,
) -> tuple[str | None, dict[str, float]]:
    """What the sliders must show after one interaction: (the element moved, the values to set).

    `drawn` is what the page last drew, `sent` what the browser reports. A browser that sends an input
    before it has drawn the last rebalance also reports other sliders at their old values; one
    interaction moves one slider, so the largest change is the move and the other differences are put
    back. With keep-the-total the others are rebalanced. The moved element is left out of the values
    to set unless the budget cut it back: writing it back would overwrite, in the browser, a newer
    press made while the answer was on its way.
    """
    changed = {k: sent[k] - drawn[k] for k in sent if abs(sent[k] - drawn[k]) > 1e-9}
    if not changed:
        return None, {}
    mover = max(changed, key=lambda k: (abs(changed[k]), k))
    current = {k: sent[k] if k == mover else drawn[k] for k in sent}
    target = rebalance(current, mover, budget, locked) if keep_total else current
    return mover, {k: v for k, v in target.items() if v != sent[k]}


def shift_between_families(
    portfolio: Portfolio, catalog: Catalog, amount: float, source: str, target: str
) -> Portfolio:
    """Move `amount` from one family to another, scaling each family's elements proportionally."""
    totals = portfolio.family_totals(catalog)
    if amount > totals[source] + CENT:
        raise InvalidAmount(
            f"Cannot move {amount:,.2f} out of {source}: it only holds {totals[source]:,.2f}."
        )
    members = catalog.in_family(target)
    new = {}
    for element in catalog.elements:
        value = portfolio.allocations[element.id]
        if element.family == source:
            value *= (totals[source] - amount) / totals[source] if totals[source] else 0.0
        elif element.family == target:
            value = value * (totals[target] + amount) / totals[target] if totals[target] else amount / len(members)
        new[element.id] = value
    return make_portfolio(catalog, new, portfolio.budget, portfolio.currency)


def to_query(portfolio: Portfolio) -> dict[str, str]:
    """URL query parameters that reproduce the allocation (amounts in currency units)."""
    return {k: f"{v:.2f}".rstrip("0").rstrip(".") for k, v in portfolio.allocations.items()}


def amounts_from_query(catalog: Catalog, params: Mapping[str, str]) -> dict[str, float]:
    """Amounts for the element ids present in URL parameters (other parameters are ignored)."""
    return {i: parse_amount(params[i], f"Link parameter '{i}'") for i in catalog.ids if i in params}
