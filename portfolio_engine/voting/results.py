"""Results of a vote, reproducible from a signed, anonymized bundle; and the residents' voice as a proposal.

Results are counted only when the vote's audit chain verifies: a ballot or rule changed behind the
application's back withholds the count (with the reason) instead of publishing a tampered result.
Bundles are signed with Ed25519; the signing key is derived from the installation's secret and the
vote's id, so anyone holding the published public key can check a bundle without any secret.
"""

import hashlib
import json
import math
import secrets
from collections import Counter
from pathlib import Path
from types import UnionType
from typing import Any

import numpy as np
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from portfolio_engine import __version__, storage
from portfolio_engine.errors import InputFormatError, PortfolioError, RecordBroken
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.portfolio import Portfolio
from portfolio_engine.record import audit
from portfolio_engine.security.keys import keyed_hash
from portfolio_engine.voting import ballot_table, pabulib, split_rules
from portfolio_engine.voting.ballot_table import BallotTable
from portfolio_engine.voting.rules import names as rule_names
from portfolio_engine.voting.votes import (
    BALLOTS,
    BUNDLE_FORMAT,
    SMALL_GROUP,
    Vote,
    as_election,
    count,
    current_ballots,
    get_vote,
    rules_hash,
    validate_ballot,
)


def _spread(vote: Vote, matrix: np.ndarray, catalog: Catalog) -> dict:
    """Per category: median and interquartile range of individual ballots, scaled to the budget."""
    shares = split_rules.normalize(matrix) * vote.budget
    q1, median, q3 = np.percentile(shares, [25, 50, 75], axis=0)
    return {k: {"median": float(m), "q1": float(a), "q3": float(b)} for k, a, m, b in zip(vote.categories(catalog), q1, median, q3, strict=True)}


def _breakdown(vote: Vote, ballots: BallotTable, catalog: Catalog, field: str) -> dict:
    """The frozen rule's outcome per self-reported neighborhood or group; groups under 5 voters suppressed."""
    small = {"suppressed": f"fewer than {SMALL_GROUP} voters"}
    return {name: _safe_count(vote, group.for_count(), catalog, vote.rule) if len(group) >= SMALL_GROUP else small
            for name, group in sorted(ballots.groups(field).items())}


def integrity(vote_id: str, path: Path | None = None, head: str | None = None) -> audit.Verification:
    """The vote's audit chain, verified (every ballot, code and rule change against its entry)."""
    with storage.reading(path) as db:
        return audit.verify(db, vote_id, head)


def record_head(vote_id: str, path: Path | None = None) -> str:
    """Where the vote's record ends ('entries:hash'): one indexed read, so a page can tell whether the count it holds is current."""
    with storage.reading(path) as db:
        return audit.head_label(db, vote_id)


def _withheld(problem: str | None) -> str:
    return (f"Not counted: the vote's record does not verify ({problem}) Results are withheld until the administrator restores "
            "the database from a backup; run 'python -m portfolio_engine vote audit --vote ID' for details.")


def public_now(vote: Vote) -> bool:
    """Whether residents may see the count: once the vote closes, or while open when its set-up says so (live_results)."""
    return vote.state != "open" or bool(vote.options.get("live_results"))


def results(vote_id: str, catalog: Catalog, path: Path | None = None) -> dict:
    """Turnout, the frozen rule's outcome, other rules, spread and breakdowns; the count is withheld when the record is broken."""
    vote = get_vote(vote_id, path)
    check = integrity(vote.id, path)
    ballots = ballot_table.read(vote, catalog, path) if check.ok else ballot_table.parse(vote, catalog, "")
    contents = ballots.for_count()
    with storage.reading(path) as db:
        codes = storage.voter_codes_issued(db, vote.id)
    others = rule_names(vote.ballot)
    outcome: dict[str, Any] = {
        "vote": vote.id, "title": vote.title, "state": vote.state, "rules_hash": vote.rules_hash,
        "record": {"ok": check.ok, "entries": check.entries, "head": check.label, "problem": check.problem},
        "turnout": {"ballots": len(ballots), "online": len(ballots) - ballots.paper(), "paper": ballots.paper(), "codes_issued": codes},
        "result": _safe_count(vote, contents, catalog, vote.rule) if check.ok else {"rule": vote.rule, "no_result": _withheld(check.problem)},
        "other_rules": {r: _safe_count(vote, contents, catalog, r) for r in others if r != vote.rule} if check.ok else {},
        "by_neighborhood": _breakdown(vote, ballots, catalog, "neighborhood"),
        "by_group": _breakdown(vote, ballots, catalog, "group"),
    }
    if isinstance(contents, np.ndarray):
        if len(contents):
            outcome["spread"] = _spread(vote, contents, catalog)
    else:
        outcome["support"] = {p["id"]: sum(1 for c in contents if p["id"] in c.get("projects", c.get("points", {}))) for p in vote.projects}
        selected = set(outcome["result"].get("selected", []))
        by_element: dict[str, float] = {}
        for project in vote.projects:
            if project["id"] in selected:
                by_element[project["element"]] = by_element.get(project["element"], 0.0) + project["cost"]
        outcome["by_element"] = by_element
    return outcome


def _safe_count(vote: Vote, contents: list[dict] | np.ndarray, catalog: Catalog, rule: str) -> dict:
    try:
        return count(vote, contents, catalog, rule)
    except PortfolioError as err:
        return {"rule": rule, "ballots": len(contents), "no_result": str(err)}


def _signing_key(vote_id: str) -> Ed25519PrivateKey:
    """The vote's Ed25519 key, derived from the installation's secret: no key file to lose, a different key per vote."""
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(keyed_hash(f"vote-bundle-signing:{vote_id}")))


def public_key(vote_id: str) -> str:
    """The key that checks this vote's bundles (hex), published with the results."""
    return _signing_key(vote_id).public_key().public_bytes_raw().hex()


def _small_cells(ballots: list[dict], field: str) -> set[str]:
    counts = Counter(b[field] for b in ballots if b[field])
    return {name for name, n in counts.items() if n < SMALL_GROUP}


def _public_ballots(ballots: list[dict]) -> list[dict]:
    """Ballots as published: a random id, the day, neighborhoods and groups under SMALL_GROUP blanked, 'why' only with consent."""
    small = {field: _small_cells(ballots, field) for field in ("neighborhood", "group_name")}
    public = []
    for b in ballots:
        entry = {"id": f"ballot-{secrets.token_hex(6)}", "ballot": b["content"], "day": b["created_at"][:10], "paper": bool(b["paper"]),
                 "neighborhood": "" if b["neighborhood"] in small["neighborhood"] else b["neighborhood"],
                 "group": "" if b["group_name"] in small["group_name"] else b["group_name"]}
        if b.get("why_public") and b["why"]:
            entry["why"] = b["why"]
        public.append(entry)
    return sorted(public, key=audit.canonical)  # a canonical order: nothing about when or by whom


def _digest(value: object) -> str:
    return hashlib.sha256(audit.canonical(value).encode()).hexdigest()


def bundle(vote_id: str, catalog: Catalog, path: Path | None = None) -> dict:
    """Everything needed to recompute the result, signed: frozen rules, anonymized ballots, hashes, the audit head.

    Refused when the vote's record does not verify, so a tampered database never yields a signed bundle."""
    vote = get_vote(vote_id, path)
    if vote.rules_hash is None:
        raise PortfolioError("The vote has not opened: its rules are not frozen yet.")
    check = integrity(vote.id, path)
    if not check.ok:
        raise RecordBroken(_withheld(check.problem))
    ballots = _public_ballots(current_ballots(vote.id, path))
    result = count(vote, [b["ballot"] for b in ballots], catalog)
    content = {"format": BUNDLE_FORMAT, "software": f"Commons Portfolio {__version__}", "vote": vote.id, "rules": vote.rules(),
               "rules_hash": vote.rules_hash, "record_head": check.label, "ballots": ballots, "ballots_hash": _digest(ballots),
               "result": result, "result_hash": _digest(result)}
    signature = _signing_key(vote.id).sign(audit.canonical(content).encode())
    return {**content, "signature": {"algorithm": "Ed25519", "public_key": public_key(vote.id), "value": signature.hex()}}


def _require(data: dict, key: str, kind: type | UnionType | tuple[type, ...], what: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise InputFormatError(f"This bundle is malformed: '{key}' should be {what}.")
    return value


def _bundle_vote(data: dict) -> Vote:
    """The vote a bundle's rules describe, every field checked, so a malformed bundle gets a message instead of a crash."""
    rules = _require(data, "rules", dict, "an object")
    title = _require(rules, "title", str, "text")
    ballot = _require(rules, "ballot", str, f"one of {', '.join(BALLOTS)}")
    rule = _require(rules, "rule", str, "a rule's name")
    budget = _require(rules, "budget", int | float, "a number")
    options = _require(rules, "options", dict, "an object")
    projects = _require(rules, "projects", list, "a list")
    if ballot not in BALLOTS or rule not in rule_names(ballot) or not math.isfinite(budget) or budget <= 0:
        raise InputFormatError("This bundle is malformed: its ballot, rule or budget is not one the software counts.")
    for key in ("min_projects", "max_projects", "points"):
        if options.get(key) is not None and (not isinstance(options[key], int) or isinstance(options[key], bool)):
            raise InputFormatError(f"This bundle is malformed: the option '{key}' should be a whole number.")
    if options.get("min_spend_share") is not None and not isinstance(options["min_spend_share"], int | float):
        raise InputFormatError("This bundle is malformed: the option 'min_spend_share' should be a number.")
    if ballot == "cumulative" and not options.get("points"):
        raise InputFormatError("This bundle is malformed: a cumulative vote needs its points.")
    for project in projects:
        if not (isinstance(project, dict) and isinstance(project.get("id"), str) and isinstance(project.get("name"), str)
                and isinstance(project.get("element"), str) and isinstance(project.get("cost"), int | float)
                and not isinstance(project.get("cost"), bool) and math.isfinite(project["cost"]) and project["cost"] > 0):
            raise InputFormatError("This bundle is malformed: each project needs an id, a name, an element and a cost above 0.")
    currency = rules.get("currency") if isinstance(rules.get("currency"), str) else ""
    return Vote("bundle", None, title, ballot, rule, float(budget), currency, options, projects, "closed", data.get("rules_hash"), "")


def _signature_problems(data: dict, expected_key: str | None) -> list[str]:
    signature = _require(data, "signature", dict, "an object with algorithm, public_key and value")
    key_hex = _require(signature, "public_key", str, "hex text")
    value_hex = _require(signature, "value", str, "hex text")
    problems = []
    if expected_key is not None and key_hex.strip().lower() != expected_key.strip().lower():
        problems.append("The bundle was signed with another key than the published one you gave.")
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(key_hex))
        key.verify(bytes.fromhex(value_hex), audit.canonical({k: v for k, v in data.items() if k != "signature"}).encode())
    except (ValueError, InvalidSignature):
        problems.append("The signature does not check out: the bundle was changed after it was signed, or not signed by this server.")
    return problems


def verify_bundle(data: object, catalog: Catalog, public_key_hex: str | None = None) -> list[str]:
    """Check a bundle's signature, hashes and result (recomputed); returns the problems found (empty when it checks out)."""
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
        raise InputFormatError(f"This is not a vote results bundle (expected format '{BUNDLE_FORMAT}').")
    problems = _signature_problems(data, public_key_hex)
    vote = _bundle_vote(data)
    ballots = _require(data, "ballots", list, "a list")
    if rules_hash(data["rules"]) != data.get("rules_hash"):
        problems.append("The rules do not match their hash: they were changed after the vote opened.")
    if _digest(ballots) != data.get("ballots_hash"):
        problems.append("The ballots do not match their hash: ballots were added, removed or changed.")
    contents = []
    for n, entry in enumerate(ballots, start=1):
        if not isinstance(entry, dict):
            raise InputFormatError(f"This bundle is malformed: ballot {n} is not an object.")
        try:
            contents.append(validate_ballot(vote, catalog, entry.get("ballot")))
        except InputFormatError as err:
            raise InputFormatError(f"This bundle is malformed: ballot {n}: {err}") from None
    recomputed = count(vote, contents, catalog)
    if audit.canonical(recomputed) != audit.canonical(data.get("result")):
        problems.append(f"The published result differs from the recomputed one: {json.dumps(recomputed)}.")
    if _digest(data.get("result")) != data.get("result_hash"):
        problems.append("The result does not match its hash.")
    return problems


def export_pabulib(vote_id: str, path: Path | None = None) -> str:
    """A project vote's counted ballots as a pabulib file (anonymized voter ids)."""
    vote = get_vote(vote_id, path)
    if vote.ballot == "split":
        raise PortfolioError("pabulib files hold project votes; this is a split vote (its bundle holds the ballots).")
    election = as_election(vote, [b["content"] for b in current_ballots(vote_id, path)])
    election.meta.update({"description": vote.title, "num_projects": str(len(vote.projects)), "num_votes": str(len(election.votes)),
                          "rule": vote.rule, "currency": vote.currency})
    return pabulib.write(election)


def as_allocations(vote: Vote, outcome: dict, status_quo: Portfolio, catalog: Catalog) -> dict[str, float]:
    """A split vote's aggregate over the 13 elements at the workshop's budget (families spread as the status quo)."""
    if vote.ballot != "split" or "allocations" not in outcome:
        raise PortfolioError("Only a split vote's aggregate maps onto the portfolio; a project vote's budget by element is shown for merging.")
    factor = status_quo.budget / vote.budget
    if vote.options.get("split_over") != "families":
        return {k: v * factor for k, v in outcome["allocations"].items()}
    totals = status_quo.family_totals(catalog)
    return {e.id: outcome["allocations"][e.family] * factor * status_quo.allocations[e.id] / totals[e.family] for e in catalog.elements}
