from dataclasses import replace
from pathlib import Path

import pytest

from portfolio_engine.errors import NotAuthorized, PortfolioError
from portfolio_engine.record.proposals import save_proposal
from portfolio_engine.record.workshops import (
    ALLOWED,
    STATES,
    NotAllowed,
    authenticate,
    change_state,
    create_workshop,
    find_by_join_code,
    join,
    participant_by_token,
)
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.security.keys import ALPHABET
from tests.postgres import raw_connection


def test_passcode_is_stored_as_a_salted_scrypt_hash(workshop, private_database):
    row = raw_connection(private_database).execute("SELECT passcode_hash FROM workshops").fetchone()[0]
    salt, digest = row.split("$")
    assert len(salt) == 32 and len(digest) == 64 and "facilitator-pass" not in row
    authenticate(workshop["workshop"].id, "facilitator-pass")
    with pytest.raises(NotAuthorized, match="passcode or code is not right"):
        authenticate(workshop["workshop"].id, "facilitator-pasS")


def test_two_workshops_with_the_same_passcode_have_different_hashes(catalog, status_quo, private_database):
    from portfolio_engine import storage

    storage.migrate()
    create_workshop(catalog, "A", 1e6, "same-passcode", status_quo, grant=OPERATOR)
    create_workshop(catalog, "B", 1e6, "same-passcode", status_quo, grant=OPERATOR)
    hashes = [r[0] for r in raw_connection(private_database).execute("SELECT passcode_hash FROM workshops")]
    assert hashes[0] != hashes[1]


def test_join_code_is_short_unambiguous_and_finds_the_workshop(workshop):
    join_code = workshop["workshop"].join_code
    assert len(join_code) == 6 and set(join_code) <= set(ALPHABET)
    assert find_by_join_code(join_code.lower()).id == workshop["workshop"].id


def test_participant_identity_survives_by_token(workshop):
    person, token = join(workshop["workshop"].id, "Cleo", "Tenants union", "residents")
    assert participant_by_token(workshop["workshop"].id, token)["id"] == person["id"]
    assert participant_by_token(workshop["workshop"].id, token + "x") is None


def test_status_quo_is_scaled_to_the_workshop_budget(catalog, status_quo):
    from portfolio_engine import storage

    storage.migrate()
    created, _ = create_workshop(catalog, "Small town", 2e6, "long-passcode", status_quo, grant=OPERATOR)
    assert created.status_quo_portfolio(catalog).allocations["acute_care"] == pytest.approx(360_000)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"name": "", "passcode": "long-passcode"}, "The name is required"),
    ({"name": "x" * 121, "passcode": "long-passcode"}, "too long: 121 characters, at most 120"),
    ({"name": "W", "passcode": "short"}, "at least 8 characters"),
])
def test_bad_workshop_input_is_refused(catalog, status_quo, kwargs, message):
    from portfolio_engine import storage

    storage.migrate()
    with pytest.raises(PortfolioError, match=message):
        create_workshop(catalog, kwargs["name"], 1e6, kwargs["passcode"], status_quo, grant=OPERATOR)


def test_lifecycle_follows_the_table(workshop, catalog, status_quo):
    workshop_id, passcode = workshop["workshop"].id, workshop["passcode"]
    assert change_state(workshop_id, "deciding", passcode).state == "deciding"
    with pytest.raises(NotAllowed, match="Record the decision"):
        change_state(workshop_id, "decided", passcode)
    with pytest.raises(NotAllowed, match="The workshop is deciding: 'propose' is only possible while it is open or decided"):
        save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Late idea", "Because", status_quo.allocations)
    assert change_state(workshop_id, "open", passcode).state == "open"
    with pytest.raises(NotAuthorized, match="passcode or code is not right"):
        change_state(workshop_id, "deciding", "guess-guess")
    with pytest.raises(NotAllowed, match="cannot move to archived"):
        change_state(workshop_id, "archived", passcode)


def test_the_readme_documents_the_allowed_actions():
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    for action, states in ALLOWED.items():
        row = next(line for line in readme.splitlines() if line.startswith(f"| {action} |"))
        cells = [c.strip() for c in row.strip("|").split("|")][1:]
        assert cells == ["yes" if s in states else "no" for s in STATES], action


def test_names_are_unique_within_a_workshop_and_facilitators_cannot_join(workshop):
    with pytest.raises(PortfolioError, match="Someone named 'Ana' already joined"):
        join(workshop["workshop"].id, "Ana", "", "")
    with pytest.raises(NotAllowed, match="Facilitators are set up with the workshop's passcode"):
        join(workshop["workshop"].id, "Boss", "", "", "facilitator")


@pytest.mark.parametrize("budget", [float("nan"), float("inf"), 1e308, 0, -5])
def test_a_budget_must_be_a_finite_positive_number(catalog, status_quo, budget):
    with pytest.raises(PortfolioError, match="budget must be a number above 0"):
        create_workshop(catalog, "Bad budget", budget, "long-passcode", status_quo, grant=OPERATOR)


def test_a_zero_status_quo_is_refused_clearly(catalog, status_quo):
    zero = replace(status_quo, allocations={k: 0.0 for k in status_quo.allocations})
    with pytest.raises(PortfolioError, match="add up to 0"):
        create_workshop(catalog, "Zero status quo", 1e6, "long-passcode", zero, grant=OPERATOR)


def test_the_room_key_opens_only_its_own_workshops_room(workshop):
    from portfolio_engine.record.workshops import room_key, room_key_valid

    w = workshop["workshop"].id
    assert room_key_valid(w, room_key(w))
    assert not room_key_valid(w, room_key("w-other")) and not room_key_valid(w, "") and not room_key_valid(w, None)


def test_a_participant_rejoins_as_themselves_with_their_rejoin_code_never_by_name_alone(workshop):

    from portfolio_engine.record.audit import verify
    from portfolio_engine.record.workshops import participant_by_token, participants, rejoin, rejoin_code
    from portfolio_engine.services.unit_of_work import unit_of_work

    w, ana = workshop["workshop"], workshop["ana"]
    with pytest.raises(PortfolioError, match="If that is you, choose 'I joined before'"):
        join(w.id, "Ana", "", "")
    with pytest.raises(NotAuthorized, match="name and rejoin code do not match"):
        rejoin(w.join_code, "Ana", rejoin_code(workshop["ben"]["id"]))
    with pytest.raises(NotAuthorized):
        rejoin(w.join_code, "Ana", "")
    _, person, token = rejoin(w.join_code.lower(), "Ana", rejoin_code(ana["id"]).lower())
    assert person["id"] == ana["id"] and participant_by_token(w.id, token)["id"] == ana["id"]
    assert [p["name"] for p in participants(w.id)] == ["Facilitator", "Ana", "Ben"]  # no "Ana (2)"
    with unit_of_work() as db:
        assert verify(db, w.id).ok


def test_a_facilitators_kept_sign_in_ends_with_time_or_a_changed_record(workshop, monkeypatch):
    from portfolio_engine.record.workshops import SESSION_HOURS, authenticate, facilitator_session, session_grant
    from portfolio_engine.security import access

    w = workshop["workshop"].id
    kept = facilitator_session(authenticate(w, workshop["passcode"]))
    assert session_grant(kept) == access.Grant("facilitator", w)
    altered = kept[:-1] + ("1" if kept.endswith("0") else "0")
    assert session_grant(kept.replace(w, "w-other")) is None and session_grant(altered) is None and session_grant("") is None
    with pytest.raises(NotAuthorized):
        facilitator_session(access.Grant("facilitator", None))
    now = access.clock()
    monkeypatch.setattr(access, "clock", lambda: now + SESSION_HOURS * 3600 + 5)
    assert session_grant(kept) is None


def test_facilitator_actions_take_the_sessions_grant_instead_of_a_second_passcode(workshop):
    from portfolio_engine.record.workshops import authenticate, change_state
    from portfolio_engine.security import access

    w = workshop["workshop"].id
    with pytest.raises(NotAuthorized):
        change_state(w, "deciding", grant=access.Grant("facilitator", "w-other"))
    assert change_state(w, "deciding", grant=authenticate(w, workshop["passcode"])).state == "deciding"
