import pytest

from portfolio_engine.errors import BudgetMismatch, NotAllowed, PortfolioError
from portfolio_engine.record.proposals import add_stance, current_stances, list_proposals, save_proposal, tallies
from portfolio_engine.record.workshops import join
from tests.postgres import raw_connection


def save(catalog, workshop, who, status_quo, **extra):
    return save_proposal(catalog, workshop["workshop"].id, workshop[who]["id"], extra.pop("title", "Keep things"),
                         extra.pop("rationale", "Stability for providers"), extra.pop("allocations", status_quo.allocations), **extra)


def test_rationale_lives_in_the_proposals_table(catalog, workshop, status_quo, private_database):
    save(catalog, workshop, "ana", status_quo, rationale="Hospitals need predictable funding")
    row = raw_connection(private_database).execute("SELECT title, rationale FROM proposals").fetchone()
    assert row == ("Keep things", "Hospitals need predictable funding")


@pytest.mark.parametrize(("extra", "error", "message"), [
    ({"rationale": "   "}, PortfolioError, "The rationale is required"),
    ({"title": ""}, PortfolioError, "The title is required"),
    ({"rationale": "x" * 5001}, PortfolioError, "The rationale is too long: 5001 characters, at most 5000"),
    ({"allocations": {"acute_care": 1}}, BudgetMismatch, "add up to 1.00 but the budget is 100,000,000.00"),
    ({"origin": "magic"}, PortfolioError, "Unknown origin 'magic'"),
    ({"notes": {"parks": "x"}}, PortfolioError, "Unknown element 'parks'"),
])
def test_bad_proposals_are_refused_and_nothing_is_saved(catalog, workshop, status_quo, extra, error, message):
    with pytest.raises(error, match=message):
        save(catalog, workshop, "ana", status_quo, **extra)
    assert list_proposals(workshop["workshop"].id) == []


def test_edits_are_new_versions_of_ones_own_proposal(catalog, workshop, status_quo):
    first = save(catalog, workshop, "ana", status_quo)
    second = save(catalog, workshop, "ana", status_quo, title="Keep things, v2", parent_id=first["id"], notes={"acute_care": "ER wait times"})
    assert (second["version"], second["parent_id"]) == (2, first["id"])
    assert [p["title"] for p in list_proposals(workshop["workshop"].id)] == ["Keep things", "Keep things, v2"]
    with pytest.raises(NotAllowed, match="only make new versions of your own proposals"):
        save(catalog, workshop, "ben", status_quo, parent_id=first["id"])


def test_origins_keep_their_inputs(catalog, workshop, status_quo):
    proposal = save(catalog, workshop, "ana", status_quo, origin="optimizer", origin_details={"constraints": {"budget": 100e6}})
    assert proposal["origin"] == "optimizer" and proposal["origin_details"] == {"constraints": {"budget": 100e6}}


def test_observers_watch_but_do_not_propose_or_take_stances(catalog, workshop, status_quo):
    watcher, _ = join(workshop["workshop"].id, "Press", "Gazette", "media", "observer")
    proposal = save(catalog, workshop, "ana", status_quo)
    with pytest.raises(NotAllowed, match="Observers"):
        save_proposal(catalog, workshop["workshop"].id, watcher["id"], "t", "r", status_quo.allocations)
    with pytest.raises(NotAllowed, match="Observers"):
        add_stance(workshop["workshop"].id, proposal["id"], watcher["id"], "support", "nice")


def test_stances_tally_by_stance_and_sector_with_the_latest_counting(catalog, workshop, status_quo):
    workshop_id = workshop["workshop"].id
    proposal = save(catalog, workshop, "ana", status_quo)
    add_stance(workshop_id, proposal["id"], workshop["ana"]["id"], "support", "It is mine")
    add_stance(workshop_id, proposal["id"], workshop["ben"]["id"], "block", "No housing money")
    add_stance(workshop_id, proposal["id"], workshop["ben"]["id"], "concerns", "Talked it through")
    counts = tallies(workshop_id)[proposal["id"]]
    assert counts["by_stance"] == {"support": 1, "live_with": 0, "concerns": 1, "block": 0}
    assert counts["by_sector"] == {"health": {"support": 1}, "housing": {"concerns": 1}}
    assert len(current_stances(workshop_id)) == 2
    with pytest.raises(PortfolioError, match="The reason is required"):
        add_stance(workshop_id, proposal["id"], workshop["ana"]["id"], "support", "")
    with pytest.raises(PortfolioError, match="Unknown stance 'meh'"):
        add_stance(workshop_id, proposal["id"], workshop["ana"]["id"], "meh", "x")
