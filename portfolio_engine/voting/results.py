"""Results of a vote, reproducible from an anonymized bundle; and the residents' voice as a proposal."""

import hashlib
import json
import random
from pathlib import Path

import numpy as np

from .. import __version__, audit, storage
from ..catalog import Catalog
from ..errors import InputFormatError, PortfolioError
from ..portfolio import Portfolio
from . import pabulib, split_rules
from .votes import BUNDLE_FORMAT, PROJECT_RULES, SMALL_GROUP, Vote, _election, count, current_ballots, get_vote, rules_hash


def _spread(vote: Vote, contents: list[dict], catalog: Catalog) -> dict:
    """Per category: median and interquartile range of individual ballots, scaled to the budget."""
    categories = vote.categories(catalog)
    shares = split_rules.normalize(np.array([[c["allocations"].get(k, 0.0) for k in categories] for c in contents])) * vote.budget
    q1, median, q3 = np.percentile(shares, [25, 50, 75], axis=0)
    return {k: {"median": float(m), "q1": float(a), "q3": float(b)} for k, a, m, b in zip(categories, q1, median, q3, strict=True)}


def _breakdown(vote: Vote, ballots: list[dict], catalog: Catalog, field: str) -> dict:
    """The frozen rule's outcome per self-reported neighborhood or group; groups under 5 voters suppressed."""
    groups: dict[str, list[dict]] = {}
    for ballot in ballots:
        if ballot[field]:
            groups.setdefault(ballot[field], []).append(ballot["content"])
    return {name: (count(vote, contents, catalog) if len(contents) >= SMALL_GROUP else {"suppressed": f"fewer than {SMALL_GROUP} voters"})
            for name, contents in sorted(groups.items())}


def results(vote_id: str, catalog: Catalog, path: Path | None = None) -> dict:
    vote = get_vote(vote_id, path)
    ballots = current_ballots(vote_id, path)
    contents = [b["content"] for b in ballots]
    with storage.reading(path) as db:
        codes = db.execute("SELECT COUNT(*) FROM voter_codes WHERE vote_id = ?", [vote_id]).fetchone()[0]
    others = split_rules.RULES if vote.ballot == "split" else PROJECT_RULES
    outcome = {
        "vote": vote.id, "title": vote.title, "state": vote.state, "rules_hash": vote.rules_hash,
        "turnout": {"ballots": len(ballots), "online": sum(1 for b in ballots if not b["paper"]),
                    "paper": sum(1 for b in ballots if b["paper"]), "codes_issued": codes},
        "result": _safe_count(vote, contents, catalog, vote.rule),
        "other_rules": {r: _safe_count(vote, contents, catalog, r) for r in others if r != vote.rule},
        "by_neighborhood": _breakdown(vote, ballots, catalog, "neighborhood"),
        "by_group": _breakdown(vote, ballots, catalog, "group_name"),
    }
    if vote.ballot == "split" and contents:
        outcome["spread"] = _spread(vote, contents, catalog)
    if vote.ballot != "split":
        outcome["support"] = {p["id"]: sum(1 for c in contents if p["id"] in c.get("projects", c.get("points", {}))) for p in vote.projects}
        selected = set(outcome["result"].get("selected", []))
        by_element: dict[str, float] = {}
        for project in vote.projects:
            if project["id"] in selected:
                by_element[project["element"]] = by_element.get(project["element"], 0.0) + project["cost"]
        outcome["by_element"] = by_element
    return outcome


def _safe_count(vote: Vote, contents: list[dict], catalog: Catalog, rule: str) -> dict:
    try:
        return count(vote, contents, catalog, rule)
    except PortfolioError as err:
        return {"rule": rule, "ballots": len(contents), "no_result": str(err)}


def bundle(vote_id: str, catalog: Catalog, path: Path | None = None) -> dict:
    """Everything needed to recompute the result: frozen rules, anonymized ballots (shuffled), hashes."""
    vote = get_vote(vote_id, path)
    if vote.rules_hash is None:
        raise PortfolioError("The vote has not opened: its rules are not frozen yet.")
    anonymous = [{"ballot": b["content"], "neighborhood": b["neighborhood"], "group": b["group_name"], "paper": bool(b["paper"])}
                 for b in current_ballots(vote_id, path)]
    random.SystemRandom().shuffle(anonymous)
    anonymous.sort(key=audit.canonical)  # a canonical order: nothing about when or by whom
    result = count(vote, [a["ballot"] for a in anonymous], catalog)
    return {"format": BUNDLE_FORMAT, "software": f"Commons Portfolio {__version__}", "rules": vote.rules(), "rules_hash": vote.rules_hash,
            "ballots": anonymous, "ballots_hash": hashlib.sha256(audit.canonical(anonymous).encode()).hexdigest(),
            "result": result, "result_hash": hashlib.sha256(audit.canonical(result).encode()).hexdigest()}


def verify_bundle(data: dict, catalog: Catalog) -> list[str]:
    """Recompute a bundle; returns the differences found (empty when everything checks out)."""
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
        raise InputFormatError(f"This is not a vote results bundle (expected format '{BUNDLE_FORMAT}').")
    problems = []
    rules = data["rules"]
    if rules_hash(rules) != data.get("rules_hash"):
        problems.append("The rules do not match their hash: they were changed after the vote opened.")
    if hashlib.sha256(audit.canonical(data["ballots"]).encode()).hexdigest() != data.get("ballots_hash"):
        problems.append("The ballots do not match their hash: ballots were added, removed or changed.")
    vote = Vote("bundle", None, rules["title"], rules["ballot"], rules["rule"], rules["budget"], rules["currency"], rules["options"],
                rules["projects"], "closed", data.get("rules_hash"), "")
    recomputed = count(vote, [b["ballot"] for b in data["ballots"]], catalog)
    if audit.canonical(recomputed) != audit.canonical(data.get("result")):
        problems.append(f"The published result differs from the recomputed one: {json.dumps(recomputed)}.")
    if hashlib.sha256(audit.canonical(data.get("result")).encode()).hexdigest() != data.get("result_hash"):
        problems.append("The result does not match its hash.")
    return problems


def export_pabulib(vote_id: str, path: Path | None = None) -> str:
    """A project vote's counted ballots as a pabulib file (anonymized voter ids)."""
    vote = get_vote(vote_id, path)
    if vote.ballot == "split":
        raise PortfolioError("pabulib files hold project votes; this is a split vote (its bundle holds the ballots).")
    election = _election(vote, [b["content"] for b in current_ballots(vote_id, path)])
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
