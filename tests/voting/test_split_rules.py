"""Split-ballot aggregation: worked examples and the properties the rules promise."""

from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_engine.errors import InputFormatError
from portfolio_engine.voting import split_rules
from portfolio_engine.voting.rules import names
from portfolio_engine.voting.split_rules import aggregate

RULES = names("split")


def test_worked_example_mean():
    """Caragiannis, Christodoulou, Protopapas (2022): 20k, 20k and 40k voters; the mean is (65%, 10%, 25%)."""
    ballots = np.array([[20, 0, 80]] * 2 + [[40, 40, 20]] * 2 + [[100, 0, 0]] * 4)
    assert aggregate(ballots, "mean", 100) == pytest.approx([65, 10, 25])


def test_median_is_normalized_and_refuses_all_zero_medians():
    ballots = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    with pytest.raises(InputFormatError, match="gives no allocation"):
        aggregate(ballots, "median", 100)
    assert aggregate(np.array([[2, 1, 1], [1, 1, 2], [1, 2, 1]]), "median", 100).sum() == pytest.approx(100)


@pytest.mark.parametrize("sizes", [(1, 1), (3, 1), (5, 2, 3), (7, 0, 3)])
def test_independent_markets_gives_single_minded_groups_their_share(sizes):
    rows = [np.eye(len(sizes))[g] for g, size in enumerate(sizes) for _ in range(size)]
    result = aggregate(np.array(rows), "independent-markets", 1.0)
    assert result == pytest.approx(np.array(sizes) / sum(sizes), abs=1e-9)


ballot_sets = st.integers(2, 5).flatmap(lambda m: st.lists(st.lists(st.integers(0, 20), min_size=m, max_size=m).filter(lambda r: sum(r) > 0),
                                                           min_size=1, max_size=12))


@settings(max_examples=60, deadline=None)
@given(ballot_sets, st.randoms(use_true_random=False))
def test_rules_spend_the_budget_and_are_anonymous_and_neutral(rows, rng):
    ballots = np.array(rows, dtype=float)
    for rule in RULES:
        try:
            result = aggregate(ballots, rule, 1000.0)
        except InputFormatError:
            assert rule == "median"
            continue
        assert result.sum() == pytest.approx(1000.0) and (result >= 0).all()
        order = list(range(len(rows)))
        rng.shuffle(order)
        assert aggregate(ballots[order], rule, 1000.0) == pytest.approx(result, abs=1e-9)
        columns = list(range(ballots.shape[1]))
        rng.shuffle(columns)
        assert aggregate(ballots[:, columns], rule, 1000.0) == pytest.approx(result[columns], abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(ballot_sets, st.integers(0, 10**6))
def test_no_random_misreport_brings_independent_markets_closer_to_a_voter(rows, seed):
    ballots = np.array(rows, dtype=float)
    truth = ballots[0] / ballots[0].sum()
    honest = aggregate(ballots, "independent-markets", 1.0)
    rng = np.random.default_rng(seed)
    for _ in range(10):
        lie = ballots.copy()
        lie[0] = rng.dirichlet(np.ones(ballots.shape[1]))
        assert np.abs(aggregate(lie, "independent-markets", 1.0) - truth).sum() >= np.abs(honest - truth).sum() - 1e-9


def test_bad_ballots_are_refused():
    with pytest.raises(InputFormatError, match="non-negative numbers with a positive total"):
        aggregate(np.array([[1, -1], [1, 1]]), "mean", 1)
    with pytest.raises(InputFormatError, match="Unknown rule 'plurality'"):
        aggregate(np.array([[1, 1]]), "plurality", 1)


@pytest.mark.parametrize("rule", RULES)
def test_a_huge_ballot_counts_as_its_shares(rule):
    """Finding 12: [1e308, 1e308] overflowed its total and counted as (0, 0), moving the mean; it is a half-half split."""
    assert aggregate(np.array([[1e308, 1e308], [1, 1]]), rule, 100) == pytest.approx([50, 50])


@pytest.mark.parametrize("phantom", [split_rules._independent_markets, split_rules._welfare])
def test_phantom_medians_are_the_medians_of_votes_and_phantoms(phantom):
    """The crossing search gives each category the plain median of its n votes and n + 1 phantoms, ties and ends included."""
    rng = np.random.default_rng(3)
    for n in (1, 2, 5, 40):
        votes = np.sort(rng.choice([0.0, 0.1, 0.25, 0.5, 1.0], size=(4, n)), axis=1)
        for t in (0.0, 0.003, 0.02, 0.4, 1.0, *rng.random(5)):
            phantoms = phantom(t, n, np.arange(n + 1))
            expected = [np.median(np.concatenate([row, phantoms])) for row in votes]
            assert split_rules._phantom_median(votes, partial(phantom, t, n)).tolist() == expected
