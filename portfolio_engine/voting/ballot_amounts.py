"""A split ballot's amounts as numbers beside its JSON, so counting a city's vote reads bytes instead of parsing 100,000 texts.

The ballot's JSON content stays the record: it is what the audit chain, receipts and bundles cover. Each current split
ballot also has a row in `ballot_amounts`, written in the transaction that stores it, from the same checked content: its
amounts as float64 (little-endian) in the vote's category order, and a keyed tag (BLAKE2b under a key derived from the
installation's key) over the ballot's id, that order and those bytes. A re-vote drops the replaced ballot's copy. Counting
takes the copies only when they name exactly the vote's current ballots, in order, and every tag checks out; otherwise it
reads the JSON (ballot_table.parse) and logs why. So a copy changed, swapped, replayed from a replaced ballot, deleted or
left stale by a changed catalog behind the application's back cannot change a count: without the key no matching tag
can be made, a tag names its ballot and the category order, and the copies' ballots are compared with the current ones.
"""

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable

import numpy as np

from portfolio_engine import storage
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.security.keys import secret_key

log = logging.getLogger(__name__)
DTYPE = np.dtype("<f8")


TAG_BYTES = 16  # a keyed BLAKE2b of 128 bits


def _tags(categories: tuple[str, ...], copies: Iterable[tuple[str, bytes, str]]) -> list[bytes]:
    """Each (ballot id, amounts, fields)'s tag for this category order (ids hold no ':' and amounts have a fixed length, so the parts
    cannot shift): keyed BLAKE2b (a MAC by design, about a microsecond a ballot) under a key derived from the installation's key."""
    key, blake2b = hmac.new(secret_key(), b"ballot-amounts", hashlib.sha256).digest(), hashlib.blake2b
    order = b":" + ",".join(categories).encode() + b":"
    return [blake2b(ballot_id.encode() + order + amounts + fields.encode(), key=key, digest_size=TAG_BYTES).digest() for ballot_id, amounts, fields in copies]


def as_bytes(content: dict, categories: tuple[str, ...]) -> bytes:
    """A checked split ballot's amounts in category order (a category it leaves out counts 0, as the count reads it)."""
    allocations = content["allocations"]
    return np.array([float(allocations.get(k, 0.0)) for k in categories], dtype=DTYPE).tobytes()


def store(db: storage.Handle, ballot: dict, content: dict, categories: tuple[str, ...]) -> None:
    """Write a split ballot's copy inside the transaction that stores the ballot (`ballot` is its stored row, `content` its checked content)."""
    amounts = as_bytes(content, categories)
    fields = json.dumps({"neighborhood": ballot["neighborhood"], "group": ballot["group_name"], "paper": int(ballot["paper"])})
    storage.insert(db, "ballot_amounts", {"ballot_id": ballot["id"], "vote_id": ballot["vote_id"], "created_at": ballot["created_at"],
                                          "amounts": amounts, "fields": fields, "tag": _tags(categories, [(ballot["id"], amounts, fields)])[0]})


def drop(db: storage.Handle, ballot_id: str) -> None:
    """A replaced ballot no longer counts: its copy goes, inside the transaction that marks it replaced (copies are of current ballots)."""
    storage.drop_ballot_amounts(db, ballot_id)


def backfill(db: storage.Handle, vote_id: str, categories: tuple[str, ...]) -> int:
    """Give every current ballot of a split vote a copy from its stored JSON, oldest first (the migration, for ballots cast before it)."""
    rows = storage.select(db, "ballots", vote_id=vote_id, current=1)  # oldest first, ties in insertion order
    for row in rows:
        store(db, row, json.loads(row["content"]), categories)
    return len(rows)


def backfill_all(db: storage.Handle) -> int:
    """The migration's fill: every split vote's current ballots, a closed vote's then sealed (the key is read only when there is one)."""
    from portfolio_engine.voting import votes  # noqa: PLC0415 (votes writes the copies through this module)

    split = [votes.as_vote(row) for row in storage.select(db, "votes", ballot="split")]
    if not split:
        return 0
    catalog, filled = load_catalog(), 0
    for vote in split:
        filled += backfill(db, vote.id, vote.categories(catalog))
        if vote.state == "closed":
            seal(db, vote.id, vote.categories(catalog))
    return filled


def _seal_of(vote_id: str, categories: tuple[str, ...], found: storage.CountedAmounts) -> bytes:
    """One keyed BLAKE2b over everything a count reads of the copies (ids, fields, then the fixed-length amounts): milliseconds for 100,000."""
    key = hmac.new(secret_key(), b"ballot-amounts-seal", hashlib.sha256).digest()
    message = "\n".join([vote_id, ",".join(categories), found.copy_ids, found.fields]).encode() + b"\n" + found.amounts
    return hashlib.blake2b(message, key=key, digest_size=32).digest()


def _problem(db: storage.Handle, vote_id: str, categories: tuple[str, ...], found: storage.CountedAmounts) -> str | None:
    """Why the copies cannot be counted (they are not the current ballots', or a seal or tag does not check out), else None."""
    ids = found.copy_ids.split(",")
    if ",".join(sorted(ids)) != found.ids:
        return "the numeric copies are not those of the current ballots"
    sealed = storage.ballot_amounts_seal(db, vote_id)
    if sealed is not None and sealed == _seal_of(vote_id, categories, found):
        return None
    width, amounts, lines = len(categories) * DTYPE.itemsize, found.amounts, found.fields.split("\n")
    if len(amounts) != width * len(ids) or len(lines) != len(ids) or b"".join(
            _tags(categories, zip(ids, (amounts[n * width:(n + 1) * width] for n in range(len(ids))), lines, strict=True))) != found.tags:
        return "a ballot's numeric copy does not match its tag (changed outside the application, or the categories changed)"
    return None


def seal(db: storage.Handle, vote_id: str, categories: tuple[str, ...]) -> bool:
    """When a split vote closes: check every copy once and seal them all, so each later count checks one tag instead of one per ballot."""
    found = storage.counted_ballot_amounts(db, vote_id)
    if not found.ids or _problem(db, vote_id, categories, found):
        return False
    storage.save_ballot_amounts_seal(db, vote_id, _seal_of(vote_id, categories, found))
    return True


def read(db: storage.Handle, vote_id: str, categories: tuple[str, ...]) -> tuple[np.ndarray, str] | None:
    """The current ballots' amounts matrix (oldest first) and their self-reported fields (a JSON line each), checked: the copies name
    exactly the current ballots, and their seal (a closed vote's) or every tag checks out. None (and why, logged) otherwise: read the JSON."""
    found = storage.counted_ballot_amounts(db, vote_id)
    if not found.ids:
        return None
    problem = _problem(db, vote_id, categories, found)
    if problem:
        log.warning("Vote %s: %s; counting reads the ballots' JSON.", vote_id, problem)
        return None
    return np.frombuffer(found.amounts, dtype=DTYPE).reshape(len(found.amounts) // (len(categories) * DTYPE.itemsize), len(categories)), found.fields
