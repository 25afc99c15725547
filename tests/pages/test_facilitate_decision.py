"""Facilitate's decision step and live dashboard (issue 16, fixes 5 and 9), through AppTest."""

from streamlit.testing.v1 import AppTest

from portfolio_engine.record.decisions import decisions
from portfolio_engine.record.proposals import save_proposal
from portfolio_engine.record.workshops import authenticate, change_state
from portfolio_engine.voting import votes

FACILITATE = "../../pages/facilitate.py"


def signed_in(workshop) -> AppTest:
    at = AppTest.from_file(FACILITATE, default_timeout=60)
    at.session_state["grant"] = authenticate(workshop["workshop"].id, workshop["passcode"])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def residents_voted(catalog, workshop, ballots=3):
    """A closed vote of a few ballots used as a proposal, as the Results page does."""
    w = workshop["workshop"]
    vote = votes.create_vote(catalog, "Priorities", "split", "mean", 100, workshop_id=w.id, passcode=workshop["passcode"])
    codes = votes.generate_codes(vote.id, 10, workshop["passcode"])
    votes.open_vote(vote.id, workshop["passcode"])
    for code in codes[:ballots]:
        votes.cast(catalog, vote.id, code, {"allocations": {"humane_housing": 60, "acute_care": 40}})
    votes.close_vote(vote.id, workshop["passcode"])
    sq = w.status_quo_portfolio(catalog).allocations
    aggregate = {k: (v * 0.5 if k not in ("humane_housing", "acute_care") else v) for k, v in sq.items()}
    aggregate["humane_housing"] += w.budget - sum(aggregate.values())
    save_proposal(catalog, w.id, workshop["ana"]["id"], "Residents' vote: Priorities", "Aggregate", aggregate, origin="resident_vote",
                  origin_details={"vote": vote.id})


def test_one_reason_covers_every_departure_and_the_decision_is_confirmed(catalog, workshop, status_quo):
    w = workshop["workshop"]
    residents_voted(catalog, workshop)
    save_proposal(catalog, w.id, workshop["ben"]["id"], "Keep", "Stable", w.status_quo_portfolio(catalog).allocations)
    change_state(w.id, "deciding", workshop["passcode"])
    at = signed_in(workshop)
    assert any("Low turnout: the residents' vote counts 3 ballots (30% of the 10 voter codes)" in m.value for m in at.warning)
    at.selectbox(key="decision_proposal").select_index(1).run()
    assert any("Residents' vote (million USD)" in d.value.columns for d in at.dataframe)
    at.text_area(key="decision_rationale").input("Providers need a stable year").run()
    at.text_area(key="decision_shared_reason").input("Three ballots cannot carry a cut this deep").run()
    at.button(key="record_decision").click().run()
    assert not at.exception and not at.error
    (decided,) = decisions(w.id)
    assert set(decided["justifications"].values()) == {"Three ballots cannot carry a cut this deep"} and len(decided["justifications"]) > 5
    assert at.success[0].value.startswith("Decision recorded: Keep v1")
    assert at.text_area(key="decision_rationale").value == ""  # the form is empty again


def test_without_a_residents_proposal_facilitate_says_how_the_vote_comes_to_count(catalog, workshop, status_quo):
    w = workshop["workshop"]
    save_proposal(catalog, w.id, workshop["ana"]["id"], "Keep", "Stable", w.status_quo_portfolio(catalog).allocations)
    change_state(w.id, "deciding", workshop["passcode"])
    at = signed_in(workshop)
    assert any("counts in the decision once it is used as a proposal" in i.value for i in at.info)


def test_the_dashboard_shows_people_and_turnout_with_readable_times(catalog, workshop):
    residents_voted(catalog, workshop, ballots=2)
    at = signed_in(workshop)
    assert [m.value for m in at.metric][:2] == ["2", "1"]  # participants, proposals
    assert any("2 of 10 voter codes used" in c.value for c in at.caption)
    people = next(d.value for d in at.dataframe if "Joined" in d.value.columns)
    assert list(people["Name"]) == ["Ana", "Ben"] and people["Joined"].str.endswith("UTC").all()


def test_presentation_mode_shows_join_and_vote_qr_codes_and_turnout(catalog, workshop):
    residents_voted(catalog, workshop, ballots=0)
    w = workshop["workshop"]
    vote = votes.create_vote(catalog, "Parks", "split", "mean", 100, workshop_id=w.id, passcode=workshop["passcode"])
    codes = votes.generate_codes(vote.id, 4, workshop["passcode"])
    votes.open_vote(vote.id, workshop["passcode"])
    votes.cast(catalog, vote.id, codes[0], {"allocations": {"humane_housing": 60, "acute_care": 40}})
    at = signed_in(workshop)
    at.toggle(key="presenting").set_value(True).run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "Join the workshop" in shown and w.join_code in shown and "Vote: Parks" in shown and "1 of 4 voter codes used" in shown
    assert any(f"/vote?vote={vote.id}" in t.value for t in at.text)
    assert len(at.get("image")) + len(at.get("imgs")) >= 1  # the QR codes (AppTest groups images under one element)


def test_the_join_code_is_hidden_once_nobody_can_join(catalog, workshop):
    w = workshop["workshop"]
    keep = save_proposal(catalog, w.id, workshop["ana"]["id"], "Keep", "Stable", w.status_quo_portfolio(catalog).allocations)
    change_state(w.id, "deciding", workshop["passcode"])
    from portfolio_engine.record.decisions import record_decision

    record_decision(w.id, keep["id"], "Agreed", workshop["passcode"])
    at = signed_in(workshop)
    assert w.join_code not in " ".join(m.value for m in at.markdown)
    assert any("nobody can join any more" in c.value for c in at.caption)
