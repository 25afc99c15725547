"""ui/funders.py through AppTest: the Facilitate funders table and Allocate's "by funder" view."""

from streamlit.testing.v1 import AppTest

from portfolio_engine.record.funders import list_funders, read_csv, set_funders, with_mandates
from portfolio_engine.record.workshops import authenticate
from ui.text import plain


def _csv(status_quo) -> str:
    rows = ["funder,sector,element,amount", "County hospital,health,acute_care,18000000"]
    rows += [f"County,government,{e},{a:.0f}" for e, a in status_quo.allocations.items() if e != "acute_care"]
    return "\n".join(rows) + "\n"


def _facilitate_script():
    from portfolio_engine.model.catalog import load_catalog
    from ui import identity
    from ui.funders import facilitate_section

    facilitate_section(load_catalog(), identity.facilitated(), identity.grant())


def _allocate_script():
    import streamlit as st

    from portfolio_engine.model.catalog import load_catalog
    from ui.funders import by_funder

    by_funder(load_catalog(), st.session_state["sliders"])


def _session(script, workshop) -> AppTest:
    at = AppTest.from_function(script, default_timeout=60)
    at.session_state["grant"] = authenticate(workshop["workshop"].id, workshop["passcode"])
    return at


def test_the_facilitator_sees_the_funders_and_saves_a_mandate(catalog, workshop, status_quo):
    set_funders(catalog, workshop["workshop"].id, read_csv(catalog, _csv(status_quo)), workshop["passcode"])
    at = _session(_facilitate_script, workshop)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = at.dataframe[0].value
    assert list(shown["funder"])[:2] == ["County hospital", "County"] and shown["element"].iloc[0] == "Acute care"
    at.text_area(key="funders_mandates").input('{"County hospital": {"may_fund": ["acute_care"], "floors": {"acute_care": 10000000}}}')
    next(b for b in at.button if b.label == "Save the funders").click().run()
    assert not at.exception and [s.label if hasattr(s, "label") else s.value for s in at.success] == ["Funders saved."]
    hospital = list_funders(workshop["workshop"].id)[0]
    assert hospital.may_fund == ("acute_care",) and hospital.floors == {"acute_care": 10_000_000}


def test_a_mandate_the_spending_breaks_is_refused_on_the_page_and_nothing_is_saved(catalog, workshop, status_quo):
    set_funders(catalog, workshop["workshop"].id, read_csv(catalog, _csv(status_quo)), workshop["passcode"])
    at = _session(_facilitate_script, workshop)
    at.run()
    at.text_area(key="funders_mandates").input('{"County": {"may_fund": ["humane_housing"]}}')
    next(b for b in at.button if b.label == "Save the funders").click().run()
    assert "County spends" in at.error[0].value and "which its mandate does not allow" in at.error[0].value
    assert list_funders(workshop["workshop"].id)[1].may_fund is None


def test_allocate_by_funder_shows_who_moves_what_within_mandates(catalog, workshop, status_quo):
    stewards = with_mandates(read_csv(catalog, _csv(status_quo)), {"County hospital": {"may_fund": ["acute_care"]}})
    set_funders(catalog, workshop["workshop"].id, stewards, workshop["passcode"])
    at = _session(_allocate_script, workshop)
    at.session_state["sliders"] = dict(status_quo.allocations, acute_care=20e6, humane_housing=6e6)
    at.run()
    assert not at.dataframe, "behind a toggle: nothing computed on a slider's move until someone asks"
    at.toggle(key="by_funder").set_value(True).run()
    assert not at.exception and not at.warning, [e.value for e in [*at.exception, *at.warning]]
    table = at.dataframe[0].value
    hospital = table[table["Funder"] == "County hospital"]
    assert list(hospital["Element"]) == ["Acute care"] and hospital["Under these sliders (millions)"].iloc[0] == 18.0
    county = table[table["Funder"] == "County"].set_index("Element")
    assert county.loc["Humane housing", "Change (millions)"] == -2.0 and county.loc["Acute care", "Change (millions)"] == 2.0
    assert county.loc["Acute care", "Funded with"] == "County hospital"
    at.session_state["sliders"] = dict(status_quo.allocations, acute_care=16e6, humane_housing=10e6)  # the hospital's 18 cannot fit
    at.run()
    assert at.warning[0].value == plain("County hospital must spend 18.0 million on Acute care, but these totals put only 16.0 million there.")


def test_after_the_decision_the_facilitator_records_each_funders_commitment(catalog, workshop, status_quo):
    from portfolio_engine.record.decisions import record_decision
    from portfolio_engine.record.proposals import save_proposal
    from portfolio_engine.record.workshops import change_state

    workshop_id = workshop["workshop"].id
    set_funders(catalog, workshop_id, read_csv(catalog, _csv(status_quo)), workshop["passcode"])
    chosen = save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Keep", "Stable", status_quo.allocations)
    change_state(workshop_id, "deciding", workshop["passcode"])
    record_decision(workshop_id, chosen["id"], "Stable", workshop["passcode"])
    at = _session(_facilitate_script, workshop)
    at.run()
    at.button(key="record_commitments").click().run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    committed = at.dataframe[1].value
    assert committed[committed["Funder"] == "County hospital"]["Committed (millions)"].tolist() == [18.0]


ALLOCATE = "../../pages/allocate.py"
HOSPITAL = {"County hospital": {"may_fund": ["acute_care", "basic_needs"]}}


def _allocate_with_funding_table(catalog, workshop, status_quo, edits: dict[str, dict[str, float]]) -> AppTest:
    """The Allocate page of a joined participant, sliders at the status quo, the by-funder view open, its funding table edited
    ({element id: {funder: millions}}) and chosen for saving, a title and rationale typed: ready to press "Save proposal"."""
    from portfolio_engine.record.workshops import join
    from ui.funders import FUNDING_EDITOR

    workshop_id = workshop["workshop"].id
    set_funders(catalog, workshop_id, with_mandates(read_csv(catalog, _csv(status_quo)), HOSPITAL), workshop["passcode"])
    _, token = join(workshop_id, "Cleo", "Tenants union", "residents")
    at = AppTest.from_file(ALLOCATE, default_timeout=60)
    at.query_params.update(w=workshop_id, me=token)
    at.run()
    at.toggle(key="by_funder").set_value(True)
    at.toggle(key="saving").set_value(True).run()
    filled = at.data_editor(key=FUNDING_EDITOR).value
    assert filled.loc[filled["element"] == "Acute care", "County hospital"].tolist() == [18.0], "filled with the split of the sliders"
    at.session_state[FUNDING_EDITOR] = {"edited_rows": {catalog.index(e): row for e, row in edits.items()}, "added_rows": [], "deleted_rows": []}
    at.checkbox(key="funding_save").check().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _save(at: AppTest) -> None:
    """Type a title and rationale into the save form and press "Save proposal" (a form sends its fields with its button)."""
    next(t for t in at.text_input if t.label == "Title").input("Shared care")
    next(t for t in at.text_area if t.label.startswith("Rationale")).input("The hospital helps with basic needs")
    next(b for b in at.button if b.label == "Save proposal").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_a_proposal_saved_from_allocate_with_its_own_funding_table_says_who_funds_what(catalog, workshop, status_quo):
    from portfolio_engine.record.proposals import list_proposals

    at = _allocate_with_funding_table(catalog, workshop, status_quo, {
        "acute_care": {"County hospital": 17.0, "County": 1.0}, "basic_needs": {"County hospital": 1.0, "County": 5.0}})
    assert not at.warning, "the edited table adds up: nothing to warn about"
    _save(at)
    assert not at.error, [e.value for e in at.error]
    (saved,) = list_proposals(workshop["workshop"].id)
    assert saved["by_funder"]["County hospital"] == {"acute_care": 17e6, "basic_needs": 1e6}
    assert saved["by_funder"]["County"]["acute_care"] == 1e6 and saved["by_funder"]["County"]["basic_needs"] == 5e6
    assert saved["allocations"] == status_quo.allocations


def test_a_funding_table_whose_totals_are_not_the_sliders_is_refused_naming_the_element_and_nothing_is_lost(catalog, workshop, status_quo):
    from portfolio_engine.record.proposals import list_proposals
    from ui.funders import FUNDING_EDITOR

    at = _allocate_with_funding_table(catalog, workshop, status_quo, {
        "humane_housing": {"County": 6.0}, "basic_needs": {"County": 8.0}})  # the county's own total is kept; two elements move
    shown = at.warning[0].value
    assert plain("Basic needs for health and safety: 2.0 million more than the sliders give it") in shown
    assert plain("Humane housing: 2.0 million less than the sliders give it") in shown
    _save(at)
    assert at.error[0].value.startswith(plain("Basic needs for health and safety: the funders bring 8,000,000 in the funding table"))
    assert "basic_needs" not in at.error[0].value
    assert list_proposals(workshop["workshop"].id) == []
    assert at.session_state[FUNDING_EDITOR]["edited_rows"][catalog.index("humane_housing")] == {"County": 6.0}, "the edits are kept"
    assert next(t for t in at.text_input if t.label == "Title").value == "Shared care"
    at.button(key="funding_refill").click().run()
    assert not at.warning and not at.session_state[FUNDING_EDITOR]["edited_rows"], "filled again from the sliders, the table adds up"


def test_a_funding_table_that_breaks_a_mandate_is_refused_naming_the_row(catalog, workshop, status_quo):
    from portfolio_engine.record.proposals import list_proposals
    from ui.funders import FUNDING_EDITOR

    at = _allocate_with_funding_table(catalog, workshop, status_quo, {
        "acute_care": {"County hospital": 16.0, "County": 2.0}, "humane_housing": {"County hospital": 2.0, "County": 6.0}})
    _save(at)
    table = at.data_editor(key=FUNDING_EDITOR).value
    row = int(table.index[table["element"] == "Humane housing"][0])  # the row number the table shows
    assert at.error[0].value == plain(f"Row {row} (County hospital, Humane housing): County hospital's mandate does not allow it to fund "
                                      "Humane housing. Nothing was saved.")
    assert list_proposals(workshop["workshop"].id) == []


def test_each_refusal_of_a_funding_table_reads_in_spanish_with_element_names(catalog, workshop, status_quo):
    """The engine's refusals the save form can meet, as the page shows them (`named`), have a Spanish translation."""
    import pytest

    from portfolio_engine import i18n
    from portfolio_engine.errors import PortfolioError
    from portfolio_engine.record.proposals import save_proposal
    from ui.funders import named

    workshop_id = workshop["workshop"].id
    mandates = {"County hospital": {"may_fund": ["acute_care", "basic_needs"], "floors": {"acute_care": 17e6}}}
    set_funders(catalog, workshop_id, with_mandates(read_csv(catalog, _csv(status_quo)), mandates), workshop["passcode"])
    county = [{"funder": "County", "element": e, "amount": a} for e, a in status_quo.allocations.items() if e != "acute_care"]
    hospital = [{"funder": "County hospital", "element": "acute_care", "amount": 18e6}]

    def refused(rows: list[dict]) -> str:
        with pytest.raises(PortfolioError) as caught:
            save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Mix", "Why", status_quo.allocations, funding=rows)
        shown = named(catalog, str(caught.value))
        assert not any(e in shown for e in catalog.ids), shown
        return i18n.message(shown, "es")

    moved = [dict(r, amount=r["amount"] - 2e6) if r["element"] == "humane_housing" else r for r in county]
    assert refused([*moved, *hospital]).startswith("County financia 80.0 million en esta tabla, no los 82.0 million que aporta")
    assert refused([*county, {"funder": "County hospital", "element": "acute_care", "amount": 16e6},
                    {"funder": "County hospital", "element": "basic_needs", "amount": 2e6}]).startswith("County hospital financia 16.0 million en")
