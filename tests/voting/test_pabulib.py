"""pabulib files: parse, write (anonymized), refuse malformed ones clearly."""

from pathlib import Path

import pytest

from portfolio_engine.errors import InputFormatError
from portfolio_engine.voting import pabulib

SHARED = Path(__file__).resolve().parents[1] / "data" / "pabulib"  # copies of shared/data/pabulib, see its SOURCES.md
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


@pytest.mark.parametrize(("old", "new", "message"), [
    ("budget;100", "budget;nan", "META budget: 'nan' is not a number"),
    ("budget;100", "budget;1e100000000", "META budget: '1e100000000' is out of range"),
    ("budget;100", "budget;1e-100000000", "META budget: '1e-100000000' is out of range"),
    ("1;60;", "1;-5;", "Project 1 cost: '-5' is out of range"),
    ("1;60;", "1;inf;", "Project 1 cost: 'inf' is not a number"),
    ("3,7", "3,1e400", "Voter a points: '1e400' is out of range"),
    ("b;2;10;51", "a;2;10;51", "voter a appears more than once in VOTES"),
    ("a;1,2;3,7;34\nb;2;10;51\n", "", "VOTES has no ballots"),
])
def test_numbers_and_voters_are_checked_when_the_file_is_read(old, new, message):
    """Finding 12: NaN, huge exponents (a hang in Fraction) and repeated voters (counted again) are refused at once."""
    with pytest.raises(InputFormatError, match=message):
        pabulib.parse(SMALL.replace(old, new))


def test_fractional_and_comma_budgets_are_exact():
    assert pabulib.parse(SMALL.replace("budget;100", "budget;201/2")).budget == pabulib.parse(SMALL.replace("budget;100", "budget;100,5")).budget


def test_the_shared_real_elections_parse():
    files = sorted(SHARED.glob("*.pb"))
    assert len(files) == 3, f"pabulib files missing under {SHARED}"
    for path in files:
        election = pabulib.read(path)
        assert int(election.meta["num_votes"]) == len(election.votes)
        assert int(election.meta["num_projects"]) == len(election.projects)
