"""The decision: the chosen proposal version, why, and why it departs from what residents asked for."""

import json
from pathlib import Path
from typing import Any

from portfolio_engine import storage
from portfolio_engine.errors import NotAllowed, NotFound, PortfolioError
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.record import audit
from portfolio_engine.record.proposals import intact, intact_workshop, list_proposals
from portfolio_engine.record.workshops import authorize, require, text
from portfolio_engine.security.access import Grant
from portfolio_engine.security.keys import new_id


def resident_aggregate(workshop_id: str, path: Path | None = None) -> dict | None:
    """The latest proposal saved from a resident vote, if any."""
    votes = [p for p in list_proposals(workshop_id, path) if p["origin"] == "resident_vote"]
    return votes[-1] if votes else None


LOW_BALLOTS = 30  # fewer ballots than this, or
LOW_SHARE = 0.2  # fewer than this share of the codes handed out: the residents' vote is thin evidence


def low_turnout(ballots: int, codes: int) -> str | None:
    """A warning to show while deciding when the residents' vote rests on few ballots, else None."""
    if ballots >= LOW_BALLOTS and (not codes or ballots / codes >= LOW_SHARE):
        return None
    share = f" ({ballots / codes:.0%} of the {codes} voter codes)" if codes else ""
    return (f"Low turnout: the residents' vote counts {ballots} ballot{'s' if ballots != 1 else ''}{share}. "
            "Weigh it as the view of those who voted, and say so in the rationale.")


def departures(allocations: dict, aggregate: dict, threshold: float) -> dict[str, float]:
    """Elements where a portfolio departs from the residents' aggregate by more than `threshold` (currency)."""
    return {k: allocations[k] - aggregate.get(k, 0.0) for k in allocations if abs(allocations[k] - aggregate.get(k, 0.0)) > threshold}


def record_decision(workshop_id: str, proposal_id: str, rationale: str, passcode: str | None, justifications: dict | None = None,
                    revision_reason: str | None = None, path: Path | None = None, *, grant: Grant | None = None) -> dict:
    """Record the negotiated portfolio (facilitator only); the workshop becomes decided.

    Where the chosen version departs from the resident aggregate by more than the workshop's
    threshold, each such element needs a justification. A later decision is a revision with a reason.
    """
    authorize(workshop_id, passcode, grant, path)
    rationale = text(rationale, "rationale")
    justifications = {k: text(v, "reason") for k, v in (justifications or {}).items() if str(v or "").strip()}
    aggregate = resident_aggregate(workshop_id, path)
    with storage.writing(path) as db:
        workshop = intact_workshop(db, workshop_id)
        require(workshop, "decide")
        proposal = intact(db, workshop_id, "proposal", storage.select_one(db, "proposals", id=proposal_id, workshop_id=workshop_id))
        if proposal is None:
            raise NotFound(f"No proposal '{proposal_id}' in this workshop.")
        if workshop.state == "decided" and not text(revision_reason, "reason", required=False):
            raise NotAllowed("A decision was already recorded: a revised decision needs a reason.")
        if aggregate:
            gaps = departures(json.loads(proposal["allocations"]), aggregate["allocations"], workshop.deviation_threshold * workshop.budget)
            missing = [k for k in gaps if k not in justifications]
            if missing:
                raise PortfolioError(
                    f"The chosen portfolio departs from the residents' vote by more than {workshop.deviation_threshold:.0%} of the budget "
                    f"in {', '.join(element_names(missing))}: give a justification for each (one reason may cover several)."
                )
        row: dict[str, Any] = {"id": new_id("d"), "workshop_id": workshop_id, "proposal_id": proposal_id, "rationale": rationale,
               "justifications": audit.canonical(justifications), "revision_reason": text(revision_reason, "reason", required=False) or None,
               "chain_head": audit.chain_head(db, workshop_id), "created_at": audit.now()}
        storage.insert(db, "decisions", row)
        audit.append(db, workshop_id, "facilitator", "decision.record", "decision", row["id"], None, row)
        if workshop.state != "decided":
            before = storage.select_one(db, "workshops", id=workshop_id)
            storage.update(db, "workshops", workshop_id, {"state": "decided"})
            audit.append(db, workshop_id, "facilitator", "workshop.decided", "workshop", workshop_id, before,
                         storage.select_one(db, "workshops", id=workshop_id))
    return {**row, "justifications": justifications}


def element_names(ids: list[str]) -> list[str]:
    """Elements as people read them: the catalog's names (an id the catalog does not know stays as it is)."""
    names = {e.id: e.name for e in load_catalog().elements}
    return [names.get(i, i) for i in ids]


def decisions(workshop_id: str, path: Path | None = None) -> list[dict]:
    with storage.reading(path) as db:
        return decisions_in(db, workshop_id)


def decisions_in(db, workshop_id: str) -> list[dict]:
    """Every recorded decision of the workshop, oldest first, read through the caller's handle."""
    rows = storage.select(db, "decisions", workshop_id=workshop_id)
    return [{**r, "justifications": json.loads(r["justifications"])} for r in rows]
