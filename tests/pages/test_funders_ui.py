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
