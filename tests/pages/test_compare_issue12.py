"""Compare with the region's funders, the room's ends and a proposal's impact statement (ui/funders.py, ui/ends.py, ui/statement.py)."""

from portfolio_engine.record.ends import Ends, set_ends
from portfolio_engine.record.funders import read_csv, set_funders, with_mandates
from portfolio_engine.record.menu import set_menu
from portfolio_engine.record.proposals import save_proposal
from ui.text import plain

COMPARE = "../../pages/compare.py"


def test_compare_reads_each_proposal_on_the_agreed_ends_by_funder_and_offers_its_statement(catalog, workshop, status_quo, open_page):
    workshop_id = workshop["workshop"].id
    rows = ["funder,sector,element,amount", "County hospital,health,acute_care,18000000"]
    rows += [f"County,government,{e},{a:.0f}" for e, a in status_quo.allocations.items() if e != "acute_care"]
    set_funders(catalog, workshop_id, with_mandates(read_csv(catalog, "\n".join(rows)), {"County hospital": {"may_fund": ["acute_care", "humane_housing"]}}),
                workshop["passcode"])
    set_ends(workshop_id, Ends({"suffering_years": 2.0, "thriving_at_year": 1.0}, 20), None, workshop["passcode"])
    set_menu(catalog, workshop_id, {"elements": {"humane_housing": {"name": "Homes for all", "definition": "A safe, affordable home for everyone."}}},
             None, workshop["passcode"])
    save_proposal(catalog, workshop_id, workshop["ben"]["id"], "Housing first", "Homes", dict(status_quo.allocations, acute_care=14e6, humane_housing=12e6))
    funding = [{"funder": "County hospital", "element": "acute_care", "amount": 16e6},
               {"funder": "County hospital", "element": "humane_housing", "amount": 2e6}]
    funding += [{"funder": "County", "element": e, "amount": a} for e, a in status_quo.allocations.items() if e != "acute_care"]
    save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Hospital housing", "Discharge to a home", None, funding=funding)
    at = open_page(COMPARE)
    at.text_input(key="compare_code").input(workshop["workshop"].join_code).run()
    assert not at.exception, [e.value for e in at.exception]
    assert {"How each one does on the ends you agreed", "Who funds what: each funder's change from today", "Well-being impact statement"} <= {
        s.value for s in at.subheader}
    ends_table = next(d.value for d in at.dataframe if "end" in d.value.columns)
    assert list(ends_table["end"]) == ["Less suffering", "More people thriving"]
    assert "than the status quo" in ends_table["Housing first v1 (Ben)"].iloc[0]
    funders_table = next(d.value for d in at.dataframe if "Funder" in d.value.columns)
    hospital = funders_table[funders_table["Funder"] == "County hospital"].set_index("Element")  # the workshop's words for the elements
    assert hospital.loc["Acute care", "Housing first v1 (Ben) (estimated): change (millions)"] == -4.0
    assert hospital.loc["Homes for all", "Housing first v1 (Ben) (estimated): funded with"] == "County"
    assert hospital.loc["Acute care", "Hospital housing v1 (Ana) (as proposed): change (millions)"] == -2.0
    assert hospital.loc["Homes for all", "Hospital housing v1 (Ana) (as proposed): change (millions)"] == 2.0
    covers = next(t.value for t in at.table if "Definition" in t.value.columns)
    assert "A safe, affordable home for everyone." in list(covers["Definition"]) and "Homes for all" in list(covers["Element"])
    at.toggle(key="statement_on").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(b.label == "Prepare the statement (HTML)" for b in at.button)
    assert any(m.value.startswith(plain("Better")) or m.value.startswith(plain("Worse")) or m.value.startswith(plain("Not better"))
               for m in at.markdown)


def test_a_spanish_reader_gets_the_statements_headline_in_spanish(catalog, workshop, status_quo, open_page):
    """The record keeps the headline in English (as the command line and exports write it); the page words it in its language,
    and names the unit amounts are shown in in that language."""
    from portfolio_engine.i18n import gettext
    from portfolio_engine.model.milestones import HEADLINES

    allocations = dict(status_quo.allocations, acute_care=14e6, humane_housing=12e6)
    save_proposal(catalog, workshop["workshop"].id, workshop["ben"]["id"], "Housing first", "Homes", allocations)
    at = open_page(COMPARE, lang="es")
    at.text_input(key="compare_code").input(workshop["workshop"].join_code).run()
    at.toggle(key="statement_on").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    openings = tuple(plain(gettext(sentence, "es").split(":")[0]) for sentence in HEADLINES.values())
    said = [m.value for m in at.markdown if m.value.startswith(openings)]
    assert said and "status quo" not in said[0], [m.value for m in at.markdown]
    assert any(m.value.startswith("Montos por elemento") and "en millones;" in m.value for m in at.markdown)  # the unit's word too
