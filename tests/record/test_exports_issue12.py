"""Funders and shared ends travel with a workshop's export: JSON round trip with a verified chain, CSV tables, bad rows refused."""

import json

import pytest

from portfolio_engine import storage
from portfolio_engine.errors import InputFormatError
from portfolio_engine.record import audit, exports
from portfolio_engine.record.ends import Ends, current_ends, ends_history, set_ends
from portfolio_engine.record.funders import list_funders, read_csv, set_funders, with_mandates
from portfolio_engine.record.workshops import list_workshops
from portfolio_engine.security.access import OPERATOR


@pytest.fixture
def exported(catalog, workshop, status_quo):
    workshop_id = workshop["workshop"].id
    rows = ["funder,sector,element,amount", "County hospital,health,acute_care,18000000"]
    rows += [f"County,government,{e},{a:.0f}" for e, a in status_quo.allocations.items() if e != "acute_care"]
    stewards = with_mandates(read_csv(catalog, "\n".join(rows)), {"County hospital": {"may_fund": ["acute_care"], "floors": {"acute_care": 1e7}}})
    set_funders(catalog, workshop_id, stewards, workshop["passcode"])
    set_ends(workshop_id, Ends({"thriving_at_year": 1.0}), None, workshop["passcode"])
    set_ends(workshop_id, Ends({"suffering_years": 2.0, "thriving_at_year": 1.0}, 15), "Less suffering first", workshop["passcode"])
    return workshop_id, json.loads(exports.export_json(workshop_id))


def test_funders_and_ends_round_trip_through_a_json_export(exported):
    workshop_id, document = exported
    assert [f["name"] for f in document["funders"]] == ["County hospital", "County"] and len(document["shared_ends"]) == 2
    copy = exports.import_document(document, "new-passcode-1", grant=OPERATOR)
    assert list_funders(copy) == list_funders(workshop_id)
    assert current_ends(copy) == Ends({"suffering_years": 2.0, "thriving_at_year": 1.0}, 15)
    assert [h["reason"] for h in ends_history(copy)] == [None, "Less suffering first"]
    with storage.reading() as db:
        assert audit.verify(db, copy).ok and audit.verify(db, workshop_id).ok


def test_the_csv_tables_carry_funders_and_ends(catalog, exported):
    _, document = exported
    files = exports.csv_tables(catalog, document)
    assert "County hospital" in files["funders.csv"] and "Less suffering first" in files["shared_ends.csv"]


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["funders"][0].update(amounts='{"parks": 5}'), r"funders\[0\] .*names an element this catalog lacks \(parks\)"),
    (lambda d: d["funders"][0].update(may_fund='{"acute_care": 1}'), r"funders\[0\].may_fund must be a JSON list"),
    (lambda d: d["funders"][0].update(amounts='{"acute_care": -5}'), r"funders\[0\].amounts \(acute_care\) must be a number"),
])
def test_a_bad_funder_row_is_refused_by_name_and_nothing_is_imported(exported, edit, message):
    _, document = exported
    edit(document)
    with pytest.raises(InputFormatError, match=message):
        exports.import_document(document, "new-passcode-1", grant=OPERATOR)
    assert len(list_workshops()) == 1
