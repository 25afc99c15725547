"""Proposals (immutable saved portfolios with a rationale), their versions, and stances on them."""

import json
from collections import Counter
from pathlib import Path
from typing import Any

from portfolio_engine import storage
from portfolio_engine.errors import InputFormatError, NotAllowed, NotFound, PortfolioError
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.portfolio import make_portfolio
from portfolio_engine.record import audit
from portfolio_engine.record.workshops import Workshop, require, text, workshop_in
from portfolio_engine.security.keys import new_id

ORIGINS = ("manual", "optimizer", "resident_vote", "merge")
STANCES = ("support", "live_with", "concerns", "block")
STANCE_WORDS = {"support": "Support", "live_with": "Can live with it", "concerns": "Concerns", "block": "Block"}


def _proposal(row: dict) -> dict:
    return {**row, "allocations": json.loads(row["allocations"]), "notes": json.loads(row["notes"]),
            "origin_details": json.loads(row["origin_details"]), "assumptions": json.loads(row["assumptions"]) if row["assumptions"] else None,
            "by_funder": json.loads(row["by_funder"]) if row.get("by_funder") else None}


def intact(db, workshop_id: str, entity: str, row: dict | None) -> dict | None:
    """The stored row a write builds on, refused (RecordMismatch) when it differs from its audited state."""
    if row is not None:
        audit.require_intact(db, workshop_id, entity, row[audit.ENTITIES[entity].id_column], row)
    return row


def intact_workshop(db, workshop_id: str) -> Workshop:
    """The workshop a write happens in (NotFound if none), refused when its stored row was changed behind the application's back."""
    workshop = workshop_in(db, workshop_id)
    intact(db, workshop_id, "workshop", storage.select_one(db, "workshops", id=workshop_id))
    return workshop


def save_proposal(catalog: Catalog, workshop_id: str, participant_id: str, title: str, rationale: str, allocations: dict | None,
                  notes: dict | None = None, origin: str = "manual", origin_details: dict | None = None,
                  assumptions: dict | None = None, parent_id: str | None = None, reason: str | None = None,
                  path: Path | None = None, funding: list[dict] | None = None) -> dict:
    """Save a new proposal, or a new version of the author's own proposal (`parent_id`).

    Allocations must add up to the workshop's budget; after the decision only new versions with a
    reason are accepted. `funding` (rows funder, element, amount) says who funds what: its element totals
    are the portfolio (allocations, when given too, must be the same), each funder within its mandate.
    """
    if origin not in ORIGINS:
        raise PortfolioError(f"Unknown origin '{origin}'. Origins: {', '.join(ORIGINS)}.")
    title, rationale = text(title, "title"), text(rationale, "rationale")
    notes = {k: text(v, "note", required=False) for k, v in (notes or {}).items() if str(v or "").strip()}
    for element in notes:
        catalog.index(element)
    details = dict(origin_details or {})
    with storage.writing(path) as db:
        workshop = intact_workshop(db, workshop_id)
        require(workshop, "propose")
        author = intact(db, workshop_id, "participant", storage.select_one(db, "participants", id=participant_id, workshop_id=workshop_id))
        if author is None:
            raise NotFound("Only participants of this workshop can save proposals: join it first.")
        if author["role"] == "observer":
            raise NotAllowed("Observers follow the workshop; they do not save proposals.")
        table = _funding(db, catalog, workshop_id, funding, allocations) if funding is not None else None
        if table is not None:
            allocations = {e: sum(amounts.get(e, 0.0) for amounts in table.values()) for e in catalog.ids}
        portfolio = make_portfolio(catalog, allocations or {}, workshop.budget, workshop.currency)
        version = 1
        if parent_id:
            parent = intact(db, workshop_id, "proposal", storage.select_one(db, "proposals", id=parent_id, workshop_id=workshop_id))
            if parent is None:
                raise NotFound(f"No proposal '{parent_id}' in this workshop.")
            if parent["participant_id"] != participant_id and author["role"] != "facilitator":
                raise NotAllowed("You can only make new versions of your own proposals; save yours as a new proposal instead.")
            version = parent["version"] + 1
        if workshop.state == "decided" and (not parent_id or not text(reason, "reason", required=False)):
            raise NotAllowed("The workshop is decided: only a new version of a proposal, with a reason, can be saved.")
        if reason:
            details["revision_reason"] = text(reason, "reason")
        row: dict[str, Any] = {"id": new_id("p"), "workshop_id": workshop_id, "participant_id": participant_id, "title": title,
               "rationale": rationale, "allocations": audit.canonical(portfolio.allocations), "notes": audit.canonical(notes),
               "origin": origin, "origin_details": audit.canonical(details),
               "assumptions": audit.canonical(assumptions) if assumptions else None, "parent_id": parent_id,
               "version": version, "created_at": audit.now(), "by_funder": audit.canonical(table) if table is not None else None}
        storage.insert(db, "proposals", row)
        audit.append(db, workshop_id, author["name"], "proposal.create", "proposal", row["id"], None, row)
    return _proposal(row)


def _funding(db, catalog: Catalog, workshop_id: str, rows: list[dict], allocations: dict | None) -> dict[str, dict[str, float]]:
    """A proposal's own funding table checked against the workshop's funders (record/funders.py); given allocations must be its totals."""
    from portfolio_engine.record.funders import funders_in, funding_table  # here: record/funders builds on this module's helpers

    table = funding_table(catalog, funders_in(db, workshop_id), rows)
    for element in catalog.elements:
        total, given = sum(amounts.get(element.id, 0.0) for amounts in table.values()), (allocations or {}).get(element.id)
        if allocations and abs(total - float(given or 0.0)) > 0.5:
            raise InputFormatError(f"{element.name} ({element.id}): the funders bring {total:,.0f} in the funding table, the portfolio gives "
                                   f"{float(given or 0.0):,.0f}. Nothing was saved.")
    return table


def _with_people(db, workshop_id: str, table: str) -> tuple[list[dict], dict[str, dict]]:
    """A workshop's rows of `table`, oldest first, and its participants by id (to name who wrote each row)."""
    people = {p["id"]: p for p in storage.select(db, "participants", workshop_id=workshop_id)}
    return storage.select(db, table, workshop_id=workshop_id), people


def list_proposals(workshop_id: str, path: Path | None = None) -> list[dict]:
    """Every saved proposal, oldest first, with its author's name, organization and sector."""
    with storage.reading(path) as db:
        return proposals_in(db, workshop_id)


def proposals_in(db, workshop_id: str) -> list[dict]:
    """list_proposals through the caller's handle (one snapshot with the other reads of a use case)."""
    rows, people = _with_people(db, workshop_id, "proposals")
    return [{**_proposal(r), "author": people[r["participant_id"]]["name"],
             "organization": people[r["participant_id"]]["organization"], "sector": people[r["participant_id"]]["sector"]}
            for r in rows]


def get_proposal(workshop_id: str, proposal_id: str, path: Path | None = None) -> dict:
    for proposal in list_proposals(workshop_id, path):
        if proposal["id"] == proposal_id:
            return proposal
    raise NotFound(f"No proposal '{proposal_id}' in workshop '{workshop_id}'.")


def add_stance(workshop_id: str, proposal_id: str, participant_id: str, stance: str, reason: str, path: Path | None = None) -> dict:
    """Record a participant's stance on a proposal (a later stance replaces an earlier one; history is kept)."""
    if stance not in STANCES:
        raise PortfolioError(f"Unknown stance '{stance}'. Stances: {', '.join(STANCES)}.")
    reason = text(reason, "reason")
    with storage.writing(path) as db:
        require(intact_workshop(db, workshop_id), "stance")
        person = intact(db, workshop_id, "participant", storage.select_one(db, "participants", id=participant_id, workshop_id=workshop_id))
        if person is None:
            raise NotFound("Only participants of this workshop can take a stance: join it first.")
        if person["role"] == "observer":
            raise NotAllowed("Observers follow the workshop; they do not take stances.")
        if intact(db, workshop_id, "proposal", storage.select_one(db, "proposals", id=proposal_id, workshop_id=workshop_id)) is None:
            raise NotFound(f"No proposal '{proposal_id}' in this workshop.")
        row = {"id": new_id("s"), "workshop_id": workshop_id, "proposal_id": proposal_id, "participant_id": participant_id,
               "stance": stance, "reason": reason, "created_at": audit.now()}
        storage.insert(db, "stances", row)
        audit.append(db, workshop_id, person["name"], "stance.add", "stance", row["id"], None, row)
    return row


def current_stances(workshop_id: str, path: Path | None = None) -> list[dict]:
    """Each participant's latest stance on each proposal, with name and sector."""
    with storage.reading(path) as db:
        return stances_in(db, workshop_id)


def stances_in(db, workshop_id: str) -> list[dict]:
    """current_stances through the caller's handle."""
    rows, people = _with_people(db, workshop_id, "stances")
    latest = {(r["proposal_id"], r["participant_id"]): r for r in rows}
    return [{**r, "name": people[r["participant_id"]]["name"], "sector": people[r["participant_id"]]["sector"]} for r in latest.values()]


def tallies(workshop_id: str, path: Path | None = None) -> dict[str, dict]:
    """Per proposal: counts by stance, and by sector then stance."""
    return tally(current_stances(workshop_id, path))


def tally(stances: list[dict]) -> dict[str, dict]:
    """Per proposal, from current stances (current_stances or stances_in): counts by stance, and by sector then stance."""
    result: dict[str, dict] = {}
    for stance in stances:
        entry = result.setdefault(stance["proposal_id"], {"by_stance": Counter(), "by_sector": {}})
        entry["by_stance"][stance["stance"]] += 1
        entry["by_sector"].setdefault(stance["sector"] or "(no sector)", Counter())[stance["stance"]] += 1
    return {k: {"by_stance": {s: v["by_stance"].get(s, 0) for s in STANCES},
                "by_sector": {sector: dict(c) for sector, c in v["by_sector"].items()}} for k, v in result.items()}
