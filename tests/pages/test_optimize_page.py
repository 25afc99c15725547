"""The Optimize page through AppTest (page script run directly)."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from ui.text import plain

PAGE = "../../pages/optimize.py"


@pytest.fixture
def page(open_page):
    return open_page(PAGE)


def use_json(at, document):
    """Paste a document into the JSON view and apply it to the tables."""
    at.text_area(key="constraints_json").set_value(document if isinstance(document, str) else json.dumps(document))
    at.button(key="apply_json").click().run()


def errors_for(at, document) -> list[str]:
    """The messages a pasted document gets: when applied (it is not valid) or when the optimizer runs on it."""
    use_json(at, document)
    if not at.error:
        at.button(key="run_optimizer").click().run()
    assert not at.exception
    return [e.value for e in at.error]


def test_runs_the_default_problem_and_explains_it(page):
    page.button(key="run_optimizer").click().run()
    assert not page.exception and not page.error
    texts = [t.value for t in page.text]
    assert texts[0].startswith("More people thriving at the horizon (year 20): ") and "(status quo 52.6%)" in texts[0]
    limit = [t for t in texts if "limit on change" in t]
    assert len(limit) == 1 and limit[0].startswith("Binding: the 25% limit on change from the status quo holds "), limit
    assert any(m.value.startswith("In year 20: thriving") for m in page.markdown), "the projection in words"
    assert {t.key for t in page.toggle} >= {"chart_table:proposal_projection", "chart_table:marginal_values"}
    assert len(page.get("plotly_chart")) == 3


def test_a_pasted_document_fills_the_tables_and_the_json_follows_them(page):
    """Fix 8: the JSON and the tables are one document; applying a document shows its floors, owners and limit in the tables."""
    use_json(page, {"budget": 100e6, "objective": {"terms": [{"kind": "suffering_years", "years": 12, "weight": 2.0}]},
                    "max_change": 0.4, "floors": {"acute_care": 20e6}, "ceilings": {"acute_care": 40e6, "basic_needs": 7e6},
                    "family_floors": {"vital_conditions": 30e6}, "draws": 50,
                    "owners": {"floors.acute_care": "County hospital", "ceilings.basic_needs": "Mayor", "family_floors.vital_conditions": "Tenants"}})
    assert not page.error
    objectives, elements, families = (editor.value for editor in page.data_editor)
    assert objectives.set_index("kind").loc["suffering_years", ["use", "years", "weight"]].tolist() == [True, 12, 2.0]
    assert not objectives.set_index("kind").loc["thriving_at_year", "use"]
    rows = elements.set_index("id")
    assert rows.loc["acute_care", ["floor", "ceiling"]].tolist() == [20.0, 40.0] and rows.loc["acute_care", "owner"] == "County hospital"
    assert rows.loc["basic_needs", "ceiling"] == 7.0 and rows.loc["basic_needs", "owner"] == "Mayor"
    assert families.set_index("id").loc["vital_conditions", ["floor", "owner"]].tolist() == [30.0, "Tenants"]
    assert page.number_input(key="max_change").value == 40.0
    shown = json.loads(page.text_area(key="constraints_json").value)
    assert shown["floors"] == {"acute_care": 20e6} and shown["owners"]["ceilings.basic_needs"] == "Mayor" and shown["draws"] == 50
    page.number_input(key="max_change").set_value(30.0).run()  # a change in the page's widgets: the JSON follows
    shown = json.loads(page.text_area(key="constraints_json").value)
    assert shown["max_change"] == 0.3 and shown["floors"] == {"acute_care": 20e6} and shown["owners"]["floors.acute_care"] == "County hospital"
    page.button(key="run_optimizer").click().run()
    assert not page.exception and not page.error
    assert page.session_state["optimize_result"].document["owners"]["floors.acute_care"] == "County hospital"


def test_an_objective_the_page_cannot_show_is_refused_not_dropped(page):
    errors = errors_for(page, {"budget": 100e6, "objective": {"terms": [{"kind": "equity", "year": 10}]},
                               "communities": {"north": {"thriving": 0.5}, "south": {"thriving": 0.4}}})
    assert errors and ("equity" in errors[0] or "communit" in errors[0])


def test_owners_appear_in_plain_words(page):
    use_json(page, {"budget": 100e6, "objective": {"thriving_at_year": 10}, "floors": {"acute_care": 25e6},
                    "owners": {"floors.acute_care": "County hospital"}})
    page.button(key="run_optimizer").click().run()
    assert any("the County hospital's floor on Acute care (25.0 million)" in t.value for t in page.text)


@pytest.mark.parametrize(("document", "message"), [
    ("{not json", "The JSON document is not valid"),
    ({"budget": 100e6, "floors": {"acute_care": 60e6, "public_safety": 52e6}}, "floors add up to 112.0 million, budget is 100.0 million"),
    ({"budget": 100e6, "objective": {"equity": 10}}, "equity objective compares communities"),
])
def test_bad_documents_get_a_clear_message(page, document, message):
    assert plain(message) in errors_for(page, document)[0]


@pytest.mark.parametrize("name", ["status_quo", "assumptions", "communities"])
def test_a_pasted_document_cannot_read_or_probe_server_files(page, name, tmp_path):
    """Finding 3: a pasted file name gets one refusal, the same whether the file exists (secret.key) or not."""
    (tmp_path / "secret.key").write_text("k" * 64)
    messages = []
    for path in ("/dev/zero", str(tmp_path / "secret.key"), str(tmp_path / "missing.json")):
        messages.append(errors_for(page, {"budget": 1e8, name: path})[0])
    assert len(set(messages)) == 1 and "must be written inside the document" in messages[0]


@pytest.mark.parametrize(("document", "message"), [
    ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
    ('{"budget": NaN}', "NaN is not a number JSON allows"),
    ('{"budget": 1e100000000}', "too large a number"),
])
def test_hostile_json_gets_a_clear_message(page, document, message):
    assert plain(message) in errors_for(page, document)[0]


def test_frontier_points_can_be_loaded_into_allocate(page):
    page.button(key="run_frontier").click().run()
    assert not page.exception
    options = page.selectbox(key="frontier_point").options
    assert 10 <= len(options) <= 15
    page.selectbox(key="frontier_point").set_value(2).run()
    page.button(key="load_point").click().run()
    pending = page.session_state["pending_allocation"]
    assert sum(pending.values()) == pytest.approx(100e6, abs=0.01)


def test_allocate_page_opens_with_a_loaded_allocation():
    at = AppTest.from_file("../../pages/allocate.py", default_timeout=30)
    at.session_state["pending_allocation"] = {"basic_needs": 10e6, "acute_care": 90e6}
    at.run()
    amounts = json.loads(json.loads(at.get("component_instance")[0].proto.json_args)["amounts"])  # the sliders are one component
    assert (amounts["basic_needs"], amounts["acute_care"], amounts["humane_housing"]) == (10.0, 90.0, 0.0)


def test_equity_is_offered_with_neighborhood_data_and_the_proposal_can_be_saved(catalog, workshop):
    from pathlib import Path

    from portfolio_engine.community.indicators import import_long
    from portfolio_engine.community.survey import import_survey
    from portfolio_engine.record.proposals import list_proposals
    from portfolio_engine.record.workshops import join
    from portfolio_engine.security.access import OPERATOR

    demo = Path(__file__).resolve().parents[2] / "portfolio_engine" / "data" / "demo_city"
    import_long(catalog, demo / "indicators.csv", grant=OPERATOR)
    import_survey(catalog, demo / "survey.csv", "2024", "riverside", "Riverside", grant=OPERATOR)
    _, token = join(workshop["workshop"].id, "Cleo", "Tenants union", "residents")
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update({"w": workshop["workshop"].id, "me": token})
    at.run()
    assert "equity" in list(at.data_editor[0].value["kind"])
    use_json(at, {"budget": 100e6, "objective": {"terms": [{"kind": "equity", "year": 10}]}, "max_change": 0.25,
                  "communities": at.session_state["neighborhoods"]})
    at.button(key="run_optimizer").click().run()
    assert not at.exception and not at.error
    at.text_area[1].input("Lifts Eastside first")
    next(b for b in at.button if b.label == "Save as a proposal in the workshop").click().run()
    (saved,) = list_proposals(workshop["workshop"].id)
    assert saved["origin"] == "optimizer" and saved["origin_details"]["constraints"]["objective"]["terms"][0]["kind"] == "equity"


def test_every_proposal_says_how_sure_it_is_and_the_room_can_ask_for_a_robust_one(page):
    page.button(key="run_optimizer").click().run()
    central = next(m.value for m in page.markdown if m.value.startswith("Beats the status quo on this objective in"))
    assert "optimized for the central assumptions" in central
    page.toggle(key="robust").set_value(True).run()
    page.button(key="run_optimizer").click().run()
    assert not page.exception and not page.error
    robust = next(m.value for m in page.markdown if m.value.startswith("Beats the status quo on this objective in"))
    assert "its 10th percentile across 200" in robust


def test_in_a_workshop_the_agreed_ends_are_the_default_objective_and_its_funders_constrain(catalog, workshop):
    from portfolio_engine.record.ends import Ends, set_ends
    from portfolio_engine.record.funders import read_csv, set_funders
    from portfolio_engine.record.workshops import join

    workshop_id = workshop["workshop"].id
    set_ends(workshop_id, Ends({"suffering_years": 2.0, "thriving_at_year": 1.0}, 15), None, workshop["passcode"])
    rows = ["funder,sector,element,amount"]
    amounts = workshop["workshop"].status_quo_portfolio(catalog).allocations
    rows += [f"County hospital,health,acute_care,{amounts['acute_care']}"]
    rows += [f"City,government,{element},{amount}" for element, amount in amounts.items() if element != "acute_care"]
    set_funders(catalog, workshop_id, read_csv(catalog, "\n".join(rows)), workshop["passcode"])
    _, token = join(workshop_id, "Cleo", "Tenants union", "residents")
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update({"w": workshop_id, "me": token})
    at.run()
    table = at.data_editor[0].value.set_index("kind")
    assert table.loc["suffering_years", "use"] and table.loc["thriving_at_year", "use"] and not table.loc["urgent_cost", "use"]
    assert table.loc["suffering_years", "weight"] == 2.0 and table.loc["suffering_years", "years"] == 15
    at.button(key="run_optimizer").click().run()
    assert not at.exception and not at.error
    by_funder = at.session_state["optimize_result"].proposal.allocations_by_funder
    assert set(by_funder) == {"County hospital", "City"}
    shown = next(d.value for d in at.dataframe if "County hospital" in d.value.columns)
    assert shown.set_index("element").loc["Acute care", "County hospital"] > 0


def test_a_participants_own_binding_constraints_come_first(workshop):
    """Fix 8: in the result, what the reader asked for leads; the room's 25% limit is one line at the end."""
    from portfolio_engine.record.workshops import join

    _, token = join(workshop["workshop"].id, "Cleo", "Tenants union", "residents")
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update({"w": workshop["workshop"].id, "me": token})
    at.run()
    use_json(at, {"budget": 100e6, "objective": {"thriving_at_year": 20}, "max_change": 0.25,
                  "ceilings": {"basic_needs": 6.5e6, "humane_housing": 8.5e6},
                  "owners": {"ceilings.basic_needs": "Mayor", "ceilings.humane_housing": "Tenants union"}})
    at.button(key="run_optimizer").click().run()
    assert not at.exception and not at.error
    lines = [t.value for t in at.text if t.value.startswith("Binding: ")]
    assert lines[0].startswith("Binding: the Tenants union's ceiling on Humane housing (8.5 million)")
    assert lines[1].startswith("Binding: the Mayor's ceiling on Basic needs")
    assert lines[-1].startswith("Binding: the 25% limit on change from the status quo holds") and len(lines) == 3
