"""Facilitate and Compare pages, and saving a proposal from Allocate, through AppTest."""

import pytest
from streamlit.testing.v1 import AppTest

from portfolio_engine import storage
from portfolio_engine.record import audit
from portfolio_engine.record.proposals import list_proposals, save_proposal
from portfolio_engine.record.workshops import authenticate, get_workshop, join, list_workshops
from portfolio_engine.security import access
from ui.text import plain

FACILITATE, COMPARE, ALLOCATE = "../../pages/facilitate.py", "../../pages/compare.py", "../../pages/allocate.py"
STEWARD = "steward-passcode"


@pytest.fixture
def steward(tmp_path, monkeypatch):
    """This installation's data steward passcode, in a private file."""
    monkeypatch.setenv("PORTFOLIO_STEWARD_FILE", str(tmp_path / "steward.hash"))
    access.set_steward(STEWARD)
    return STEWARD


def signed_in(workshop) -> AppTest:
    """The Facilitate page in a session signed in with the workshop's passcode."""
    at = AppTest.from_file(FACILITATE, default_timeout=60)
    at.session_state["grant"] = authenticate(workshop["workshop"].id, workshop["passcode"])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def submit(at, label):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_every_public_page_opens_on_an_empty_database(open_page):
    for page in (COMPARE, ALLOCATE, "../../pages/optimize.py", FACILITATE):
        open_page(page)


def test_facilitator_creates_a_workshop_and_sees_its_join_code(open_page, steward):
    at = open_page(FACILITATE)
    at.text_input[0].input("Riverside 2027")
    at.text_input[2].input("long-enough-pass")
    at.text_input[3].input("long-enough-pass")
    at.text_input(key="steward_passcode").input(steward)
    submit(at, "Create the workshop")
    assert at.subheader[0].value == "Riverside 2027"
    (created,) = list_workshops()
    with storage.reading() as db:
        head = audit.verify(db, created.id).label  # entries:hash, what 'audit verify --head' takes
    assert any("Audit trail intact" in s.value and s.value.endswith(f"Chain head {head}") for s in at.success)
    assert not at.get("download_button")  # made on request: a deferred download can be lost on a busy server
    next(b for b in at.button if b.label == "Prepare printable report (HTML)").click().run()
    (report,) = at.get("download_button")
    assert report.proto.label == "Download printable report (HTML)"
    assert "Riverside 2027" in at.session_state["prepared:record_html"]


def test_wrong_passcode_is_refused(workshop, open_page):
    at = open_page(FACILITATE)
    at.text_input[0].input("wrong-passcode")
    submit(at, "Sign in")
    assert at.error[0].value == plain("That passcode or code is not right.")


def test_facilitator_moves_to_deciding_and_records_the_decision(catalog, workshop, status_quo):
    workshop_id = workshop["workshop"].id
    save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Keep", "Stable", status_quo.allocations)
    at = signed_in(workshop)
    submit(at, "Move to deciding")
    assert get_workshop(workshop_id).state == "deciding"
    at.text_area(key="decision_rationale").input("Everyone can live with it")
    submit(at, "Record the decision")
    assert get_workshop(workshop_id).state == "decided"


def test_compare_shows_proposals_by_join_code_and_escapes_typed_text(catalog, workshop, status_quo, open_page):
    workshop_id = workshop["workshop"].id
    save_proposal(catalog, workshop_id, workshop["ana"]["id"], "**Loud** [link](x)", "Stable", status_quo.allocations)
    save_proposal(catalog, workshop_id, workshop["ben"]["id"], "Housing first", "Homes", dict(status_quo.allocations, acute_care=12e6,
                                                                                              humane_housing=14e6))
    at = open_page(COMPARE)
    at.text_input(key="compare_code").input(workshop["workshop"].join_code).run()
    assert not at.exception
    assert len(at.multiselect(key="compare_pick").value) == 3
    labels = [e.label for e in at.expander]
    assert any(r"\*\*Loud\*\*" in label for label in labels)
    at.multiselect(key="compare_pick").unselect("Status quo").run()  # other changes do not look the code up again
    assert [r["outcome"] for r in access.attempts("join")[1]] == ["success"]


def test_a_joined_stakeholder_saves_a_proposal_and_takes_a_stance(catalog, workshop, status_quo, open_page):
    workshop_id = workshop["workshop"].id
    person, token = join(workshop_id, "Cleo", "Tenants union", "residents")
    at = open_page(ALLOCATE, w=workshop_id, me=token)
    at.toggle(key="saving").set_value(True).run()
    at.text_input[0].input("Tenants' mix")
    submit(at, "Save proposal")
    assert at.error[0].value == plain("The rationale is required.")
    at.text_area[0].input("Rent relief keeps families housed")
    submit(at, "Save proposal")
    (saved,) = list_proposals(workshop_id)
    assert saved["author"] == "Cleo" and saved["rationale"] == "Rent relief keeps families housed"
    save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Keep", "Stable", status_quo.allocations)
    compare = open_page(COMPARE, w=workshop_id, me=token)
    compare.text_area(key="stance_reason").input("Fine by us")
    submit(compare, "Record my stance")
    assert compare.success[0].value == "Your stance was recorded."


@pytest.mark.parametrize("role", ["observer"])
def test_observers_get_no_save_form(workshop, role, open_page):
    _, token = join(workshop["workshop"].id, "Press", "Gazette", "media", role)
    at = open_page(ALLOCATE, w=workshop["workshop"].id, me=token)
    assert not [t for t in at.toggle if t.key == "saving"]


def test_facilitator_sets_up_opens_and_prints_codes_for_a_vote(workshop):
    from portfolio_engine.voting.votes import list_votes

    at = signed_in(workshop)
    form_title = next(t for t in at.text_input if t.label == "Title")
    form_title.input("Residents' priorities")
    submit(at, "Create the vote (draft)")
    (vote,) = list_votes()
    assert vote.state == "draft" and vote.workshop_id == workshop["workshop"].id
    submit(at, "Open this vote")
    submit(at, "Generate voter codes")
    assert [b.proto.label for b in at.get("download_button")] == ["Codes (CSV)"]
    assert any(b.label == "Prepare printable sheet with QR codes" for b in at.button)
    assert list_votes()[0].state == "open"


def test_facilitator_purges_a_closed_vote_from_the_page(workshop, catalog):
    from portfolio_engine.voting import votes

    w = workshop["workshop"]
    vote = votes.create_vote(catalog, "Parks", "split", "mean", 100, workshop_id=w.id, passcode=workshop["passcode"])
    votes.open_vote(vote.id, workshop["passcode"])
    (code,) = votes.generate_codes(vote.id, 1, workshop["passcode"])
    votes.cast(catalog, vote.id, code, {"allocations": {"humane_housing": 60, "acute_care": 40}}, why="private reason")
    votes.close_vote(vote.id, workshop["passcode"])
    at = signed_in(workshop)
    assert not any(u.key == f"paper_{vote.id}" for u in at.get("file_uploader"))  # a closed vote takes no paper ballots
    submit(at, "Purge codes and private free text")
    assert any(s.value.startswith("Purged: 1 ballot no longer points") for s in at.success)
    assert votes.purge_expired(access.OPERATOR, days=0) == []  # already purged


def test_a_vote_can_be_set_up_to_show_results_while_open(workshop):
    from portfolio_engine.voting.votes import list_votes

    at = signed_in(workshop)
    next(t for t in at.text_input if t.label == "Title").input("Live count")
    next(c for c in at.checkbox if c.label == "Show results while the vote is open").check()
    submit(at, "Create the vote (draft)")
    (vote,) = list_votes()
    assert vote.options["live_results"] is True
