"""Opinion groups among residents' split ballots (issue 16, item 1): after close, sizes and means only."""

import json

import pytest

from portfolio_engine.errors import NotAllowed
from portfolio_engine.record.ballot_groups import vote_groups
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import votes

PASS = "vote-passcode"
CAMPS = [{"vital_conditions": 70, "urgent_services": 20, "civic_muscle": 10}] * 3 + \
        [{"vital_conditions": 20, "urgent_services": 70, "civic_muscle": 10}] * 2


@pytest.fixture
def split_vote(catalog):
    vote = votes.create_vote(catalog, "Priorities", "split", "mean", 1_000_000, passcode=PASS, grant=OPERATOR, split_over="families")
    codes = votes.generate_codes(vote.id, len(CAMPS), PASS)
    votes.open_vote(vote.id, PASS)
    for code, allocations in zip(codes, CAMPS, strict=True):
        votes.cast(catalog, vote.id, code, {"allocations": allocations})
    return vote


def test_two_camps_of_residents_are_two_groups_after_the_vote_closes(catalog, split_vote):
    with pytest.raises(NotAllowed, match="once the vote closes"):
        vote_groups(split_vote.id, catalog)
    votes.close_vote(split_vote.id, PASS)
    found = vote_groups(split_vote.id, catalog)
    assert found["ballots"] == 5 and [(g["label"], g["size"]) for g in found["groups"]] == [("Group A", 3), ("Group B", 2)]
    assert found["groups"][0]["mean"]["vital_conditions"] == pytest.approx(700_000)
    assert set(found["separating"]) == {"vital_conditions", "urgent_services"}  # civic muscle: the same in both
    assert "members" not in found["groups"][0]  # no ballot is named


def test_the_command_line_prints_the_groups(catalog, split_vote, capsys):
    from portfolio_engine.cli.main import main

    votes.close_vote(split_vote.id, PASS)
    assert main(["vote", "groups", "--vote", split_vote.id]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [g["size"] for g in printed["groups"]] == [3, 2]
