"""Workshops: creation with a facilitator passcode, joining by code, roles, and the lifecycle.

The lifecycle is open -> deciding -> decided -> archived (deciding may reopen). What each state
allows is the table ALLOWED, enforced here for every surface (pages and command line alike).
"""

import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portfolio_engine import limits, storage
from portfolio_engine.errors import NotAllowed, NotAuthorized, NotFound, PortfolioError, TooManyAttempts
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.portfolio import Portfolio, portfolio_from_dict, require_positive_total
from portfolio_engine.record import audit
from portfolio_engine.security import access
from portfolio_engine.security.access import Grant
from portfolio_engine.security.keys import ALPHABET, check_passcode, code, hash_passcode, keyed_hash, new_id, token

STATES = ("open", "deciding", "decided", "archived")
ROLES = ("facilitator", "stakeholder", "observer")
ALLOWED = {
    "join": {"open", "deciding"},
    "propose": {"open", "decided"},  # in decided: only a new version of a proposal, with a reason
    "stance": {"open", "deciding"},
    "decide": {"deciding", "decided"},  # in decided: a revised decision, with a reason
    "export": set(STATES),
}
TRANSITIONS = {"open": {"deciding"}, "deciding": {"open"}, "decided": {"archived"}, "archived": set()}
LIMITS = {"name": 120, "organization": 200, "sector": 80, "title": 200, "rationale": 5000, "reason": 2000, "note": 1000}
MIN_PASSCODE = access.MIN_PASSCODE
ROOM_KEY_LENGTH = 20  # hex characters of the room view's key
REJOIN_LENGTH = 8  # characters of a personal rejoin code (about 40 bits, and rejoining is throttled)
SESSION_HOURS = 12  # a facilitator's sign-in lasts a workshop day in one browser


def text(value: object, field: str, required: bool = True) -> str:
    """Typed text, trimmed and length-checked with a clear message."""
    result = "" if value is None else str(value).strip()
    if required and not result:
        raise PortfolioError(f"The {field} is required.")
    limit = LIMITS.get(field, 1000)
    if len(result) > limit:
        raise PortfolioError(f"The {field} is too long: {len(result)} characters, at most {limit}.")
    return result


@dataclass(frozen=True)
class Workshop:
    id: str
    name: str
    budget: float
    currency: str
    status_quo: dict
    constraints: dict | None
    join_code: str
    state: str
    deviation_threshold: float
    created_at: str

    def status_quo_portfolio(self, catalog: Catalog) -> Portfolio:
        return portfolio_from_dict(catalog, self.status_quo, "workshop status quo")


def _workshop(row: dict) -> Workshop:
    return Workshop(row["id"], row["name"], row["budget"], row["currency"], json.loads(row["status_quo"]),
                    json.loads(row["constraints"]) if row["constraints"] else None, row["join_code"], row["state"],
                    row["deviation_threshold"], row["created_at"])


def create_workshop(catalog: Catalog, name: str, budget: float, passcode: str, status_quo: Portfolio, currency: str = "USD",
                    constraints: dict | None = None, deviation_threshold: float = 0.01, path: Path | None = None, *,
                    grant: Grant | None = None) -> tuple[Workshop, str]:
    """A new open workshop and its facilitator's session token (the data steward or the operator only).

    The status quo is scaled to the budget."""
    access.require(grant, "steward")
    name = text(name, "name")
    if len(passcode or "") < MIN_PASSCODE:
        raise PortfolioError(f"The facilitator passcode needs at least {MIN_PASSCODE} characters.")
    if not (isinstance(budget, int | float) and 0 < budget <= limits.MAX_AMOUNT):  # NaN fails every comparison
        raise PortfolioError(f"The budget must be a number above 0 and at most {limits.MAX_AMOUNT:,.0f}.")
    if not 0 <= deviation_threshold <= 1:
        raise PortfolioError("The deviation threshold is a share of the budget between 0 and 1 (0.01 = 1%).")
    factor = budget / require_positive_total(status_quo).total
    sq = {"budget": budget, "currency": currency, "allocations": {k: v * factor for k, v in status_quo.allocations.items()}}
    with storage.writing(path) as db:
        join_code = code(6)
        while storage.select_one(db, "workshops", join_code=join_code):
            join_code = code(6)
        row: dict[str, Any] = {"id": new_id("w"), "name": name, "budget": float(budget), "currency": currency, "status_quo": audit.canonical(sq),
               "constraints": audit.canonical(constraints) if constraints else None, "passcode_hash": hash_passcode(passcode),
               "join_code": join_code, "state": "open", "deviation_threshold": float(deviation_threshold), "created_at": audit.now()}
        storage.insert(db, "workshops", row)
        audit.append(db, row["id"], "facilitator", "workshop.create", "workshop", row["id"], None, row)
        facilitator_token = _add_participant(db, row["id"], "Facilitator", "", "facilitation", "facilitator")[1]
    return _workshop(row), facilitator_token


def get_workshop(workshop_id: str, path: Path | None = None) -> Workshop:
    with storage.reading(path) as db:
        return workshop_in(db, workshop_id)


def find_by_join_code(join_code: str, path: Path | None = None) -> Workshop:
    """The workshop a join code opens; attempts are throttled per client (see access.py)."""
    found: list[dict] = []

    def check() -> bool:
        with storage.reading(path) as db:
            row = storage.select_one(db, "workshops", join_code=str(join_code).strip().upper())
        found.extend([row] if row else [])
        return row is not None

    try:
        access.attempt("join", access.current_client(), check, path)
    except TooManyAttempts:
        raise
    except NotAuthorized:
        raise NotFound("No workshop has that join code. Check the code on the screen and try again.") from None
    return _workshop(found[0])


def list_workshops(path: Path | None = None) -> list[Workshop]:
    with storage.reading(path) as db:
        return [_workshop(r) for r in storage.select(db, "workshops")]


def require(workshop: Workshop, action: str) -> None:
    """Refuse an action the workshop's state does not allow, saying which states do."""
    if workshop.state not in ALLOWED[action]:
        allowed = " or ".join(s for s in STATES if s in ALLOWED[action])
        raise NotAllowed(f"The workshop is {workshop.state}: '{action}' is only possible while it is {allowed}.")


def authenticate(workshop_id: str, passcode: str, path: Path | None = None) -> Grant:
    """The facilitator's grant after a throttled check of the passcode (salted scrypt, constant-time comparison).

    An unknown workshop gets the same answer as a wrong passcode."""

    def check() -> bool:
        with storage.reading(path) as db:
            row = storage.select_one(db, "workshops", id=str(workshop_id))
        return row is not None and check_passcode(passcode or "", row["passcode_hash"])

    access.attempt(f"facilitator:{workshop_id}", access.current_client(), check, path)
    return Grant("facilitator", str(workshop_id))


def _add_participant(db, workshop_id: str, name: str, organization: str, sector: str, role: str) -> tuple[dict, str]:
    if role not in ROLES:
        raise PortfolioError(f"Unknown role '{role}'. Roles: {', '.join(ROLES)}.")
    session_token = token()
    row = {"id": new_id("u"), "workshop_id": workshop_id, "name": text(name, "name"),
           "organization": text(organization, "organization", required=False), "sector": text(sector, "sector", required=False),
           "role": role, "token_hash": keyed_hash(session_token), "created_at": audit.now()}
    storage.insert(db, "participants", row)
    audit.append(db, workshop_id, row["name"], "participant.join", "participant", row["id"], None, row)
    return row, session_token


def join(workshop_id: str, name: str, organization: str, sector: str, role: str = "stakeholder",
         path: Path | None = None) -> tuple[dict, str]:
    """Register a participant; returns the participant and the session token that identifies them later."""
    if role == "facilitator":
        raise NotAllowed("Facilitators are set up with the workshop's passcode, not by joining.")
    with storage.writing(path) as db:
        workshop = workshop_in(db, workshop_id)
        require(workshop, "join")
        if storage.select_one(db, "participants", workshop_id=workshop_id, name=text(name, "name")):
            raise PortfolioError(f"Someone named '{name}' already joined this workshop. If that is you, choose 'I joined before' and "
                                 "type your personal rejoin code; otherwise add a surname or an initial.")
        return _add_participant(db, workshop_id, name, organization, sector, role)


def rejoin_code(participant_id: str) -> str:
    """A participant's personal rejoin code, shown when they join: derived from the installation key, never stored or exported."""
    digest = bytes.fromhex(keyed_hash(f"rejoin:{participant_id}"))
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:REJOIN_LENGTH])


def rejoin(join_code: str, name: str, personal_code: str, path: Path | None = None) -> tuple[Workshop, dict, str]:
    """Sign a participant in again under their own name with the join code and their rejoin code (never by name alone).

    Attempts are throttled per device like joining; the old private link stops working (a new session token replaces it)."""
    workshop = find_by_join_code(join_code, path)
    require(workshop, "join")
    typed = "".join(ch for ch in str(personal_code or "").upper() if ch.isalnum())
    found: list[dict] = []

    def check() -> bool:
        with storage.reading(path) as db:
            person = storage.select_one(db, "participants", workshop_id=workshop.id, name=text(name, "name"))
        expected = rejoin_code(person["id"]) if person and person["role"] != "facilitator" else "-"
        found.extend([person] if person else [])
        return hmac.compare_digest(expected, typed)

    try:
        access.attempt(f"rejoin:{workshop.id}", access.current_client(), check, path)
    except TooManyAttempts:
        raise
    except NotAuthorized:
        raise NotAuthorized("That name and rejoin code do not match. Check the code you were given when you joined.") from None
    session_token = token()
    with storage.writing(path) as db:
        before = storage.select_one(db, "participants", id=found[0]["id"])
        storage.update(db, "participants", found[0]["id"], {"token_hash": keyed_hash(session_token)})
        after = storage.select_one(db, "participants", id=found[0]["id"])
        assert after is not None  # updated just above
        audit.append(db, workshop.id, after["name"], "participant.rejoin", "participant", after["id"], before, after)
    return workshop, after, session_token


def facilitator_session(grant: Grant, path: Path | None = None) -> str:
    """A facilitator's sign-in as a signed value a browser keeps for SESSION_HOURS (a reload stays signed in); a new
    passcode ends it. Carries no passcode: the workshop, when it ends, and a keyed digest."""
    if grant is None or grant.role != "facilitator" or not grant.workshop_id:
        raise NotAuthorized("Only a facilitator signed in to a workshop keeps a sign-in in the browser.")
    ends = int(access.clock()) + SESSION_HOURS * 3600
    return f"{grant.workshop_id}.{ends}.{_session_digest(str(grant.workshop_id), ends, path)}"


def session_grant(value: str, path: Path | None = None) -> Grant | None:
    """The facilitator's grant a kept sign-in (facilitator_session) still gives, or None (expired, altered, passcode changed)."""
    workshop_id, _, rest = str(value or "").partition(".")
    ends, _, digest = rest.partition(".")
    if not ends.isdigit() or int(ends) < access.clock():
        return None
    try:
        expected = _session_digest(workshop_id, int(ends), path)
    except NotFound:
        return None
    return Grant("facilitator", workshop_id) if hmac.compare_digest(expected, digest) else None


def _session_digest(workshop_id: str, ends: int, path: Path | None) -> str:
    with storage.reading(path) as db:
        row = storage.select_one(db, "workshops", id=workshop_id)
    if row is None:
        raise NotFound("No such workshop.")
    return keyed_hash(f"facilitator session:{workshop_id}:{ends}:{row['passcode_hash']}")[:40]


def workshop_in(db, workshop_id: str) -> Workshop:
    """The workshop as read through the caller's handle (its transaction or snapshot); NotFound if there is none."""
    row = storage.select_one(db, "workshops", id=workshop_id)
    if row is None:
        raise NotFound(f"No workshop with id '{workshop_id}'.")
    return _workshop(row)


def participant_by_token(workshop_id: str, session_token: str, path: Path | None = None) -> dict | None:
    if not session_token:
        return None
    with storage.reading(path) as db:
        return storage.select_one(db, "participants", workshop_id=workshop_id, token_hash=keyed_hash(session_token))


def participant_by_name(workshop_id: str, name: str, path: Path | None = None) -> dict | None:
    with storage.reading(path) as db:
        return storage.select_one(db, "participants", workshop_id=workshop_id, name=str(name).strip())


def participants(workshop_id: str, path: Path | None = None) -> list[dict]:
    with storage.reading(path) as db:
        return storage.select(db, "participants", workshop_id=workshop_id)


def room_key(workshop_id: str) -> str:
    """The key of the workshop's read-only room view (the projector's link): derived from the installation key, never stored."""
    return keyed_hash(f"room view:{workshop_id}")[:ROOM_KEY_LENGTH]


def room_key_valid(workshop_id: str, key: str) -> bool:
    """Whether a projector link's key opens this workshop's room view (constant-time; 80 bits, so no throttling is needed)."""
    return hmac.compare_digest(room_key(str(workshop_id)), str(key or ""))


def authorize(workshop_id: str, passcode: str | None, grant: Grant | None, path: Path | None = None) -> None:
    """A facilitator action goes ahead with the grant the session signed in with, or else with the passcode (checked, throttled)."""
    if grant is not None:
        access.require(grant, "facilitator", workshop_id)
    else:
        authenticate(workshop_id, passcode or "", path)


def change_state(workshop_id: str, target: str, passcode: str | None = None, path: Path | None = None, *, grant: Grant | None = None) -> Workshop:
    """Move along the lifecycle (facilitator only: the session's grant or the passcode). 'decided' is reached by recording a decision."""
    authorize(workshop_id, passcode, grant, path)
    if target not in STATES:
        raise PortfolioError(f"Unknown state '{target}'. States: {', '.join(STATES)}.")
    with storage.writing(path) as db:
        before = storage.select_one(db, "workshops", id=workshop_id)
        assert before is not None  # authenticate() found it
        current = before["state"]
        if target == "decided" and current == "deciding":
            raise NotAllowed("Record the decision (with its rationale) to move the workshop to decided.")
        if target not in TRANSITIONS[current]:
            raise NotAllowed(f"A workshop that is {current} cannot move to {target}; next: {', '.join(sorted(TRANSITIONS[current])) or 'nothing'}.")
        storage.update(db, "workshops", workshop_id, {"state": target})
        after = storage.select_one(db, "workshops", id=workshop_id)
        assert after is not None  # updated just above
        audit.append(db, workshop_id, "facilitator", f"workshop.{target}", "workshop", workshop_id, before, after)
    return _workshop(after)
