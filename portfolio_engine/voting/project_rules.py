"""Project-ballot rules: greedy as cities run it (and its per-cost variant), and the Method of Equal Shares with its add1 completion.

Money comparisons that decide exhaustiveness and feasibility use exact integers/fractions (costs and
budgets as read). MES's per-voter budgets run in floating point on numpy arrays for speed; two
projects whose affordability differs by less than TIE (relative) are treated as tied and ordered by
project id as text, as the reference library does. Outcomes are checked against pabutools on the
shared real elections and on generated ones (tests/voting/test_project_rules.py).
"""

from dataclasses import dataclass
from fractions import Fraction
from typing import cast

import numpy as np

from portfolio_engine.voting import rules
from portfolio_engine.voting.pabulib import Election

TIE = 1e-12
UNIT_STEPS = 250_000  # generated test elections need up to ~80,000; a crafted one 10^11


@dataclass(frozen=True)
class Ballots:
    """Distinct ballots with their multiplicity; each project's supporters and their utilities."""

    project_ids: tuple[str, ...]
    costs: tuple[Fraction, ...]
    budget: Fraction
    voters: int
    weights: np.ndarray  # (groups,)
    supporters: tuple[np.ndarray, ...]  # per project: supporter group indices
    utilities: tuple[np.ndarray, ...]  # per project: each supporter's utility
    satisfaction: str = "cost"  # 'cost' (utility = the project's cost) or 'points' (utility = the points given)


def prepare(election: Election, satisfaction: str = "cost") -> Ballots:
    """Group identical ballots; utility is the project's cost ('cost') or the points given ('points')."""
    ids = tuple(election.projects)
    index = {p: i for i, p in enumerate(ids)}
    costs = tuple(election.cost(p) for p in ids)
    groups: dict[tuple, int] = {}
    for ballot in election.ballots():
        key = tuple(sorted(zip(ballot[0], ballot[1], strict=False)))
        groups[key] = groups.get(key, 0) + 1
    supporters: list[list[int]] = [[] for _ in ids]
    utilities: list[list[float]] = [[] for _ in ids]
    for g, key in enumerate(groups):
        for project_id, points in key:
            value = float(costs[index[project_id]]) if satisfaction == "cost" else float(points)
            if value > 0:
                supporters[index[project_id]].append(g)
                utilities[index[project_id]].append(value)
    return Ballots(ids, costs, election.budget, sum(groups.values()), np.array(list(groups.values()), dtype=float),
                   tuple(np.array(s, dtype=np.int64) for s in supporters), tuple(np.array(u) for u in utilities), satisfaction)


def greedy(ballots: Ballots, selected: tuple[str, ...] = (), per_cost: bool = False) -> list[str]:
    """Projects by decreasing score, ties by id as text, skipping what no longer fits.

    The score is what cities count: the number of votes (cost satisfaction) or the total points given
    (points satisfaction, as Toulouse and Częstochowa fund cumulative ballots). With `per_cost`, the
    score is satisfaction per unit of cost, as the reference library's utilitarian greedy counts
    (`greedy-per-cost`); with cost satisfaction both orders are the number of votes.
    """
    scores = [_score(ballots, i, per_cost) for i in range(len(ballots.project_ids))]
    chosen = list(selected)
    spent = sum((ballots.costs[ballots.project_ids.index(p)] for p in selected), Fraction(0))
    for i in sorted(range(len(ballots.project_ids)), key=lambda i: (-scores[i], ballots.project_ids[i])):
        project = ballots.project_ids[i]
        if project not in chosen and scores[i] > 0 and spent + ballots.costs[i] <= ballots.budget:
            chosen.append(project)
            spent += ballots.costs[i]
    return chosen


def _score(ballots: Ballots, i: int, per_cost: bool) -> float:
    """Project i's greedy score: votes (cost satisfaction), total points, or satisfaction per unit of cost."""
    s, u, cost = ballots.supporters[i], ballots.utilities[i], float(ballots.costs[i])
    if ballots.satisfaction == "cost" or per_cost:
        return float((ballots.weights[s] * u).sum() / cost) if cost else 0.0
    return float((ballots.weights[s] * u).sum())


def _equal_shares(ballots: Ballots, per_voter: float) -> list[int]:
    """One run of MES with the given budget per voter; returns the selected project indices in order."""
    budgets = np.full(len(ballots.weights), per_voter)
    w = ballots.weights
    costs = [float(c) for c in ballots.costs]
    total_sat = [float((w[s] * u).sum()) for s, u in zip(ballots.supporters, ballots.utilities, strict=True)]
    alive = {i: costs[i] / total_sat[i] for i in range(len(costs)) if total_sat[i] > 0 and costs[i] > 0}
    chosen = []
    while alive:
        best, tied = np.inf, []
        for i in sorted(alive, key=alive.__getitem__):
            s, u = ballots.supporters[i], ballots.utilities[i]
            money = budgets[s] * w[s]
            if money.sum() < costs[i] * (1 - TIE):
                del alive[i]
                continue
            if alive[i] > best * (1 + TIE):
                break
            order = np.argsort(budgets[s] / u, kind="stable")
            paid = np.concatenate(([0.0], np.cumsum(money[order])[:-1]))
            remaining_sat = total_sat[i] - np.concatenate(([0.0], np.cumsum((w[s] * u)[order])[:-1]))
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = (costs[i] - paid) / remaining_sat
            fits = np.flatnonzero(factor * u[order] <= budgets[s][order] * (1 + TIE))
            rho = float(factor[fits[0]]) if len(fits) else float(factor[-1])
            alive[i] = rho
            if rho < best * (1 - TIE):
                best, tied = rho, [i]
            elif rho <= best * (1 + TIE):
                tied.append(i)
        if not tied:
            break
        pick = min(tied, key=lambda i: ballots.project_ids[i])
        s, u = ballots.supporters[pick], ballots.utilities[pick]
        budgets[s] -= np.minimum(budgets[s], best * u)
        chosen.append(pick)
        del alive[pick]
    return chosen


def _exhaustive(ballots: Ballots, chosen: list[int]) -> bool:
    """No supported, unselected project fits in what is left of the real budget (exact)."""
    left = ballots.budget - sum((ballots.costs[i] for i in chosen), Fraction(0))
    return not any(i not in chosen and len(ballots.supporters[i]) and 0 < ballots.costs[i] <= left for i in range(len(ballots.costs)))


def equal_shares(ballots: Ballots, add1: bool = False) -> list[str]:
    """MES; with add1, raise every voter's budget by one currency unit until the outcome is exhaustive,
    returning the last outcome that did not overspend.

    After UNIT_STEPS unit raises the step doubles each time: real elections finish well before, and a
    crafted one (a huge budget shared by a few voters) cannot hold the server for 10^11 steps."""
    per_voter = ballots.budget / ballots.voters
    chosen = _equal_shares(ballots, float(per_voter))
    if not add1:
        return [ballots.project_ids[i] for i in chosen]
    previous, step, steps = chosen, 1, 0
    while True:
        if sum((ballots.costs[i] for i in chosen), Fraction(0)) > ballots.budget:
            return [ballots.project_ids[i] for i in previous]
        if _exhaustive(ballots, chosen):
            return [ballots.project_ids[i] for i in chosen]
        previous, steps = chosen, steps + 1
        step = step * 2 if steps > UNIT_STEPS else 1
        per_voter += step
        chosen = _equal_shares(ballots, float(per_voter))


def run(election: Election, rule: str, satisfaction: str = "cost") -> list[str]:
    """The projects a project rule of the registry (voting/rules.py) selects; an unknown or split rule is refused."""
    return cast(list[str], rules.get(rule, "approval").count(rules.Tally(election=election, satisfaction=satisfaction)))
