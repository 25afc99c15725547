"""Participants' drafts: where each participant's sliders sit right now, for the room view.

A draft is not a proposal: it is overwritten on every save, never audited and never exported, so a
slider move leaves nothing in the negotiated record. Only a participant of the workshop has one.
"""

import json
from pathlib import Path

from portfolio_engine import storage
from portfolio_engine.errors import NotFound
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.portfolio import portfolio_from_dict


def save_draft(catalog: Catalog, workshop_id: str, participant_id: str, allocations: dict[str, float], path: Path | None = None) -> None:
    """Overwrite the participant's draft with these amounts (checked like any portfolio: known elements, finite, not negative)."""
    checked = portfolio_from_dict(catalog, {"allocations": allocations}, "draft").allocations
    with storage.writing(path) as db:
        if storage.select_one(db, "participants", id=participant_id, workshop_id=workshop_id) is None:
            raise NotFound("No such participant in this workshop.")
        storage.save_draft(db, workshop_id, participant_id, json.dumps(checked, sort_keys=True))


def drafts_in(db, workshop_id: str) -> dict[str, dict[str, float]]:
    """Every participant's latest draft in the workshop, by participant id, read through the caller's handle."""
    return {r["participant_id"]: json.loads(r["allocations"]) for r in storage.select(db, "drafts", order="updated_at", workshop_id=workshop_id)}
