import pytest

from portfolio_engine.errors import NotFound
from portfolio_engine.record.drafts import save_draft
from portfolio_engine.services.room import room
from portfolio_engine.services.unit_of_work import unit_of_work


def test_the_room_shows_participants_drafts_without_the_facilitators_and_projects_each_group(catalog, workshop, status_quo):
    w = workshop["workshop"]
    amounts = w.status_quo_portfolio(catalog).allocations
    more_housing = {**amounts, "humane_housing": amounts["humane_housing"] + 10e6, "acute_care": amounts["acute_care"] - 10e6}
    save_draft(catalog, w.id, workshop["ana"]["id"], amounts)
    save_draft(catalog, w.id, workshop["ben"]["id"], more_housing)
    with unit_of_work() as db:
        view = room(db, catalog, w.id, years=10)
    assert view["participants"] == 2 and view["names"] == {workshop["ana"]["id"]: "Ana", workshop["ben"]["id"]: "Ben"}
    projection = view["groups"][0]["projection"]
    assert projection["thriving_change"] == pytest.approx(projection["thriving"] - projection["thriving"] + projection["thriving_change"])
    assert projection["thriving_change"] != 0  # the mean of the two moves housing up: not the status quo


def test_an_unknown_workshop_has_no_room(catalog):
    with unit_of_work() as db, pytest.raises(NotFound):
        room(db, catalog, "w-nothere")


def test_the_dashboard_counts_participants_proposals_drafts_and_turnout(catalog, workshop, status_quo):
    from portfolio_engine.services.room import dashboard
    from portfolio_engine.voting import votes

    w = workshop["workshop"]
    save_draft(catalog, w.id, workshop["ana"]["id"], w.status_quo_portfolio(catalog).allocations)
    vote = votes.create_vote(catalog, "Parks", "split", "mean", 100, workshop_id=w.id, passcode=workshop["passcode"])
    codes = votes.generate_codes(vote.id, 3, workshop["passcode"])
    votes.open_vote(vote.id, workshop["passcode"])
    votes.cast(catalog, vote.id, codes[0], {"allocations": {"humane_housing": 60, "acute_care": 40}})
    with unit_of_work() as db:
        seen = dashboard(db, w.id)
    assert [p["name"] for p in seen["participants"]] == ["Ana", "Ben"]
    assert (seen["proposals"], seen["stances"], seen["drafts"]) == (0, 0, 1)
    assert seen["votes"] == [{"id": vote.id, "title": "Parks", "state": "open", "ballots": 1, "codes": 3}]
