"""ui/ends.py through AppTest: the facilitator records the room's ends, then revises them with a reason."""

from streamlit.testing.v1 import AppTest

from portfolio_engine.record.ends import Ends, current_ends
from portfolio_engine.record.workshops import authenticate


def _script():
    from ui import identity
    from ui.ends import facilitate_section

    facilitate_section(identity.facilitated(), identity.grant())


def _page(workshop) -> AppTest:
    at = AppTest.from_function(_script, default_timeout=60)
    at.session_state["grant"] = authenticate(workshop["workshop"].id, workshop["passcode"])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_room_records_its_ends_then_a_change_needs_a_reason(workshop):
    at = _page(workshop)
    at.number_input(key="end:suffering_years").set_value(2.0)
    at.button[0].click().run()
    assert current_ends(workshop["workshop"].id) == Ends({"thriving_at_year": 1.0, "suffering_years": 2.0}, 20)
    at = _page(workshop)
    assert "Agreed: Less suffering (weight 2), more people thriving (weight 1), over 20 years." in [c.value for c in at.caption]
    at.number_input(key="end:urgent_cost").set_value(1.0)
    at.button[0].click().run()
    assert "needs a reason" in at.error[0].value
    at.text_input(key="ends_reason").input("The county asked to count the cost of harm")
    at.button[0].click().run()
    assert current_ends(workshop["workshop"].id).weights == {"thriving_at_year": 1.0, "suffering_years": 2.0, "urgent_cost": 1.0}
    assert list(at.dataframe[0].value["Why"]) == ["first agreement", "The county asked to count the cost of harm"]


def test_a_closed_resident_vote_proposes_the_ends_recorded_with_its_fingerprint(catalog, workshop):
    from portfolio_engine.voting import votes

    passcode = workshop["passcode"]
    vote = votes.create_vote(catalog, "Our priorities", "split", "mean", 1_000_000, workshop["workshop"].id, passcode, split_over="families")
    code = votes.generate_codes(vote.id, 1, passcode)[0]
    votes.open_vote(vote.id, passcode)
    votes.cast(catalog, vote.id, code, {"allocations": {"vital_conditions": 60, "urgent_services": 30, "civic_muscle": 10}})
    votes.close_vote(vote.id, passcode)
    at = _page(workshop)
    at.button(key="ends_from_vote").click().run()
    assert current_ends(workshop["workshop"].id) == Ends({"thriving_at_year": 6.0, "suffering_years": 3.0, "equity": 1.0}, 20)
    assert at.success[0].value.startswith("Ends recorded from the residents' vote: More people thriving (weight 6)")
    assert at.number_input(key="end:thriving_at_year").value == 6.0  # the fields show what was recorded
