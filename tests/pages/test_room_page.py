"""The Room page (facilitators and the projector's link) and the drafts Allocate saves for it, through AppTest."""

from streamlit.testing.v1 import AppTest

from portfolio_engine.record.drafts import drafts_in, save_draft
from portfolio_engine.record.workshops import authenticate, join, room_key
from portfolio_engine.services.unit_of_work import unit_of_work
from ui import drafts

ROOM, ALLOCATE = "../../pages/room.py", "../../pages/allocate.py"


def moved(amounts, element, extra):
    others = sum(v for k, v in amounts.items() if k != element)
    return {k: (v + extra if k == element else v - extra * v / others) for k, v in amounts.items()}


def room_with_drafts(catalog, workshop):
    w = workshop["workshop"]
    amounts = w.status_quo_portfolio(catalog).allocations
    save_draft(catalog, w.id, workshop["ana"]["id"], moved(amounts, "acute_care", 20e6))
    save_draft(catalog, w.id, workshop["ben"]["id"], moved(amounts, "humane_housing", 20e6))
    cleo, _ = join(w.id, "Cleo", "Tenants union", "residents")
    save_draft(catalog, w.id, cleo["id"], moved(amounts, "humane_housing", 19e6))


def test_the_room_needs_the_facilitator_or_the_projectors_key(workshop, open_page):
    at = open_page(ROOM)
    assert "for the workshop's facilitator" in at.info[0].value
    at = open_page(ROOM, room=workshop["workshop"].id, key="0" * 20)
    assert "for the workshop's facilitator" in at.info[0].value and not at.dataframe


def test_the_projector_sees_groups_without_names(catalog, workshop, open_page):
    room_with_drafts(catalog, workshop)
    w = workshop["workshop"]
    at = open_page(ROOM, room=w.id, key=room_key(w.id))
    assert not at.toggle  # no names switch on the projector
    groups = at.dataframe[0].value
    assert list(groups["People"]) == [2, 1] and "Who" not in groups.columns
    shown = " ".join(m.value for m in at.markdown)
    assert "3 participants" in shown and "Humane housing" in shown and "Ana" not in shown


def test_the_facilitator_turns_names_on(catalog, workshop):
    room_with_drafts(catalog, workshop)
    at = AppTest.from_file(ROOM, default_timeout=60)
    at.session_state["grant"] = authenticate(workshop["workshop"].id, workshop["passcode"])
    at.run()
    assert "Who" not in at.dataframe[0].value.columns
    at.toggle(key="room_names").set_value(True).run()
    assert not at.exception
    assert sorted(at.dataframe[0].value["Who"]) == ["Ana", "Ben, Cleo"]


def test_a_participants_slider_move_becomes_their_draft(catalog, workshop, open_page):
    w = workshop["workshop"]
    _, token = join(w.id, "Dee", "School board", "education")
    at = open_page(ALLOCATE, w=w.id, me=token)
    at.session_state["allocation_board"] = {"instance": "test", "events": [[1, "amount", "humane_housing", 13.0]]}  # the board's message
    at.run()
    drafts.flush()
    with unit_of_work() as db:
        (saved,) = drafts_in(db, w.id).values()
    assert saved["humane_housing"] > w.status_quo_portfolio(catalog).allocations["humane_housing"] + 1e6
