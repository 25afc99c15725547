"""A second person with a used voter code is told, and nothing is replaced unless they confirm (issue 16, fix 3)."""

from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import votes

VOTE = "../../pages/vote.py"
PASS = "vote-passcode"


def ballot_for(at, code, vital, urgent, civic):
    at.text_input(key="voter_code").input(code)
    at.number_input(key="split:vital_conditions").set_value(vital)
    at.number_input(key="split:urgent_services").set_value(urgent)
    at.number_input(key="split:civic_muscle").set_value(civic).run()
    at.button(key="review").click().run()
    at.button(key="submit").click().run()


def test_a_used_code_is_told_and_replaces_only_after_confirming(catalog, open_page):
    vote = votes.create_vote(catalog, "Our priorities", "split", "independent-markets", 1_000_000, passcode=PASS, split_over="families",
                             grant=OPERATOR)
    (code,) = votes.generate_codes(vote.id, 1, PASS)
    votes.open_vote(vote.id, PASS)
    first = votes.cast(catalog, vote.id, code, {"allocations": {"vital_conditions": 50, "urgent_services": 40, "civic_muscle": 10}})
    at = open_page(VOTE, vote=vote.id)
    ballot_for(at, code, 20, 70, 10)
    assert "already voted" in at.error[0].value and not at.success  # not "Your vote was recorded"
    assert "counted" in votes.check_receipt(vote.id, first)
    at.button(key="replace").click().run()
    assert at.success[0].value == "Your vote was recorded. Thank you!"
    assert "replaced" in votes.check_receipt(vote.id, first)
