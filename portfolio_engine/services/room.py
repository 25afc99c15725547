"""The room view's use case: every participant's draft, the room's agreement and opinion groups, and each group's projection."""

from portfolio_engine import storage
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.record.drafts import drafts_in
from portfolio_engine.record.proposals import proposals_in
from portfolio_engine.record.room import room_view
from portfolio_engine.record.workshops import workshop_in
from portfolio_engine.services.projection import YEARS, project_portfolios


def room(db: storage.Handle, catalog: Catalog, workshop_id: str, years: int = YEARS) -> dict:
    """Where the workshop's room is now (NotFound for an unknown workshop): the room view of the participants' drafts
    (facilitators' sliders left out), the residents' vote marked when one was used as a proposal, each participant's
    name beside their id (the page shows names only when the facilitator turns them on), and for each opinion group the
    projection of its mean portfolio at `years` against the status quo's."""
    workshop = workshop_in(db, workshop_id)
    people = {p["id"]: p for p in storage.select(db, "participants", workshop_id=workshop_id)}
    drafts = {pid: amounts for pid, amounts in drafts_in(db, workshop_id).items() if people.get(pid, {}).get("role") != "facilitator"}
    votes = [p for p in proposals_in(db, workshop_id) if p["origin"] == "resident_vote"]
    status_quo = workshop.status_quo_portfolio(catalog)
    view = room_view(catalog, drafts, status_quo.allocations, workshop.budget, votes[-1]["allocations"] if votes else None)
    view["names"] = {pid: people[pid]["name"] for pid in drafts}
    view["years"] = years
    if view["groups"]:
        frames = project_portfolios(catalog, status_quo, [status_quo.allocations, *(g["mean"] for g in view["groups"])], years)
        base = frames[0].iloc[years]
        for group, frame in zip(view["groups"], frames[1:], strict=True):
            end = frame.iloc[years]
            group["projection"] = {"thriving": float(end["thriving"]), "thriving_change": float(end["thriving"] - base["thriving"]),
                                   "suffering": float(end["suffering"]), "suffering_change": float(end["suffering"] - base["suffering"])}
    return view


def dashboard(db: storage.Handle, workshop_id: str) -> dict:
    """What the facilitator watches while the workshop runs (NotFound for an unknown workshop): the participants, how many
    proposals, stances and slider drafts there are, and each of the workshop's votes with its turnout so far."""
    workshop_in(db, workshop_id)
    people = storage.select(db, "participants", workshop_id=workshop_id)
    votes = [{"id": v["id"], "title": v["title"], "state": v["state"], "ballots": len(storage.select(db, "ballots", vote_id=v["id"], current=1)),
              "codes": storage.voter_codes_issued(db, v["id"])} for v in storage.select(db, "votes", workshop_id=workshop_id)]
    return {"participants": [p for p in people if p["role"] != "facilitator"], "proposals": len(proposals_in(db, workshop_id)),
            "stances": len(storage.select(db, "stances", workshop_id=workshop_id)), "drafts": len(drafts_in(db, workshop_id)), "votes": votes}
