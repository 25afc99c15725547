"""Roles for writes and throttled sign-in (access.py)."""

import contextlib
import threading

import pytest

from portfolio_engine import storage
from portfolio_engine.errors import NotAuthorized, NotFound, PortfolioError, StewardNotConfigured, TooManyAttempts
from portfolio_engine.record.workshops import authenticate, create_workshop, find_by_join_code
from portfolio_engine.security import access
from portfolio_engine.security.access import OPERATOR, Grant


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves by hand."""
    now = [1_000_000.0]
    monkeypatch.setattr(access, "clock", lambda: now[0])
    return now


@pytest.fixture(autouse=True)
def steward_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTFOLIO_STEWARD_FILE", str(tmp_path / "steward.hash"))


def test_anonymous_visitors_cannot_create_workshops(catalog, status_quo):
    storage.migrate()
    with pytest.raises(NotAuthorized, match="Sign in first"):
        create_workshop(catalog, "Anyone's workshop", 1e6, "long-passcode", status_quo)
    with pytest.raises(NotAuthorized):
        create_workshop(catalog, "A facilitator's second workshop", 1e6, "long-passcode", status_quo, grant=Grant("facilitator", "w-1"))
    created, _ = create_workshop(catalog, "Steward's workshop", 1e6, "long-passcode", status_quo, grant=Grant("steward"))
    assert created.name == "Steward's workshop"


def test_facilitator_grant_covers_only_its_workshop():
    access.require(Grant("facilitator", "w-1"), "facilitator", "w-1")
    with pytest.raises(NotAuthorized):
        access.require(Grant("facilitator", "w-1"), "facilitator", "w-2")
    with pytest.raises(NotAuthorized):
        access.require(Grant("facilitator", "w-1"), "steward")
    access.require(OPERATOR, "steward")


def test_wrong_passcodes_wait_twice_as_long_then_lock_out(workshop, clock):
    w = workshop["workshop"]
    for _ in range(access.POLICIES["facilitator"].free):
        with pytest.raises(NotAuthorized, match="not right"):
            authenticate(w.id, "wrong-guess")
    with pytest.raises(TooManyAttempts, match="wait 1 second and"):
        authenticate(w.id, workshop["passcode"])  # refused without checking, even the right passcode
    clock[0] += 1
    with pytest.raises(NotAuthorized, match="not right"):
        authenticate(w.id, "wrong-guess")
    with pytest.raises(TooManyAttempts, match="wait 2 seconds"):
        authenticate(w.id, "wrong-guess")
    clock[0] += 2
    with pytest.raises(NotAuthorized, match="not right"):
        authenticate(w.id, "wrong-guess")
    with pytest.raises(TooManyAttempts, match="wait 4 seconds"):
        authenticate(w.id, "wrong-guess")
    for _ in range(access.POLICIES["facilitator"].lockout - 5):
        clock[0] += 400
        with pytest.raises(NotAuthorized, match="not right"):
            authenticate(w.id, "wrong-guess")
    clock[0] += 10_000
    with pytest.raises(TooManyAttempts, match="locked"):
        authenticate(w.id, workshop["passcode"])
    counters, log = access.attempts(f"facilitator:{w.id}")
    assert counters[0]["locked"] and counters[0]["failures"] == access.POLICIES["facilitator"].lockout
    assert [entry["outcome"] for entry in log][:2] == ["failure", "failure"]
    assert access.lift(Grant("facilitator", w.id), f"facilitator:{w.id}") == 1
    assert authenticate(w.id, workshop["passcode"]) == Grant("facilitator", w.id)


def test_a_success_clears_the_count(workshop, clock):
    w = workshop["workshop"]
    for _ in range(3):
        with pytest.raises(NotAuthorized):
            authenticate(w.id, "wrong-guess")
    clock[0] += 1
    authenticate(w.id, workshop["passcode"])
    for _ in range(3):
        with pytest.raises(NotAuthorized, match="not right"):
            authenticate(w.id, "wrong-guess")


def test_unknown_workshop_answers_like_a_wrong_passcode(workshop):
    with pytest.raises(NotAuthorized) as unknown:
        authenticate("w-doesnotexist", "whatever-passcode")
    with pytest.raises(NotAuthorized) as wrong:
        authenticate(workshop["workshop"].id, "whatever-passcode")
    assert str(unknown.value) == str(wrong.value)


def test_many_clients_slow_the_whole_workshop_down(workshop, clock):
    w = workshop["workshop"]
    for n in range(access.SCOPE_WIDE.free):
        access.set_client(f"10.0.0.{n}")
        with pytest.raises(NotAuthorized, match="not right"):
            authenticate(w.id, "wrong-guess")
    access.set_client("10.0.1.1")
    with pytest.raises(TooManyAttempts):
        authenticate(w.id, "wrong-guess")
    access.set_client(access.CLI_CLIENT)


def test_join_codes_are_throttled_per_client(workshop, clock):
    for _ in range(access.POLICIES["join"].free):
        with pytest.raises(NotFound, match="join code"):
            find_by_join_code("ZZZZZZ")
    with pytest.raises(TooManyAttempts):
        find_by_join_code(workshop["workshop"].join_code)
    clock[0] += 60
    assert find_by_join_code(workshop["workshop"].join_code).id == workshop["workshop"].id


def test_steward_sign_in(tmp_path, clock):
    storage.migrate()
    with pytest.raises(StewardNotConfigured, match="steward set"):
        access.sign_in_steward("anything-at-all")
    access.set_steward("steward-passcode")
    with pytest.raises(access.PortfolioError, match="already set"):
        access.set_steward("another-passcode")
    with pytest.raises(NotAuthorized, match="not right"):
        access.sign_in_steward("wrong-passcode")
    assert access.sign_in_steward("steward-passcode") == Grant("steward")
    assert "steward-passcode" not in access.steward_file().read_text()
    access.steward_file().write_text("")
    with pytest.raises(StewardNotConfigured):
        access.sign_in_steward("steward-passcode")


def test_the_command_line_sets_the_steward_and_lifts_locks(workshop, clock, tmp_path, capsys):
    from portfolio_engine.cli.main import main

    (tmp_path / "pass.txt").write_text("steward-passcode\n")
    assert main(["steward", "set", "--passcode-file", str(tmp_path / "pass.txt")]) == 0
    assert main(["steward", "set", "--passcode-file", str(tmp_path / "pass.txt")]) == 2  # never replaced by accident
    assert "already set" in capsys.readouterr().err
    assert access.sign_in_steward("steward-passcode") == Grant("steward")
    w = workshop["workshop"]
    for _ in range(access.POLICIES["facilitator"].lockout):
        clock[0] += 1_000
        with pytest.raises(NotAuthorized):
            authenticate(w.id, "wrong-guess")
    assert main(["signin", "list", "--workshop", w.id]) == 0
    assert '"locked": true' in capsys.readouterr().out
    assert main(["signin", "unlock", "--workshop", w.id]) == 0
    assert authenticate(w.id, workshop["passcode"]) == Grant("facilitator", w.id)



def test_a_room_joining_at_once_from_one_address_is_not_refused(workshop, monkeypatch):
    """More correct joins in flight than the join policy's free failures, all from one address (one Wi-Fi), each waiting on its
    lookup (a busy database): none is refused. Counted as failures before the check, the 21st and later were refused."""
    joins = access.POLICIES["join"].free + 5
    in_flight, release = threading.Barrier(joins), threading.Event()
    real_reading = storage.reading

    @contextlib.contextmanager
    def slow_reading(path=None):  # each join's lookup waits until every join is in flight (or 10 s)
        with real_reading(path) as db:
            if threading.current_thread() is not threading.main_thread():
                with contextlib.suppress(threading.BrokenBarrierError):
                    in_flight.wait(timeout=10)
                release.wait(timeout=10)
            yield db

    monkeypatch.setattr(storage, "reading", slow_reading)
    outcomes: list[str] = []

    def join():
        try:
            outcomes.append(find_by_join_code(workshop["workshop"].join_code).id)
        except PortfolioError as error:
            outcomes.append(str(error))

    threads = [threading.Thread(target=join) for _ in range(joins)]
    for thread in threads:
        thread.start()
    threading.Timer(3, release.set).start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == [workshop["workshop"].id] * joins
