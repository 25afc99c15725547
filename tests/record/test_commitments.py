"""Each funder's commitment under the decision: by default the split that moves the least money, or as given; checked, audited, exported."""

import json

import pytest

from portfolio_engine import storage
from portfolio_engine.cli.main import main
from portfolio_engine.errors import InputFormatError, NotFound
from portfolio_engine.record import audit, exports
from portfolio_engine.record.decisions import record_decision
from portfolio_engine.record.funders import commitments_of, read_csv, record_commitments, set_funders, with_mandates
from portfolio_engine.record.proposals import save_proposal
from portfolio_engine.record.workshops import change_state
from portfolio_engine.security.access import OPERATOR


@pytest.fixture
def decided(catalog, workshop, status_quo):
    workshop_id = workshop["workshop"].id
    rows = ["funder,sector,element,amount", "County hospital,health,acute_care,18000000"]
    rows += [f"County,government,{e},{a:.0f}" for e, a in status_quo.allocations.items() if e != "acute_care"]
    stewards = with_mandates(read_csv(catalog, "\n".join(rows)), {"County hospital": {"may_fund": ["acute_care", "humane_housing"]}})
    set_funders(catalog, workshop_id, stewards, workshop["passcode"])
    chosen = save_proposal(catalog, workshop_id, workshop["ben"]["id"], "Homes first", "Housing prevents harm",
                           dict(status_quo.allocations, acute_care=16e6, humane_housing=10e6))
    change_state(workshop_id, "deciding", workshop["passcode"])
    return workshop_id, chosen


def test_commitments_need_a_decision(catalog, workshop):
    with pytest.raises(NotFound, match="No decision is recorded yet"):
        record_commitments(catalog, workshop["workshop"].id, None, workshop["passcode"])


def test_the_default_commitments_move_the_least_money_and_travel_with_the_export(catalog, workshop, decided):
    workshop_id, chosen = decided
    record_decision(workshop_id, chosen["id"], "Homes first", workshop["passcode"])
    committed = record_commitments(catalog, workshop_id, None, workshop["passcode"])
    assert committed["County hospital"] == {"acute_care": 16e6, "humane_housing": 2e6}
    assert commitments_of(workshop_id) == committed
    copy = exports.import_document(json.loads(exports.export_json(workshop_id)), "new-passcode-1", grant=OPERATOR)
    assert commitments_of(copy) == committed
    with storage.reading() as db:
        assert audit.verify(db, workshop_id).ok and audit.verify(db, copy).ok


@pytest.mark.parametrize("edit, message", [
    (lambda c: c["County hospital"].update(acute_care=14e6, basic_needs=2e6), "County hospital commits 2.0 million to basic_needs, which its mandate"),
    (lambda c: c["County hospital"].update(acute_care=15e6), "County hospital commits 17.0 million, not its 18.0 million"),
    (lambda c: c.pop("County"), r"Give a commitment for each funder \(County hospital, County\)"),
    (lambda c: c["County hospital"].update(acute_care=17e6, humane_housing=1e6),
     "humane_housing: the commitments add up to 9.0 million, the decision funds 10.0 million"),
])
def test_commitments_that_break_a_mandate_or_the_decision_are_refused(catalog, workshop, decided, edit, message):
    workshop_id, chosen = decided
    record_decision(workshop_id, chosen["id"], "Homes first", workshop["passcode"])
    given = {"County hospital": {"acute_care": 16e6, "humane_housing": 2e6},
             "County": {**{e: a for e, a in chosen["allocations"].items() if e != "acute_care"}, "humane_housing": 8e6}}
    edit(given)
    with pytest.raises(InputFormatError, match=message):
        record_commitments(catalog, workshop_id, given, workshop["passcode"])
    assert commitments_of(workshop_id) == {}


def test_the_command_line_records_and_shows_commitments(capsys, tmp_path, catalog, workshop, decided):
    workshop_id, chosen = decided
    record_decision(workshop_id, chosen["id"], "Homes first", workshop["passcode"])
    (tmp_path / "pass.txt").write_text(workshop["passcode"] + "\n")
    assert main(["decision", "commitments", "--workshop", workshop_id, "--passcode-file", str(tmp_path / "pass.txt")]) == 0
    capsys.readouterr()
    assert main(["workshop", "funders", "show", "--workshop", workshop_id]) == 0
    assert json.loads(capsys.readouterr().out)["County hospital"]["committed"] == {"acute_care": 16e6, "humane_housing": 2e6}


def test_the_printable_report_shows_each_funders_amounts_today_and_commitment(catalog, workshop, decided):
    from portfolio_engine.services.reports import workshop_report
    from portfolio_engine.services.unit_of_work import unit_of_work

    workshop_id, chosen = decided
    record_decision(workshop_id, chosen["id"], "Homes first", workshop["passcode"])
    with unit_of_work() as db:
        before = workshop_report(db, catalog, workshop_id)
    assert "Funders: today and their commitments" in before and "not recorded" in before
    record_commitments(catalog, workshop_id, None, workshop["passcode"])
    with unit_of_work() as db:
        page = workshop_report(db, catalog, workshop_id)
    assert ("<tr><td>County hospital (health)</td><td>Humane housing</td><td>0.00 million</td><td>2.00 million</td>"
            "<td>Humane housing, Acute care</td></tr>") in page


def test_the_default_commitments_follow_the_decided_proposals_own_funding_table(catalog, workshop, decided, status_quo):
    workshop_id, _ = decided
    funding = [{"funder": "County hospital", "element": "acute_care", "amount": 16e6},  # the least-moving split would keep the county out
               {"funder": "County hospital", "element": "humane_housing", "amount": 2e6}, {"funder": "County", "element": "acute_care", "amount": 1e6}]
    funding += [{"funder": "County", "element": e, "amount": a - (1e6 if e == "humane_housing" else 0)}
                for e, a in status_quo.allocations.items() if e != "acute_care"]
    change_state(workshop_id, "open", workshop["passcode"])
    own = save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Hospital homes", "Discharge to a home", None, funding=funding)
    change_state(workshop_id, "deciding", workshop["passcode"])
    record_decision(workshop_id, own["id"], "Hospital homes", workshop["passcode"])
    assert record_commitments(catalog, workshop_id, None, workshop["passcode"]) == own["by_funder"]  # not the least-moving split
