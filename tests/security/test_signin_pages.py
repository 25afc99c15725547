"""Sign-in and identity on the pages (issue 15, findings 7, 8 and 13): no token in a shareable address, throttled
facilitator sign-in with its failures shown and locks lifted, workshops created by the data steward only, and engine
messages shown as plain text."""

from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from portfolio_engine.errors import NotAuthorized
from portfolio_engine.record.workshops import authenticate, join, list_workshops, participant_by_token
from portfolio_engine.security import access
from ui.text import plain

ALLOCATE, FACILITATE = "../../pages/allocate.py", "../../pages/facilitate.py"
STEWARD = "steward-passcode"


@pytest.fixture(autouse=True)
def steward(tmp_path, monkeypatch):
    """This installation's data steward passcode, in a private file."""
    monkeypatch.setenv("PORTFOLIO_STEWARD_FILE", str(tmp_path / "steward.hash"))
    access.set_steward(STEWARD)
    return STEWARD


@pytest.fixture
def clock(monkeypatch):
    """A clock that stands still unless the test moves it, so waits never depend on how fast the test runs."""
    now = [1_000_000.0]
    monkeypatch.setattr(access, "clock", lambda: now[0])
    return now


def settle(at: AppTest) -> AppTest:
    """Run the script once more; it must not raise."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sidebar_app() -> None:
    """The entrypoint's identity part alone (AppTest keeps the entrypoint's elements for one run only, see README)."""
    from ui import identity

    identity.sidebar()


def join_form(workshop: dict, name: str) -> AppTest:
    """The join form reached by the join link, filled with `name` and sent."""
    at = AppTest.from_function(sidebar_app, default_timeout=60)
    at.query_params["join"] = workshop["workshop"].join_code
    settle(at)
    at.text_input[1].input(name)
    next(b for b in at.button if b.label == "Join").click()
    return settle(at)


def test_the_sidebars_join_and_rejoin_forms_are_drawn_only_once_opened(workshop):
    """Issue 18: every visitor's every run drew both forms folded away in the sidebar; they are drawn when their section is
    opened (a join link still shows the join form on the page at once), and an opened form still joins."""
    at = settle(AppTest.from_function(sidebar_app, default_timeout=60))
    assert not at.text_input and [e.label for e in at.sidebar.expander] == ["Join a workshop", "I joined before"]
    at.session_state["rejoin_open"] = True  # as a click on "I joined before" does
    settle(at)
    assert [t.label for t in at.text_input] == ["Join code", "Your name, as you joined", "Your rejoin code"]
    at.session_state["join_open"] = True
    settle(at)
    at.text_input[0].input(workshop["workshop"].join_code)
    at.text_input[1].input("Dana")
    next(b for b in at.button if b.label == "Join").click()
    settle(at)
    assert at.session_state["identity"]["participant"]["name"] == "Dana"


def private_link(at: AppTest) -> str:
    (code,) = [c.value for c in at.code if "me=" in c.value]
    return code


def test_a_private_link_signs_in_and_its_token_leaves_the_address_at_once(workshop):
    person, token = join(workshop["workshop"].id, "Cleo", "Tenants union", "residents")
    at = AppTest.from_file(ALLOCATE, default_timeout=60)
    at.query_params.update({"w": workshop["workshop"].id, "me": token})
    settle(at)
    assert at.session_state["identity"]["participant"]["id"] == person["id"]
    assert "me" not in at.query_params and "w" not in at.query_params
    at.session_state["allocation_board"] = {"instance": "test", "events": [[1, "amount", "basic_needs", 16.0]]}  # a move on the board
    at.run()  # the address now holds the allocation to share
    assert at.query_params["basic_needs"] == "16000000"
    assert "me" not in at.query_params
    assert any(t.key == "saving" for t in at.toggle)  # still signed in: the save form is offered


def test_a_wrong_private_link_signs_no_one_in_and_leaves_the_address(workshop):
    at = AppTest.from_file(ALLOCATE, default_timeout=60)
    at.query_params.update({"w": workshop["workshop"].id, "me": "not-a-token"})
    settle(at)
    assert "identity" not in at.session_state
    assert "me" not in at.query_params
    assert not any(t.key == "saving" for t in at.toggle)


def test_joining_keeps_the_token_out_of_the_address_and_the_private_link_signs_in_again(workshop):
    at = join_form(workshop, "Cleo")
    assert "identity" in at.session_state and at.session_state["identity"]["participant"]["name"] == "Cleo"
    assert "me" not in at.query_params and "join" not in at.query_params
    link = private_link(at)
    assert any("never share it" in w.value for w in at.warning)
    params = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert participant_by_token(params["w"], params["me"])["name"] == "Cleo"
    again = AppTest.from_file(ALLOCATE, default_timeout=60)  # a new session: the bookmark opened later
    again.query_params.update(params)
    settle(again)
    assert again.session_state["identity"]["participant"]["name"] == "Cleo"
    assert "me" not in again.query_params


def test_anonymous_visitors_cannot_create_a_workshop_the_steward_can():
    at = settle(AppTest.from_file(FACILITATE, default_timeout=60))
    at.text_input[0].input("Anyone's workshop")
    at.text_input[2].input("long-enough-pass")
    at.text_input[3].input("long-enough-pass")
    next(b for b in at.button if b.label == "Create the workshop").click()
    settle(at)
    assert "only the data steward can create workshops" in at.error[0].value
    at.text_input(key="steward_passcode").input("a-wrong-guess")
    next(b for b in at.button if b.label == "Create the workshop").click()
    settle(at)
    assert at.error[0].value == plain("That passcode or code is not right.")
    assert list_workshops() == []
    at.text_input(key="steward_passcode").input(STEWARD)
    next(b for b in at.button if b.label == "Create the workshop").click()
    settle(at)
    (created,) = list_workshops()
    assert at.subheader[0].value == "Anyone's workshop"
    assert at.session_state["grant"] == access.Grant("facilitator", created.id)


def test_facilitator_sign_in_is_throttled_and_says_so_in_plain_text(workshop, clock):
    at = settle(AppTest.from_file(FACILITATE, default_timeout=60))
    for _ in range(access.POLICIES["facilitator"].free):
        at.text_input[0].input("wrong-passcode")
        next(b for b in at.button if b.label == "Sign in").click()
        settle(at)
        assert at.error[0].value == plain("That passcode or code is not right.")
    at.text_input[0].input(workshop["passcode"])
    next(b for b in at.button if b.label == "Sign in").click()
    settle(at)
    assert at.error[0].value == plain("Too many wrong attempts: please wait 1 second and try again.")
    assert "grant" not in at.session_state
    clock[0] += 2
    next(b for b in at.button if b.label == "Sign in").click()
    settle(at)
    assert at.subheader[0].value == workshop["workshop"].name


def test_facilitator_sees_failed_sign_ins_and_lifts_a_lock(workshop, clock):
    workshop_id = workshop["workshop"].id
    access.set_client("203.0.113.9")
    try:
        for _ in range(access.POLICIES["facilitator"].lockout):
            clock[0] += 1000
            with pytest.raises(NotAuthorized):
                authenticate(workshop_id, "a-guess-guess")
    finally:
        access.set_client(access.CLI_CLIENT)
    at = AppTest.from_file(FACILITATE, default_timeout=60)
    at.session_state["grant"] = authenticate(workshop_id, workshop["passcode"])
    settle(at)
    (attempts,) = [e for e in at.expander if e.label.startswith("Sign-in attempts")]
    assert attempts.label == "Sign-in attempts (1 device locked out)"
    assert "203.0.113.9" in at.dataframe[0].value["device"].tolist()
    at.selectbox(key="lift_device").set_value("203.0.113.9")
    at.button(key="lift_locks").click()
    settle(at)
    assert access.attempts(f"facilitator:{workshop_id}")[0] == []
    access.set_client("203.0.113.9")
    try:
        assert authenticate(workshop_id, workshop["passcode"]) == access.Grant("facilitator", workshop_id)
    finally:
        access.set_client(access.CLI_CLIENT)


def test_engine_messages_quoting_typed_text_show_as_plain_text(workshop):
    at = AppTest.from_file(ALLOCATE, default_timeout=60)
    at.query_params["acute_care"] = "![x](http://attacker.example/x.png)"
    settle(at)
    assert plain("![x](http://attacker.example/x.png)") in at.warning[0].value
    join(workshop["workshop"].id, "[Ana](http://attacker.example)", "", "")
    form = join_form(workshop, "[Ana](http://attacker.example)")
    assert plain("[Ana](http://attacker.example)") in form.error[0].value
