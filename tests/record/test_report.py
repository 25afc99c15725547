"""The printable report and CSV read as people read them: a chart that prints, the chosen proposal marked, who asked for each
constraint, readable times, names in CSV headers and clean file names (issue 16, fixes 7 and 12)."""

import csv
import io
import re

import pytest

from portfolio_engine import storage
from portfolio_engine.record import exports
from portfolio_engine.record.decisions import record_decision
from portfolio_engine.record.proposals import save_proposal
from portfolio_engine.record.report_chart import bars_svg, file_name
from portfolio_engine.record.workshops import change_state, create_workshop, join
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.services.reports import workshop_report
from portfolio_engine.services.unit_of_work import unit_of_work

CONSTRAINTS = {"budget": 100e6, "floors": {"acute_care": 15e6}, "max_change": 0.5,
               "owners": {"floors.acute_care": "County hospital", "max_change": "City council"}}


@pytest.fixture
def decided(catalog, status_quo):
    storage.migrate()
    w, _ = create_workshop(catalog, "Riverside 2027 (demo)", 100e6, "facilitator-pass", status_quo, constraints=CONSTRAINTS, grant=OPERATOR)
    ana, _ = join(w.id, "Ana", "County hospital", "health")
    keep = save_proposal(catalog, w.id, ana["id"], "Keep", "Stable", w.status_quo_portfolio(catalog).allocations)
    save_proposal(catalog, w.id, ana["id"], "Housing", "Homes", dict(w.status_quo_portfolio(catalog).allocations, acute_care=17e6, humane_housing=9e6))
    change_state(w.id, "deciding", "facilitator-pass")
    record_decision(w.id, keep["id"], "Agreed", "facilitator-pass")
    return w


def test_the_report_charts_the_decision_marks_it_names_owners_and_reads_times(catalog, decided):
    with unit_of_work() as db:
        page = workshop_report(db, catalog, decided.id)
    assert page.count("<svg") == 1 and "Decision: Keep (v1)" in page
    assert "&#9733; Chosen: Keep (v1)" in page and "&#9733; Chosen: Housing" not in page
    assert "At least 15.00 million USD for Acute care</td><td class='text'>County hospital" in page
    assert "No element moves more than 50% from the status quo</td><td class='text'>City council" in page
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d", page.split("<code>")[0]) and " UTC" in page


def test_proposals_csv_heads_amounts_with_names_and_ids(catalog, decided):
    rows = list(csv.DictReader(io.StringIO(exports.proposals_csv(catalog, exports.snapshot(decided.id)))))
    assert rows[1]["Acute care (acute_care)"] == "17000000.0" and rows[0]["saved"].endswith("UTC")


def test_the_chart_draws_a_bar_per_series_and_element(catalog, status_quo):
    svg = bars_svg(catalog, {"Status quo": status_quo.allocations, "Other": status_quo.allocations}, 1e6, "million USD")
    assert svg.count("<rect") == 2 + 2 * len(catalog.elements) and "Acute care" in svg


@pytest.mark.parametrize(("name", "expected"), [("Riverside 2027 (demo)", "riverside-2027.html"), ("Częstochowa: budżet!", "czestochowa-budzet.html"),
                                                ("(demo)", "workshop.html")])
def test_download_names_are_clean(name, expected):
    assert file_name(name, ".html") == expected
