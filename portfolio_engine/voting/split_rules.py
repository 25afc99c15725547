"""Split-ballot rules: each ballot divides a budget across categories (amounts, points or shares).

Every ballot is first divided by its own total. Results are scaled to the budget.
- mean: the average split.
- median: the coordinate-wise median, normalized to the budget (not strategy-proof); when every median
  is zero it gives no allocation.
- independent-markets: the moving-phantom mechanism of Freeman, Pennock, Peters and Wortman Vaughan
  (2019) with phantoms f_k(t) = min(t(n - k), 1), k = 0..n; each category gets the median of the n
  votes and n + 1 phantoms, t chosen so the medians sum to 1. Truthful; single-minded groups get
  their proportional share.
- welfare-phantoms: the same paper's welfare-maximizing phantoms f_k(t) = min(max((n + 1)t - k, 0), 1).
"""

from collections.abc import Callable
from functools import partial
from typing import cast

import numpy as np

from portfolio_engine.errors import InputFormatError
from portfolio_engine.voting import rules


def normalize(ballots: np.ndarray) -> np.ndarray:
    """Each row divided by its own total; rows must be finite, non-negative, with a positive total.

    Rows are first divided by their largest value, so huge amounts (1e308) cannot overflow the total
    and a ballot counts as its shares, whatever its scale.
    """
    ballots = np.asarray(ballots, dtype=float)
    if ballots.ndim != 2 or not np.isfinite(ballots).all() or (ballots < 0).any() or (ballots.max(axis=1, initial=0) <= 0).any():
        raise InputFormatError("Every ballot needs non-negative numbers with a positive total.")
    scaled = ballots / ballots.max(axis=1, keepdims=True)
    return scaled / scaled.sum(axis=1, keepdims=True)


def _phantom_median(sorted_votes: np.ndarray, phantom: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Per category, the median of its n sorted votes and the n + 1 phantoms (phantom(i) for indices i = 0..n, non-increasing).

    With votes ascending a_1..a_n and a_0 = -infinity, the (n + 1)-th smallest of all 2n + 1 values is min over
    i = 0..n of max(a_i, phantom(i)). The terms are phantom(i) up to the first i where a_i >= phantom(i) (a bisection
    per category: a_i - phantom(i) never falls), then a_i, rising: so the minimum is at that crossing, found in
    log2(n) steps instead of comparing all n values.
    """
    categories, n = sorted_votes.shape
    rows = np.arange(categories)
    low, high = np.ones(categories, dtype=np.int64), np.full(categories, n + 1, dtype=np.int64)
    while (searching := low < high).any():
        middle = (low + high) // 2
        reached = (middle <= n) & (sorted_votes[rows, np.minimum(middle, n) - 1] >= phantom(np.minimum(middle, n)))
        high = np.where(searching & reached, middle, high)
        low = np.where(searching & ~reached, middle + 1, low)
    before = phantom(low - 1)
    vote = sorted_votes[rows, np.minimum(low, n) - 1]
    return np.where(low <= n, np.minimum(before, vote), before)


def _moving_phantoms(shares: np.ndarray, phantom: Callable[[float, int, np.ndarray], np.ndarray]) -> np.ndarray:
    """Find t in [0, 1] where the medians sum to 1 (bisection: the sum never falls as t grows)."""
    n = shares.shape[0]
    sorted_votes = np.sort(shares.T, axis=1)  # (categories, n)
    low, high = 0.0, 1.0
    for _ in range(60):
        middle = (low + high) / 2
        if _phantom_median(sorted_votes, partial(phantom, middle, n)).sum() >= 1.0:
            high = middle
        else:
            low = middle
    medians = _phantom_median(sorted_votes, partial(phantom, high, n))
    return medians / medians.sum()


def _independent_markets(t: float, n: int, i: np.ndarray) -> np.ndarray:
    return np.minimum(t * (n - i), 1.0)


def _welfare(t: float, n: int, i: np.ndarray) -> np.ndarray:
    return np.clip((n + 1) * t - i, 0.0, 1.0)


def mean(shares: np.ndarray) -> np.ndarray:
    return shares.mean(axis=0)


def median(shares: np.ndarray) -> np.ndarray:
    medians = np.median(shares, axis=0)
    if medians.sum() <= 0:
        raise InputFormatError("Every category's median is zero: the median rule gives no allocation for these ballots.")
    return medians / medians.sum()


def independent_markets(shares: np.ndarray) -> np.ndarray:
    return _moving_phantoms(shares, _independent_markets)


def welfare_phantoms(shares: np.ndarray) -> np.ndarray:
    return _moving_phantoms(shares, _welfare)


def aggregate(ballots: np.ndarray, rule: str, budget: float) -> np.ndarray:
    """Amounts per category (columns of `ballots`) under the rule (voting/rules.py), adding up to the budget."""
    counter = rules.get(rule, "split").count
    return cast(np.ndarray, counter(rules.Tally(shares=normalize(ballots)))) * budget
