"""A used voter code never silently replaces a ballot: the caller must say to replace (issue 16, fix 3)."""

import pytest

from portfolio_engine.errors import BallotExists, NotAllowed
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import votes
from portfolio_engine.voting.results import results

PASS = "vote-passcode"
BALLOT = {"allocations": {"humane_housing": 70, "acute_care": 30}}
OTHER = {"allocations": {"humane_housing": 10, "acute_care": 90}}


def open_vote(catalog, **options):
    created = votes.create_vote(catalog, "Parks", "split", "mean", 100, passcode=PASS, grant=OPERATOR, **options)
    (code,) = votes.generate_codes(created.id, 1, PASS)
    votes.open_vote(created.id, PASS)
    return created.id, code


def test_a_used_code_is_told_and_its_ballot_kept_until_the_voter_confirms(catalog):
    vote_id, code = open_vote(catalog)
    first = votes.cast(catalog, vote_id, code, BALLOT, replace=False)
    with pytest.raises(BallotExists, match="already voted .* ask the organizers for a new code"):
        votes.cast(catalog, vote_id, code, OTHER, replace=False)  # a photographed card, or Back then Forward
    assert votes.check_receipt(vote_id, first).startswith("This ballot is counted")
    second = votes.cast(catalog, vote_id, code, OTHER, replace=True)  # the voter confirmed
    assert votes.check_receipt(vote_id, first).startswith("This ballot was replaced")  # the receipt check stays honest
    assert votes.check_receipt(vote_id, second).startswith("This ballot is counted")
    votes.close_vote(vote_id, PASS)
    assert results(vote_id, catalog)["turnout"]["ballots"] == 1


def test_a_vote_set_up_so_that_a_code_votes_once_never_replaces(catalog):
    vote_id, code = open_vote(catalog, allow_revote=False)
    votes.cast(catalog, vote_id, code, BALLOT, replace=False)
    with pytest.raises(NotAllowed, match="does not allow changing a ballot"):
        votes.cast(catalog, vote_id, code, OTHER, replace=True)
