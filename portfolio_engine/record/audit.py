"""The audit trail: every write appended with who, when, what, before and after, chained by keyed hashes.

Each entry's hash is HMAC(key, previous hash + the entry's canonical JSON), with the key kept outside
the database (keys.py). Entries belong to a chain: a workshop's, or a vote's. `ENTITIES` says which
table each audited entity lives in and which column names its chain, so `verify` works for any chain:
it recomputes the chain, checks that each entry's `before` is the previous audited state of its row
(so an edit made behind the application's back is caught even after a later write), and that every
stored row of the chain is what its latest entry says.

An entry covers the columns it records: the keys of its `after` (and `before`) are the row's columns
when it was written. A stored row matches an entry when every covered column holds the recorded value
and every other column (one a later migration added) still holds its default. So adding a column keeps
every chain valid, while a value written into the new column behind the application's back is caught;
the next write of the row records the new column too, and its `before` is the previous entry's state.

Secret fields (passcode, token and code hashes) never enter an entry: a keyed digest stands in their
place, so an export of the log carries no credential and the chain still verifies the stored value.
"""

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, overload

from portfolio_engine import storage
from portfolio_engine.errors import PortfolioError, RecordMismatch
from portfolio_engine.security.keys import keyed_hash, secret_key

GENESIS = "0" * 64
SECRET_FIELDS = ("passcode_hash", "token_hash", "code_hash", "why")  # "why": a voter's free text, purged after the vote
DIGEST = "hmac:"


@dataclass(frozen=True)
class Entity:
    """Where an audited entity is stored: its table, the column that identifies a row, and the column naming its chain."""

    table: str
    id_column: str
    chain_column: str


ENTITIES: dict[str, Entity] = {
    "workshop": Entity("workshops", "id", "id"),
    "participant": Entity("participants", "id", "workshop_id"),
    "proposal": Entity("proposals", "id", "workshop_id"),
    "stance": Entity("stances", "id", "workshop_id"),
    "decision": Entity("decisions", "id", "workshop_id"),
    "funder": Entity("funders", "id", "workshop_id"),
    "shared_end": Entity("shared_ends", "id", "workshop_id"),
    "menu": Entity("menus", "id", "workshop_id"),
    "commitment": Entity("commitments", "id", "workshop_id"),
    "vote": Entity("votes", "id", "id"),
    "ballot": Entity("ballots", "id", "vote_id"),
    "voter_code": Entity("voter_codes", "code_hash", "vote_id"),
}
VOTE_ENTITIES = ("vote", "ballot", "voter_code")


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)  # built once: json.dumps builds one per call


def canonical(value: object) -> str:
    return _CANONICAL.encode(value)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def secret_digest(value: str) -> str:
    """The keyed digest that stands for a secret field's value in the log."""
    return _digest_under(secret_key(), value)


@lru_cache(maxsize=1024)
def _digest_under(key: bytes, value: str) -> str:
    """secret_digest, kept per key and value: a vote's ballots mostly share one 'why' (blank), digested once per check, not per ballot."""
    return DIGEST + hmac.new(key, ("secret-field:" + value).encode(), hashlib.sha256).hexdigest()


@overload
def audited(row: dict) -> dict: ...
@overload
def audited(row: None) -> None: ...
def audited(row: dict | None) -> dict | None:
    """A stored row as the log records it: every secret field replaced by its keyed digest."""
    if row is None:
        return None
    return {k: (secret_digest(v) if k in SECRET_FIELDS and v is not None else v) for k, v in row.items()}


def recorded(text: str | None) -> str | None:
    """An entry's before or after, canonical, with any secret written by older versions in the clear turned into its digest."""
    if text is None:
        return None
    row = json.loads(text)
    if not isinstance(row, dict):
        return text
    return canonical({k: (secret_digest(v) if k in SECRET_FIELDS and isinstance(v, str) and not v.startswith(DIGEST) else v)
                      for k, v in row.items()})


def _state(row: dict | None) -> str | None:
    return canonical(audited(row)) if row is not None else None


def audited_id(entity: str, entity_id: str) -> str:
    """The id an entry names: the row's id, or its digest when the id itself is a secret (a voter code's hash)."""
    return secret_digest(entity_id) if ENTITIES[entity].id_column in SECRET_FIELDS else entity_id


def _entry_hash(entry: dict, keyed: Callable[[str], str] = keyed_hash) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return keyed(entry["prev_hash"] + canonical(body))


def _prepared_keyed_hash() -> Callable[[str], str]:
    """keyed_hash with the key read and prepared once: checking a chain hashes each of its entries under the same key."""
    prepared = hmac.new(secret_key(), digestmod=hashlib.sha256)

    def keyed(text: str) -> str:
        mac = prepared.copy()
        mac.update(text.encode())
        return mac.hexdigest()

    return keyed


def _mismatch(entity: str, entity_id: str, chain_id: str) -> RecordMismatch:
    shown = "" if ENTITIES[entity].id_column in SECRET_FIELDS else f" {entity_id}"
    check = f"vote audit --vote {chain_id}" if entity in VOTE_ENTITIES else f"audit verify --workshop {chain_id}"
    return RecordMismatch(f"The stored {entity.replace('_', ' ')}{shown} differs from its audited record; nothing was saved. "
                          f"Run 'python -m portfolio_engine {check}' and restore the record from a backup.")


def last_state(db: storage.Handle, chain_id: str, entity: str, entity_id: str) -> tuple[bool, str | None]:
    """(whether the row was ever audited, its latest audited state as canonical JSON)."""
    entry = storage.last_audit_of(db, chain_id, entity, audited_id(entity, entity_id))
    return (entry is not None, recorded(entry["after"]) if entry else None)


def _differs(db: storage.Handle, entity: str, state: str | None, row: dict | None) -> bool:
    """Whether a stored row is not the audited `state`: a covered column changed or is gone, or a column the entry does not
    cover (added by a later migration) no longer holds its default."""
    current = _state(row)
    if state is None or row is None or current == state:
        return current != state
    covered, stored = json.loads(state), audited(row)
    if not isinstance(covered, dict) or not covered.keys() <= stored.keys() or canonical({k: stored[k] for k in covered}) != state:
        return True
    defaults = storage.column_defaults(db, ENTITIES[entity].table)
    return any(k in defaults and stored[k] != defaults[k] for k in stored.keys() - covered.keys())


def require_intact(db: storage.Handle, chain_id: str, entity: str, entity_id: str, row: dict | None) -> None:
    """Refuse to build on a row (say the proposal a stance is about) whose stored state is not its audited state."""
    if _differs(db, entity, last_state(db, chain_id, entity, entity_id)[1], row):
        raise _mismatch(entity, entity_id, chain_id)


def append(db: storage.Handle, workshop_id: str, actor: str, action: str, entity: str, entity_id: str,
           before: dict | None, after: dict | None) -> str:
    """Add one entry to the chain `workshop_id` (a workshop's or a vote's id) inside the caller's write transaction.

    `before` must be the row's latest audited state (None for a create): otherwise the row was changed
    behind the application's back, and RecordMismatch refuses the write. The entry's `before` is that audited
    state (the columns it covered); its `after` covers every column of `after`. Returns the new chain head."""
    if entity not in ENTITIES:
        raise ValueError(f"unknown audited entity {entity}")
    previous = last_state(db, workshop_id, entity, entity_id)[1] if before is not None else None
    if before is not None and _differs(db, entity, previous, before):
        raise _mismatch(entity, entity_id, workshop_id)
    last = storage.last_audit(db, workshop_id)
    entry: dict[str, Any] = {
        "workshop_id": workshop_id, "seq": (last["seq"] + 1) if last else 1, "actor": actor, "action": action,
        "entity": entity, "entity_id": audited_id(entity, entity_id), "before": previous, "after": _state(after),
        "created_at": now(), "prev_hash": last["hash"] if last else GENESIS,
    }
    entry["hash"] = _entry_hash(entry)
    storage.insert(db, "audit_log", entry)
    return entry["hash"]


def chain_head(db: storage.Handle, workshop_id: str) -> str:
    last = storage.last_audit(db, workshop_id)
    return last["hash"] if last else GENESIS


def head_label(db: storage.Handle, chain_id: str) -> str:
    """Where the chain ends, as 'entries:hash': write it down, and `verify --head` finds newest entries removed later."""
    last = storage.last_audit(db, chain_id)
    return f"{last['seq']}:{last['hash']}" if last else f"0:{GENESIS}"


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    head: str
    problem: str | None = None

    @property
    def label(self) -> str:
        return f"{self.entries}:{self.head}"


def _chain_problem(entries: list[dict]) -> tuple[str | None, dict[tuple[str, str], dict]]:
    """The first broken link or forgiven edit of the chain, and each row's latest entry."""
    previous = GENESIS
    latest: dict[tuple[str, str], dict] = {}
    keyed = _prepared_keyed_hash()
    for expected_seq, entry in enumerate(entries, start=1):
        where = f"Audit entry {entry['seq']} ({entry['action']} {entry['entity_id']})"
        if entry["seq"] != expected_seq:
            return f"Audit entry {expected_seq} is missing (the next is {entry['seq']}).", latest
        if entry["prev_hash"] != previous:
            return f"{where}: does not follow the entry before it.", latest
        if _entry_hash(entry, keyed) != entry["hash"]:
            return f"{where}: its content was changed after it was written.", latest
        if entry["entity"] not in ENTITIES:
            return f"{where}: it names an unknown kind of record ({entry['entity']}).", latest
        key = (entry["entity"], entry["entity_id"])
        known = latest.get(key)
        previous_after = known["after"] if known else None
        if entry["before"] != previous_after and recorded(entry["before"]) != recorded(previous_after):  # same text: same state, unparsed
            return (f"{where}: its 'before' is not the {entry['entity'].replace('_', ' ')}'s previous audited state: "
                    "the record was changed behind the application's back before this write."), latest
        previous = entry["hash"]
        latest[key] = entry
    return None, latest


def _rows_problem(db: storage.Handle, chain_id: str, latest: dict[tuple[str, str], dict]) -> str | None:
    """The first stored row of the chain that differs from, lacks or escapes its latest audit entry."""
    stored: dict[tuple[str, str], dict] = {}
    for entity, spec in ENTITIES.items():
        for found in storage.select(db, spec.table, **{spec.chain_column: chain_id}):
            stored[(entity, audited_id(entity, found[spec.id_column]))] = found
    for (entity, entity_id), entry in latest.items():
        row = stored.get((entity, entity_id))
        where = f"Audit entry {entry['seq']} ({entry['action']} {entity_id})"
        noun = entity.replace("_", " ")
        if entry["after"] is None and row is not None:
            return f"{where}: the {noun} should not exist but is stored."
        if entry["after"] is not None and row is None:
            return f"{where}: the {noun} it records was deleted."
        if row is not None and _state(row) != entry["after"] and _differs(db, entity, recorded(entry["after"]), row):  # the entry's own text: no parse
            return f"{where}: the stored {noun} differs from the audit record."
    for entity, entity_id in stored:
        if (entity, entity_id) not in latest:
            shown = "" if ENTITIES[entity].id_column in SECRET_FIELDS else f" {entity_id}"
            return f"The {entity.replace('_', ' ')}{shown} has no audit entry: it was inserted behind the application's back."
    return None


def _head_problem(entries: list[dict], head: str) -> str | None:
    """Whether the chain still reaches a head written down earlier ('entries:hash')."""
    count, _, expected = head.strip().partition(":")
    expected = expected.rstrip(".…")
    if not count.isdigit() or len(expected) < 8:
        raise PortfolioError(f"'{head}' is not a chain head: it looks like '42:ab12...' (entries, then the hash).")
    if int(count) > len(entries):
        return f"The chain has {len(entries)} entries but had {count} at the head you gave: the newest entries were removed."
    if int(count) > 0 and not entries[int(count) - 1]["hash"].startswith(expected):
        return f"Audit entry {count} is not the one the head you gave names: the chain was rewritten from there."
    return None


def verify(db: storage.Handle, workshop_id: str, head: str | None = None) -> Verification:
    """Recompute the chain `workshop_id` (a workshop's or a vote's), then compare every stored row with its latest audit entry.

    With `head` (an earlier 'entries:hash'), also check that no newest entry was removed since."""
    entries = storage.select(db, "audit_log", order="seq", workshop_id=workshop_id)
    if not entries:
        return Verification(False, 0, GENESIS, f"No audit entries for {workshop_id}.")
    problem, latest = _chain_problem(entries)
    last = entries[-1]["hash"]
    if problem:
        return Verification(False, len(entries), last, problem)
    problem = _rows_problem(db, workshop_id, latest) or (_head_problem(entries, head) if head else None)
    return Verification(problem is None, len(entries), last, problem)
