"""Side-by-side comparison of saved portfolios: amounts, shares, differences, agreement, constraints."""

from collections.abc import Mapping

import numpy as np
import pandas as pd

from portfolio_engine.model.catalog import Catalog
from portfolio_engine.optimizer.constraints import Problem


def side_by_side(catalog: Catalog, portfolios: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """One row per element: each portfolio's amount and share, and its difference from the first."""
    labels = list(portfolios)
    table = pd.DataFrame({"element": catalog.ids, "family": [e.family for e in catalog.elements]})
    first = np.array([portfolios[labels[0]][i] for i in catalog.ids])
    for label in labels:
        amounts = np.array([portfolios[label][i] for i in catalog.ids])
        table[f"{label}: amount"] = amounts
        table[f"{label}: share"] = amounts / amounts.sum() if amounts.sum() else 0.0
        if label != labels[0]:
            table[f"{label}: vs {labels[0]}"] = amounts - first
    return table


def agreement(catalog: Catalog, portfolios: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """Per element, the lowest and highest amount and their spread, most divided first."""
    matrix = np.array([[p[i] for i in catalog.ids] for p in portfolios.values()])
    table = pd.DataFrame({"element": catalog.ids, "lowest": matrix.min(axis=0), "highest": matrix.max(axis=0)})
    table["spread"] = table["highest"] - table["lowest"]
    return table.sort_values("spread", ascending=False, kind="stable").reset_index(drop=True)


def distance(allocations: Mapping[str, float], target: Mapping[str, float]) -> float:
    """L1 distance: how much money would have to move to turn one portfolio into the other, times two."""
    return float(sum(abs(allocations[k] - target.get(k, 0.0)) for k in allocations))


def constraint_checks(problem: Problem, allocations: Mapping[str, float]) -> list[dict]:
    """Each constraint of a problem, whether the portfolio meets it, and by how much it misses (currency)."""
    ids = problem.catalog.ids
    x = np.array([allocations[i] for i in ids])
    checks: list[dict] = []
    for i, element in enumerate(ids):
        for source, limit, miss in ((problem.lower_source[i], problem.lower[i], problem.lower[i] - x[i]),
                                    (problem.upper_source[i], problem.upper[i], x[i] - problem.upper[i])):
            if source and not any(c["constraint"] == source and c["element"] == element for c in checks):
                checks.append({"constraint": source, "element": element, "limit": float(limit), "met": bool(miss <= 0.01),
                               "miss": float(max(miss, 0.0)), "owner": problem.owners.get(source)})
    for kind, limits, sign in (("family_floors", problem.family_floors, 1), ("family_ceilings", problem.family_ceilings, -1)):
        for family, limit in limits.items():
            total = float(x[problem.family_mask(family)].sum())
            miss = sign * (limit - total)
            name = f"{kind}.{family}"
            checks.append({"constraint": name, "element": family, "limit": limit, "met": bool(miss <= 0.01), "miss": max(miss, 0.0),
                           "owner": problem.owners.get(name)})
    return checks
