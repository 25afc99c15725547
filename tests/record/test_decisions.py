import pytest

from portfolio_engine import storage
from portfolio_engine.errors import NotAllowed, NotAuthorized, PortfolioError
from portfolio_engine.record import audit
from portfolio_engine.record.decisions import decisions, record_decision
from portfolio_engine.record.proposals import save_proposal
from portfolio_engine.record.workshops import change_state, get_workshop


def test_decision_records_rationale_chain_head_and_moves_to_decided(catalog, workshop, status_quo):
    workshop_id = workshop["workshop"].id
    proposal = save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Keep", "Stable", status_quo.allocations)
    change_state(workshop_id, "deciding", workshop["passcode"])
    with storage.reading() as db:
        head = audit.chain_head(db, workshop_id)
    decision = record_decision(workshop_id, proposal["id"], "Everyone can live with it", workshop["passcode"])
    assert decision["chain_head"] == head
    assert get_workshop(workshop_id).state == "decided"
    with pytest.raises(NotAllowed, match="a revised decision needs a reason"):
        record_decision(workshop_id, proposal["id"], "Again", workshop["passcode"])
    record_decision(workshop_id, proposal["id"], "Again", workshop["passcode"], revision_reason="Council amendment")
    assert [d["revision_reason"] for d in decisions(workshop_id)] == [None, "Council amendment"]


def test_departures_from_the_resident_vote_need_justifications(catalog, workshop, status_quo):
    workshop_id = workshop["workshop"].id
    vote = dict(status_quo.allocations, acute_care=10e6, humane_housing=16e6)
    save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Residents' vote", "Aggregate of 812 ballots", vote, origin="resident_vote")
    chosen = save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Keep", "Stable", status_quo.allocations)
    change_state(workshop_id, "deciding", workshop["passcode"])
    with pytest.raises(PortfolioError, match="departs from the residents' vote by more than 1% of the budget in Acute care, Humane housing"):
        record_decision(workshop_id, chosen["id"], "Stable", workshop["passcode"])
    with pytest.raises(PortfolioError, match="in Acute care: give a justification"):
        record_decision(workshop_id, chosen["id"], "Stable", workshop["passcode"], {"humane_housing": "Phased in next year"})
    record_decision(workshop_id, chosen["id"], "Stable", workshop["passcode"],
                    {"humane_housing": "Phased in next year", "acute_care": "Hospital contract runs to 2028"})


def test_only_the_facilitator_decides(catalog, workshop, status_quo):
    workshop_id = workshop["workshop"].id
    proposal = save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Keep", "Stable", status_quo.allocations)
    change_state(workshop_id, "deciding", workshop["passcode"])
    with pytest.raises(NotAuthorized, match="not right"):
        record_decision(workshop_id, proposal["id"], "Mine now", "not-the-passcode")


@pytest.mark.parametrize(("ballots", "codes", "warned"), [(3, 0, True), (3, 10, True), (40, 400, True), (40, 100, False), (30, 0, False)])
def test_a_thin_residents_vote_is_flagged_while_deciding(ballots, codes, warned):
    from portfolio_engine.record.decisions import low_turnout

    assert (low_turnout(ballots, codes) is not None) == warned
