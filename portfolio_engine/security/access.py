"""Who may write, and throttled sign-in: facilitator passcodes, join codes and the instance's data steward.

Anonymous visitors read. Writes that change what everyone sees (importing community data, creating
workshops, setting up votes) need a `Grant`: a facilitator of that workshop, the instance's data
steward (a passcode whose scrypt hash is kept in a file named at install, `PORTFOLIO_STEWARD_FILE`),
or the operator at the command line (who holds the database file anyway).

A sign-in to a passcode (checked slowly, by scrypt) counts as a failure before it is checked, so parallel
guesses queue on the counter; a workshop's join code (a quick lookup, no one's identity) counts only once it has failed, so a room joining at once
from one Wi-Fi address is not refused while its own joins wait for a busy database. A success clears the count.
After a few failures a client waits, twice as long each time, and after `lockout` failures it is locked out until a
facilitator or the operator lifts the lock. The whole scope (say one workshop) also slows down when many clients fail, so spreading guesses
over addresses does not help. Messages never say whether a workshop or a file exists.
"""

import logging
import os
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from portfolio_engine import settings, storage
from portfolio_engine.errors import NotAuthorized, PortfolioError, StewardNotConfigured, TooManyAttempts
from portfolio_engine.security.keys import check_passcode, hash_passcode

LOG = logging.getLogger("commons_portfolio.signin")
CLI_CLIENT = "command line"
MIN_PASSCODE = 8


@dataclass(frozen=True)
class Policy:
    free: int  # failures allowed before any wait
    max_delay: float  # seconds
    lockout: int | None  # failures after which the client is locked out until lifted
    count_first: bool = True  # count the attempt as a failure before the check (slow checks), else only when it fails


# Per client of a scope; SCOPE_WIDE counts every client of the scope together (waits only, never locks everyone out).
POLICIES = {
    "facilitator": Policy(free=3, max_delay=300, lockout=10),
    "steward": Policy(free=3, max_delay=300, lockout=10),
    "vote": Policy(free=3, max_delay=300, lockout=10),
    "join": Policy(free=20, max_delay=30, lockout=None, count_first=False),  # a room behind one address makes typos too
    "rejoin": Policy(free=20, max_delay=30, lockout=None),  # a personal code: counted first like a passcode
}
SCOPE_WIDE = Policy(free=30, max_delay=60, lockout=None)
clock: Callable[[], float] = time.time  # replaced in tests
_client: ContextVar[str] = ContextVar("client", default=CLI_CLIENT)


def set_client(client: str) -> None:
    """Name the client (a browser's address) for the sign-ins of this thread's script run; the CLI keeps the default."""
    _client.set(client or CLI_CLIENT)


def current_client() -> str:
    return _client.get()


@dataclass(frozen=True)
class Grant:
    """What a signed-in person (or the operator) may do: `role` over `workshop_id` (None: the whole instance)."""

    role: str  # "facilitator", "steward" or "operator"
    workshop_id: str | None = None


OPERATOR = Grant("operator")


def require(grant: Grant | None, role: str, workshop_id: str | None = None) -> None:
    """Refuse a write without the role: the operator and the steward may do anything a facilitator may."""
    if grant is None:
        raise NotAuthorized("Sign in first: only a facilitator or the data steward can make this change.")
    if grant.role in ("operator", "steward"):
        return
    if role == "facilitator" and grant.role == "facilitator" and grant.workshop_id == workshop_id:
        return
    raise NotAuthorized("You are not signed in with the role this change needs (a facilitator of this workshop or the data steward).")


def _delay(policy: Policy, failures: int) -> float:
    over = failures - policy.free
    return 0.0 if over < 0 else min(2.0**over, policy.max_delay)


def _scope_kind(scope: str) -> str:
    return scope.split(":", 1)[0]


def attempt(scope: str, client: str, check: Callable[[], bool], path: Path | None = None) -> None:
    """Run `check` (the secret comparison) under the scope's throttle; NotAuthorized unless it passes."""
    policy = POLICIES[_scope_kind(scope)]
    with storage.writing(path) if policy.count_first else storage.reading(path) as db:
        mine, wait = _standing(db, policy, scope, client)
        if policy.count_first and not (mine["locked"] or wait > 0):  # parallel guesses queue here (refusals are not stored: no disk to fill)
            _count_failure(db, policy, scope, client, mine)
    if mine["locked"] or wait > 0:
        LOG.warning("sign-in refused on %s for %s", scope, client)
        if mine["locked"]:
            raise TooManyAttempts("Too many wrong attempts from this device: sign-in is locked. Ask the facilitator "
                                  "(or the administrator) to lift the lock.")
        seconds = max(1, round(wait))
        raise TooManyAttempts(f"Too many wrong attempts: please wait {seconds} second{'s' if seconds > 1 else ''} and try again.")
    ok = check()
    with storage.writing(path) as db:
        if ok:
            storage.clear_signin(db, scope, client)
        elif not policy.count_first:
            _count_failure(db, policy, scope, client, _standing(db, policy, scope, client)[0])  # read again inside the write
        storage.log_signin(db, scope, client, "success" if ok else "failure")
    if not ok:
        LOG.warning("failed sign-in on %s for %s", scope, client)
        raise NotAuthorized("That passcode or code is not right.")


def _standing(db: storage.Handle, policy: Policy, scope: str, client: str) -> tuple[dict, float]:
    """(this client's counter, seconds it must still wait) in a scope, the scope-wide wait included."""
    rows = {r["client"]: r for r in storage.signin_rows(db, scope)}
    mine = rows.get(client, {"failures": 0, "last_failure": 0.0, "locked": False})
    total = sum(r["failures"] for r in rows.values())
    latest = max((r["last_failure"] for r in rows.values()), default=0.0)
    return mine, max(mine["last_failure"] + _delay(policy, mine["failures"]), latest + _delay(SCOPE_WIDE, total)) - clock()


def _count_failure(db: storage.Handle, policy: Policy, scope: str, client: str, mine: dict) -> None:
    failures = mine["failures"] + 1
    storage.save_signin(db, scope, client, failures, clock(), bool(policy.lockout and failures >= policy.lockout))


def lift(grant: Grant, scope: str, client: str | None = None, path: Path | None = None) -> int:
    """Lift the waits and locks of one scope (a facilitator for their workshop, or the operator or steward)."""
    require(grant, "facilitator", scope.split(":", 1)[1] if ":" in scope else None)
    with storage.writing(path) as db:
        cleared = storage.clear_signin(db, scope, client)
        storage.log_signin(db, scope, client or "*", "lifted")
    return cleared


def attempts(scope: str, path: Path | None = None) -> tuple[list[dict], list[dict]]:
    """(counters per client, latest log lines) of a scope, for the facilitator's view."""
    with storage.reading(path) as db:
        return storage.signin_rows(db, scope), storage.signin_log(db, scope)


def steward_file() -> Path:
    """Where the data steward's passcode hash is kept: `PORTFOLIO_STEWARD_FILE`, else `steward.hash` beside the database."""
    return settings.steward_file()


def set_steward(passcode: str, replace: bool = False) -> Path:
    """Store the steward passcode's salted hash (owner-only file); refuses to replace one unless asked."""
    if len(passcode or "") < MIN_PASSCODE:
        raise PortfolioError(f"The data steward passcode needs at least {MIN_PASSCODE} characters.")
    path = steward_file()
    if path.exists() and not replace:
        raise PortfolioError(f"A data steward passcode is already set in {path}; use --replace to change it.")
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.draft")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(hash_passcode(passcode) + "\n")
    os.replace(draft, path)
    return path


def steward_configured() -> bool:
    return steward_file().is_file()


def sign_in_steward(passcode: str, path: Path | None = None) -> Grant:
    """The data steward's grant, after a throttled check of the passcode."""
    try:
        salt, _, digest = steward_file().read_text(encoding="utf-8").strip().partition("$")
        bytes.fromhex(salt + digest)
    except (OSError, ValueError):
        salt = digest = ""
    if not salt or not digest:
        raise StewardNotConfigured("No data steward is set up for this installation. The administrator sets one with "
                                   "'python -m portfolio_engine steward set --passcode-file FILE'.")
    attempt("steward", current_client(), lambda: check_passcode(passcode or "", f"{salt}${digest}"), path)
    return Grant("steward")
