"""The audit trail: every write appended with who, when, what, before and after, chained by keyed hashes.

Each entry's hash is HMAC(key, previous hash + the entry's canonical JSON), with the key kept outside
the database (keys.py). `verify` recomputes the chain and checks that every stored workshop,
participant, proposal, stance and decision is exactly what its latest audit entry says.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from . import storage
from .keys import keyed_hash

GENESIS = "0" * 64
ENTITIES = {"workshop": "workshops", "participant": "participants", "proposal": "proposals", "stance": "stances", "decision": "decisions"}


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _entry_hash(entry: dict) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return keyed_hash(entry["prev_hash"] + canonical(body))


def append(db: sqlite_utils.Database, workshop_id: str, actor: str, action: str, entity: str, entity_id: str,
           before: dict | None, after: dict | None) -> str:
    """Add one entry inside the caller's write transaction; returns its hash (the new chain head)."""
    last = storage.last_audit(db, workshop_id)
    entry = {
        "workshop_id": workshop_id, "seq": (last["seq"] + 1) if last else 1, "actor": actor, "action": action,
        "entity": entity, "entity_id": entity_id, "before": canonical(before) if before is not None else None,
        "after": canonical(after) if after is not None else None, "created_at": now(),
        "prev_hash": last["hash"] if last else GENESIS,
    }
    entry["hash"] = _entry_hash(entry)
    storage.insert(db, "audit_log", entry)
    return entry["hash"]


def chain_head(db: sqlite_utils.Database, workshop_id: str) -> str:
    last = storage.last_audit(db, workshop_id)
    return last["hash"] if last else GENESIS


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    head: str
    problem: str | None = None


def verify(db: sqlite_utils.Database, workshop_id: str) -> Verification:
    """Recompute the chain, then compare every stored row with its latest audit entry."""
    entries = storage.select(db, "audit_log", order="seq", workshop_id=workshop_id)
    if not entries:
        return Verification(False, 0, GENESIS, f"No audit entries for workshop {workshop_id}.")
    previous, latest = GENESIS, {}
    for expected_seq, entry in enumerate(entries, start=1):
        where = f"Audit entry {entry['seq']} ({entry['action']} {entry['entity_id']})"
        if entry["seq"] != expected_seq:
            return Verification(False, len(entries), previous, f"Audit entry {expected_seq} is missing (the next is {entry['seq']}).")
        if entry["prev_hash"] != previous:
            return Verification(False, len(entries), previous, f"{where}: does not follow the entry before it.")
        if _entry_hash(entry) != entry["hash"]:
            return Verification(False, len(entries), previous, f"{where}: its content was changed after it was written.")
        previous = entry["hash"]
        latest[(entry["entity"], entry["entity_id"])] = entry
    for (entity, entity_id), entry in latest.items():
        row = storage.select_one(db, ENTITIES[entity], id=entity_id)
        where = f"Audit entry {entry['seq']} ({entry['action']} {entity_id})"
        if entry["after"] is None and row is not None:
            return Verification(False, len(entries), previous, f"{where}: the {entity} should not exist but is stored.")
        if entry["after"] is not None and row is None:
            return Verification(False, len(entries), previous, f"{where}: the {entity} it records was deleted.")
        if row is not None and canonical(row) != entry["after"]:
            return Verification(False, len(entries), previous, f"{where}: the stored {entity} differs from the audit record.")
    for entity, table in ENTITIES.items():
        key = {"id": workshop_id} if entity == "workshop" else {"workshop_id": workshop_id}
        for row in storage.select(db, table, **key):
            if (entity, row["id"]) not in latest:
                problem = f"The {entity} {row['id']} has no audit entry: it was inserted behind the application's back."
                return Verification(False, len(entries), previous, problem)
    return Verification(True, len(entries), previous)
