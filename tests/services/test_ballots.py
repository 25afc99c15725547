"""Checking a ballot as the Vote page fills it in, with the engine's own rules and messages."""

import pytest

from portfolio_engine.errors import VoterCodeRefused
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.services.ballots import check_ballot
from portfolio_engine.voting import votes

PASS = "vote-passcode"
PROJECTS = [{"id": "park", "name": "Park", "cost": 400.0, "element": "humane_housing"},
            {"id": "clinic", "name": "Clinic", "cost": 500.0, "element": "acute_care"},
            {"id": "library", "name": "Library", "cost": 300.0, "element": "civic_muscle"}]


def vote(catalog, ballot, **options):
    rule = "independent-markets" if ballot == "split" else "greedy"
    return votes.create_vote(catalog, "Priorities", ballot, rule, 1000, passcode=PASS, grant=OPERATOR,
                             projects=None if ballot == "split" else PROJECTS, split_over="families", **options)


def test_a_split_form_gives_exactly_100_points(catalog):
    split = vote(catalog, "split")
    assert check_ballot(catalog, split, {"allocations": {"vital_conditions": 60, "urgent_services": 30}}).problem == \
        "Give exactly 100 points (now 90)."
    one_point = check_ballot(catalog, split, {"allocations": {"vital_conditions": 1}})  # the engine alone reads 1 as shares adding up to 1
    assert one_point.given == 1 and one_point.problem == "Give exactly 100 points (now 1)."
    assert check_ballot(catalog, split, {"allocations": {"vital_conditions": 60, "urgent_services": 40}}).problem is None


def test_project_ballots_get_the_engines_messages(catalog):
    knapsack = vote(catalog, "knapsack", min_spend_share=0.5)
    over = check_ballot(catalog, knapsack, {"projects": ["park", "clinic", "library"]})
    assert over.given == 1200 and "more than the budget of 1,000" in over.problem
    assert "Spend at least 50%" in check_ballot(catalog, knapsack, {"projects": ["library"]}).problem  # the page used to let it through
    assert check_ballot(catalog, knapsack, {"projects": ["park", "clinic"]}).problem is None


def test_cumulative_points_and_spread(catalog):
    cumulative = vote(catalog, "cumulative", points=5, min_projects=2)
    assert "Give exactly 5 points" in check_ballot(catalog, cumulative, {"points": {"park": 3}}).problem
    assert "at least 2 projects" in check_ballot(catalog, cumulative, {"points": {"park": 5}}).problem  # the page used to let it through
    assert check_ballot(catalog, cumulative, {"points": {"park": 3, "clinic": 2, "library": 0}}).problem is None


def test_a_wrong_voter_code_is_its_own_error_class(catalog):
    split = vote(catalog, "split")
    votes.open_vote(split.id, PASS)
    with pytest.raises(VoterCodeRefused):
        votes.cast(catalog, split.id, "WRONGCODE1", {"allocations": {"vital_conditions": 100}})
