"""The rules registry: every rule is documented, offered by the command line and the Facilitate page, counts the ballots it
names, and an unknown name is an error everywhere (it used to be counted as the Method of Equal Shares)."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from portfolio_engine.cli.main import build_parser
from portfolio_engine.errors import InputFormatError, PortfolioError
from portfolio_engine.record.workshops import authenticate
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import pabulib, rules, votes
from portfolio_engine.voting.project_rules import run

ROOT = Path(__file__).resolve().parents[2]
ELECTION = ROOT / "tests" / "data" / "pabulib" / "Netherlands_Assen_2024.pb"
PROJECTS = [{"id": "p1", "name": "Park", "cost": 40_000.0, "element": "stable_environment"},
            {"id": "p2", "name": "Legal aid", "cost": 30_000.0, "element": "humane_housing"}]


def test_every_rule_names_known_ballots_and_has_words():
    for rule in rules.RULES.values():
        assert rule.ballots and set(rule.ballots) <= set(rules.BALLOTS), rule.name
        assert rule.words.strip() and rule.name == rule.name.strip().lower()
    assert all(rules.names(ballot) for ballot in rules.BALLOTS)


def test_the_docs_table_is_the_registry():
    docs = (ROOT / "docs" / "voting.md").read_text(encoding="utf-8")
    assert rules.docs_table() in docs, f"Paste into docs/voting.md:\n{rules.docs_table()}"


def _choices(*argv: str) -> tuple[str, ...]:
    """The --rule choices of a command, as its parser offers them."""
    parser = build_parser()
    for name in argv:
        parser = next(a for a in parser._actions if a.dest in ("command", "action")).choices[name]
    return tuple(next(a for a in parser._actions if a.dest == "rule").choices)


def test_every_rule_is_reachable_from_the_command_line():
    assert set(_choices("pb")) | set(_choices("aggregate")) == set(rules.RULES)
    assert set(_choices("vote", "create")) == set(rules.RULES)
    assert set(_choices("pb")) == set(rules.names("knapsack")) and set(_choices("aggregate")) == set(rules.names("split"))


@pytest.mark.parametrize("rule", rules.RULES)
def test_create_vote_accepts_a_rule_exactly_for_its_ballots(catalog, rule):
    for ballot in rules.BALLOTS:
        projects = None if ballot == "split" else PROJECTS
        create = lambda b=ballot, p=projects: votes.create_vote(catalog, "Vote", b, rule, 100_000, passcode="vote-passcode", grant=OPERATOR,  # noqa: E731
                                                               projects=p, points=10 if b == "cumulative" else None)
        if ballot in rules.RULES[rule].ballots:
            assert create().rule == rule
        else:
            with pytest.raises(PortfolioError, match=f"The {ballot} ballot is counted with"):
                create()


def test_an_unknown_rule_is_an_error_not_equal_shares(catalog):
    election = pabulib.read(ELECTION)
    with pytest.raises(InputFormatError, match="Unknown rule 'plurality'"):
        run(election, "plurality")
    with pytest.raises(InputFormatError, match="got 'mean'"):
        run(election, "mean")
    vote = votes.create_vote(catalog, "Vote", "approval", "mes", 100_000, passcode="vote-passcode", grant=OPERATOR, projects=PROJECTS)
    with pytest.raises(InputFormatError, match="Unknown rule 'plurality'"):
        votes.count(vote, [{"projects": ["p1"]}], catalog, rule="plurality")
    with pytest.raises(PortfolioError, match="Unknown rule 'plurality'"):
        votes.create_vote(catalog, "Vote", "approval", "plurality", 100_000, passcode="vote-passcode", grant=OPERATOR, projects=PROJECTS)


def test_the_facilitate_page_offers_the_registry(workshop):
    at = AppTest.from_file("../../pages/facilitate.py", default_timeout=60)
    at.session_state["grant"] = authenticate(workshop["workshop"].id, workshop["passcode"])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    offered = {box.label: tuple(box.options) for box in at.selectbox}
    assert offered["Counting rule for split ballots"] == rules.names("split")
    assert offered["Counting rule for project ballots"] == rules.names("knapsack")
    source = (ROOT / "pages" / "facilitate.py").read_text(encoding="utf-8")
    assert not [name for name in rules.RULES if re.search(rf"[\"']{re.escape(name)}[\"']", source)]
