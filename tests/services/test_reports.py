"""The workshop's record as files, read through one handle."""

import json

import pytest

from portfolio_engine.errors import NotFound
from portfolio_engine.record import exports
from portfolio_engine.record.proposals import save_proposal
from portfolio_engine.services import reports
from portfolio_engine.services.projection import project_portfolios
from portfolio_engine.services.unit_of_work import unit_of_work


def test_the_report_projects_each_proposal_as_saved(catalog, workshop, status_quo):
    workshop_id = workshop["workshop"].id
    shifted = dict(status_quo.allocations, acute_care=14e6, humane_housing=12e6)
    edits = {"constants": {"rise_rate": 0.2}}
    save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Shifted", "Why", shifted, assumptions=edits)
    with unit_of_work() as db:
        page = reports.workshop_report(db, catalog, workshop_id)
    own = project_portfolios(catalog, status_quo, [shifted], overrides=[edits])[0]
    default = project_portfolios(catalog, status_quo, [shifted])[0]
    assert f"{own['thriving'].iloc[20]:.1%}" in page
    assert own["thriving"].iloc[20] != default["thriving"].iloc[20]


def test_exports_through_the_service_match_the_engine(catalog, workshop, status_quo, tmp_path):
    workshop_id = workshop["workshop"].id
    save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Keep", "Stable", status_quo.allocations)
    with unit_of_work() as db:
        exported = json.loads(reports.workshop_json(db, workshop_id))
        table = reports.proposals_table(db, catalog, workshop_id)
        written = reports.write_record_tables(db, catalog, workshop_id, tmp_path / "csv")
    assert exported["proposals"] == exports.snapshot(workshop_id)["proposals"]
    assert table == exports.proposals_csv(catalog, exports.snapshot(workshop_id))
    assert sorted(p.name for p in written) == sorted(p.name for p in exports.write_csv_tables(catalog, workshop_id, tmp_path / "old"))


def test_an_unknown_workshop_is_not_found(catalog, workshop):
    with unit_of_work() as db, pytest.raises(NotFound):
        reports.workshop_report(db, catalog, "w-unknown1")
