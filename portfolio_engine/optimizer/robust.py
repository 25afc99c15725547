"""The optimizer under uncertainty: how often a proposal beats the status quo across assumption draws, and a robust score.

Each draw is a whole model (model/uncertainty.py); a proposal and the status quo are scored in the same draw with
the central scaling, so "better in 87% of draws" compares like with like. The robust score is the 10th percentile
of a portfolio's score across draws: a proposal that does well unless the assumptions are unkind.
"""

from collections.abc import Callable

import numpy as np

from portfolio_engine.model.dynamics import Ensemble, simulate_draws
from portfolio_engine.model.uncertainty import draws
from portfolio_engine.optimizer.constraints import OBJECTIVE_KINDS, Problem, Term

ROBUST_PERCENTILE = 10
NEARBY = 1e-4  # share of the budget: rows this close to the first are finite-difference neighbours


def draw_values(problem: Problem, amounts: np.ndarray, terms: tuple[Term, ...], targeted: bool = True,
                subset: np.ndarray | None = None) -> np.ndarray:
    """Raw value of each term for each portfolio under each draw (or the `subset` of draws): (portfolios, draws, terms)."""
    amounts = np.atleast_2d(amounts)
    ensemble = draws(problem.model, problem.draws)
    if subset is not None:
        ensemble = Ensemble(ensemble.params[subset], ensemble.weights[subset], ensemble.gain[subset], ensemble.equilibria[subset])
    targeting = problem.targeting[None] if targeted and problem.targeting is not None else None
    outputs = simulate_draws(problem.model, ensemble, amounts, max(t.years for t in terms), problem.start, targeting)
    n, d = len(amounts), ensemble.size
    # (portfolios, communities, draws, years) -> (portfolios x draws, communities, years): one "portfolio" per draw
    flat = {k: v.transpose(0, 2, 1, 3).reshape(n * d, v.shape[1], v.shape[3]) for k, v in outputs.items()}
    repeated = np.repeat(amounts, d, axis=0)
    values = np.column_stack([OBJECTIVE_KINDS[t.kind].value(flat, repeated, t) for t in terms])
    return values.reshape(n, d, len(terms))


def robust_scorer(problem: Problem, factors: np.ndarray, targeted: bool = True) -> Callable[[np.ndarray], np.ndarray]:
    """score(amounts) -> the 10th percentile across draws of Σ factor x value (higher is better).

    A batch whose rows all lie within a hair of its first row (the optimizer's finite differences) is scored
    on the one or two draws that set the first row's percentile, with the same interpolation: the percentile's
    derivative where the draws' order holds, at a ninth of the cost. Any other batch is scored on every draw.
    """
    nearby = NEARBY * problem.budget

    def score(amounts: np.ndarray) -> np.ndarray:
        amounts = np.atleast_2d(amounts)
        if len(amounts) == 1 or np.abs(amounts - amounts[0]).max() > nearby:
            return np.percentile(draw_values(problem, amounts, problem.terms, targeted) @ factors, ROBUST_PERCENTILE, axis=1)
        first = (draw_values(problem, amounts[:1], problem.terms, targeted) @ factors)[0]
        position = ROBUST_PERCENTILE / 100 * (len(first) - 1)  # numpy's default (linear) percentile
        low = int(np.floor(position))
        order = np.argsort(first, kind="stable")
        chosen = order[[low, min(low + 1, len(first) - 1)]]
        share = np.array([1 - (position - low), position - low])
        rest = (draw_values(problem, amounts[1:], problem.terms, targeted, chosen) @ factors) @ share
        return np.concatenate([[float(np.percentile(first, ROBUST_PERCENTILE))], rest])

    return score


def robustness(problem: Problem, amounts: np.ndarray, factors: np.ndarray) -> float:
    """Share of draws in which the portfolio's score beats the status quo's in the same draw."""
    chosen = draw_values(problem, amounts, problem.terms)[0] @ factors
    base = draw_values(problem, problem.status_quo, problem.terms, targeted=False)[0] @ factors
    return float(np.mean(chosen > base + 1e-12))
