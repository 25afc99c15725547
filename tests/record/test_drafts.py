import pytest

from portfolio_engine.errors import InvalidAmount, NotFound, UnknownElement
from portfolio_engine.record.audit import verify
from portfolio_engine.record.drafts import drafts_in, save_draft
from portfolio_engine.record.exports import snapshot_in
from portfolio_engine.services.unit_of_work import unit_of_work


def test_a_draft_is_overwritten_and_leaves_the_record_alone(catalog, workshop, status_quo):
    w = workshop["workshop"]
    with unit_of_work() as db:
        before = snapshot_in(db, w.id)["audit_log"]
    save_draft(catalog, w.id, workshop["ana"]["id"], status_quo.allocations)
    moved = {**status_quo.allocations, "acute_care": status_quo.allocations["acute_care"] + 1e6}
    save_draft(catalog, w.id, workshop["ana"]["id"], moved)
    with unit_of_work() as db:
        assert drafts_in(db, w.id) == {workshop["ana"]["id"]: pytest.approx(moved)}
        assert snapshot_in(db, w.id)["audit_log"] == before  # no audit entry, nothing exported
        assert "drafts" not in snapshot_in(db, w.id)
        assert verify(db, w.id).ok


@pytest.mark.parametrize(("allocations", "error"), [({"parks": 1.0}, UnknownElement), ({"acute_care": -1.0}, InvalidAmount)])
def test_a_bad_draft_is_refused(catalog, workshop, allocations, error):
    with pytest.raises(error):
        save_draft(catalog, workshop["workshop"].id, workshop["ana"]["id"], allocations)


def test_only_a_participant_of_the_workshop_has_a_draft(catalog, workshop, status_quo):
    with pytest.raises(NotFound):
        save_draft(catalog, workshop["workshop"].id, "u-nobody", status_quo.allocations)
