"""pabulib files: parse, write (anonymized), refuse malformed ones clearly."""

from pathlib import Path

import pytest

from portfolio_engine.errors import InputFormatError
from portfolio_engine.voting import pabulib

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "pabulib"
SMALL = """META
key;value
description;tiny
vote_type;cumulative
budget;100
PROJECTS
project_id;cost;name
1;60;"Park; with benches"
2;50;Library
VOTES
voter_id;vote;points;age
a;1,2;3,7;34
b;2;10;51
"""


def test_parse_reads_sections_quoting_and_points():
    election = pabulib.parse(SMALL)
    assert election.budget == 100 and election.vote_type == "cumulative"
    assert election.projects["1"]["name"] == "Park; with benches"
    assert election.ballots() == [(("1", "2"), (3, 7)), (("2",), (10,))]


def test_write_then_parse_round_trips_and_anonymizes():
    text = pabulib.write(pabulib.parse(SMALL))
    again = pabulib.parse(text)
    assert again.ballots() == pabulib.parse(SMALL).ballots()
    assert [v["voter_id"] for v in again.votes] == ["1", "2"] and "age" not in again.votes[0]


@pytest.mark.parametrize(("text", "message"), [
    ("PROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\na;1\n", "missing section\\(s\\) META"),
    ("hello\n", "line 1: expected a META, PROJECTS or VOTES section first"),
    (SMALL.replace("a;1,2;3,7;34", "a;1,9;3,7;34"), "voter a votes for unknown project 9"),
    (SMALL.replace("budget;100\n", ""), "META has no budget"),
])
def test_malformed_files_are_refused(text, message):
    with pytest.raises(InputFormatError, match=message):
        pabulib.parse(text)


def test_the_shared_real_elections_parse():
    files = sorted(SHARED.glob("*.pb"))
    assert len(files) == 3, f"shared pabulib files missing under {SHARED}"
    for path in files:
        election = pabulib.read(path)
        assert int(election.meta["num_votes"]) == len(election.votes)
        assert int(election.meta["num_projects"]) == len(election.projects)
