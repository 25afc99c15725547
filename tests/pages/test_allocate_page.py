"""The Allocate page through Streamlit's own AppTest (page script run directly, see README)."""

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

PAGE = "../../pages/allocate.py"
ENTRY = "../../app.py"


@pytest.fixture
def page(open_page):
    return open_page(PAGE)


def metric(at, label_start):
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def slider_total(at):
    return sum(s.value for s in at.slider if s.key.startswith("amount:"))


def test_page_opens_with_thirteen_sliders_on_budget(page):
    sliders = [s for s in page.slider if s.key.startswith("amount:")]
    assert len(sliders) == 13
    assert slider_total(page) == pytest.approx(100.0)
    assert metric(page, "Remaining") == "0.00 million"
    assert "illustrative" in page.caption[0].value


def test_families_are_grouped_with_subtotals(page):
    headers = [h.value for h in page.subheader]
    assert headers == [
        "Vital conditions: 35.0 million (35%)",
        "Urgent services: 60.0 million (60%)",
        "Belonging and civic muscle: 5.0 million (5%)",
    ]


def test_keep_total_rebalances_the_other_elements(page):
    page.slider(key="amount:basic_needs").set_value(16.0).run()
    assert slider_total(page) == pytest.approx(100.0)
    assert page.slider(key="amount:acute_care").value < 18.0
    assert metric(page, "Thriving in year 20") != "52.6%"


def test_free_mode_shows_what_remains_to_allocate(page):
    page.toggle(key="keep_total").set_value(False).run()
    page.slider(key="amount:basic_needs").set_value(4.0).run()
    assert metric(page, "Remaining") == "2.00 million"
    assert page.slider(key="amount:acute_care").value == 18.0


def test_locked_element_is_disabled_and_kept(page):
    page.pills(key="locks:urgent_services").set_value(["acute_care"]).run()
    assert page.slider(key="amount:acute_care").disabled
    page.slider(key="amount:public_safety").set_value(10.0).run()
    assert page.slider(key="amount:acute_care").value == 18.0
    assert slider_total(page) == pytest.approx(100.0)


def test_reset_returns_to_the_status_quo(page):
    page.slider(key="amount:basic_needs").set_value(30.0).run()
    page.button[0].click().run()
    assert page.slider(key="amount:basic_needs").value == 6.0
    assert metric(page, "Thriving in year 20") == "52.6%"


def test_reset_after_several_moves_and_a_lock_restores_every_element(page):
    page.slider(key="amount:basic_needs").set_value(30.0).run()
    page.pills(key="locks:vital_conditions").set_value(["basic_needs"]).run()
    page.slider(key="amount:acute_care").set_value(5.0).run()
    page.button[0].click().run()
    expected = {"basic_needs": 6.0, "acute_care": 18.0, "public_safety": 20.0, "belonging_civic_muscle": 5.0}
    assert {i: page.slider(key=f"amount:{i}").value for i in expected} == pytest.approx(expected)
    assert page.pills(key="locks:vital_conditions").value == []


def test_locks_and_shares_are_one_control_and_one_caption_per_family(page):
    """Fewer elements for Streamlit on every move (issue 18): no checkbox per element, one lock control and one
    caption per family naming each element's share against the status quo, whose amount is in the slider's help."""
    assert not page.checkbox
    locks = {p.key: p.options for p in page.pills}
    assert sorted(locks) == ["locks:civic_muscle", "locks:urgent_services", "locks:vital_conditions"]
    assert sum(len(options) for options in locks.values()) == 13
    page.slider(key="amount:basic_needs").set_value(16.0).run()
    family = next(c.value for c in page.caption if c.value.startswith("Basic needs"))
    assert "Basic needs for health and safety 16.0% (status quo 6.0%)" in family and "Year 20: thriving" in family
    assert "Status quo: 6.0 million" in page.slider(key="amount:basic_needs").help
    assert len(page.caption) < 13


def test_the_status_quo_run_is_made_once_per_session_not_on_every_move(page):
    held = page.session_state["allocate:status_quo_run"][3]
    page.slider(key="amount:basic_needs").set_value(16.0).run()
    page.slider(key="amount:acute_care").set_value(10.0).run()
    assert page.session_state["allocate:status_quo_run"][3] is held
    assert metric(page, "Thriving in year 20") != "52.6%"
    page.segmented_control(key="horizon").set_value(10).run()
    assert len(page.session_state["allocate:status_quo_run"][3]) == 11, "another horizon: a new status-quo run"


def test_allocation_is_encoded_in_the_url(page):
    page.slider(key="amount:basic_needs").set_value(16.0).run()
    assert page.query_params["basic_needs"] == "16000000"


def test_a_shared_link_opens_its_allocation():
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params.update({"basic_needs": "10000000", "acute_care": "14000000"})
    at.run()
    assert at.slider(key="amount:basic_needs").value == 10.0
    assert at.slider(key="amount:acute_care").value == 14.0


def test_a_broken_link_falls_back_to_the_status_quo_with_a_warning():
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["acute_care"] = "lots"
    at.run()
    assert not at.exception
    assert "could not be used" in at.warning[0].value
    assert at.slider(key="amount:acute_care").value == 18.0


def test_session_assumptions_change_the_projection_and_bad_ones_are_explained(page):
    page.session_state["assumption_overrides"] = {"constants": {"pressure_weight": 0.0}}
    page.slider(key="amount:basic_needs").set_value(16.0).run()
    with_pressure = AppTest.from_file(PAGE, default_timeout=30)
    with_pressure.run()
    with_pressure.slider(key="amount:basic_needs").set_value(16.0).run()
    assert metric(page, "Realized vital share") != metric(with_pressure, "Realized vital share")
    page.session_state["assumption_overrides"] = {"constants": {"rise_rate": -3}}
    page.run()
    assert "cannot be used" in page.error[0].value and not page.exception


def test_downloads_are_offered(page):
    labels = [b.label for b in page.get("download_button")]
    assert labels == ["Download JSON", "Download CSV"]


def test_entrypoint_runs_and_prepares_the_database(private_database):
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.run()
    assert not at.exception
    assert private_database.exists()


def test_each_view_draws_one_chart(page):
    for view in ("People", "Difference", "Cost of harm", "Does the shift hold?"):
        page.segmented_control(key="view").set_value(view).run()
        assert not page.exception
        assert len(page.get("plotly_chart")) == 1


def test_horizon_changes_the_headline_year(page):
    page.segmented_control(key="horizon").set_value(10).run()
    assert metric(page, "Thriving in year 10") == "52.6%"


def milestone_headline(at):
    openings = ("**Worse before better:", "**Better from the start:", "**Better and worse:", "**Not better than the status quo")
    return next(m.value for m in at.markdown if m.value.startswith(openings))


def test_headline_says_when_the_mix_pulls_ahead_of_the_status_quo(page):
    assert milestone_headline(page) == "**Not better than the status quo within 20 years.**"
    page.slider(key="amount:humane_housing").set_value(20.0).run()
    assert milestone_headline(page) != "**Not better than the status quo within 20 years.**"


def test_phone_feedback_sits_beside_the_sliders(page):
    page.slider(key="amount:basic_needs").set_value(16.0).run()
    summaries = [c.value for c in page.caption if "thriving" in c.value and "vs status quo" in c.value]
    assert len(summaries) == 3 and "Year 20: thriving 5" in summaries[0]


def test_assumptions_editor_opens_applies_and_resets(page):
    page.toggle(key="show_assumptions").set_value(True).run()
    assert len(page.data_editor) == 2
    apply = next(b for b in page.button if b.label == "Apply assumptions")
    apply.click().run()
    assert not page.exception and not page.error
    assert page.session_state["assumption_overrides"]["constants"]["rise_rate"] == 0.12
    assert metric(page, "Thriving in year 20") == "52.6%"
    next(b for b in page.button if b.label == "Reset assumptions to defaults").click().run()
    assert page.session_state["assumption_overrides"] == {}


def test_projection_can_start_from_the_citys_survey(catalog):
    from pathlib import Path

    from portfolio_engine.community.survey import import_survey
    from portfolio_engine.security.access import OPERATOR

    survey = Path(__file__).resolve().parents[2] / "portfolio_engine" / "data" / "demo_city" / "survey.csv"
    import_survey(catalog, survey, "2024", "riverside", "Riverside", grant=OPERATOR)
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.run()
    at.radio(key="start_choice").set_value("Your city's survey").run()
    assert not at.exception
    assert any("From your data: thriving 49%" in c.value for c in at.caption)
    assert metric(at, "Thriving in year 20") != "52.6%"


def test_stale_values_sent_with_a_move_are_not_taken_as_moves(page):
    page.slider(key="amount:basic_needs").set_value(6.5).run()  # one key press
    assert page.slider(key="amount:humane_housing").value < 8.0
    # A browser that missed that rebalance sends the next press with the other sliders at their old values.
    page.slider(key="amount:basic_needs").set_value(7.0)
    page.slider(key="amount:humane_housing").set_value(8.0)
    page.run()
    assert page.slider(key="amount:basic_needs").value == 7.0
    assert page.slider(key="amount:humane_housing").value < 8.0 and slider_total(page) == pytest.approx(100.0)
    page.slider(key="amount:humane_housing").set_value(9.0).run()  # a real move is still a move
    assert page.slider(key="amount:humane_housing").value == 9.0 and slider_total(page) == pytest.approx(100.0)


def test_the_room_reads_how_sure_the_projection_is_and_sees_the_band(page):
    page.slider(key="amount:humane_housing").set_value(20.0).run()
    sentence = next(c.value for c in page.caption if c.value.startswith("Better than the status quo for thriving in"))
    assert "of 100 plausible sets of assumptions" in sentence
    page.segmented_control(key="view").set_value("Difference").run()
    figure = json.loads(page.get("plotly_chart")[0].proto.spec)
    assert sum(1 for trace in figure["data"] if trace.get("fill") == "tonexty") == 2, "a band for thriving and for suffering"


def _values(encoded):
    """Plotly's JSON carries numpy arrays as base64 with their dtype."""
    return np.frombuffer(base64.b64decode(encoded["bdata"]), dtype=encoded["dtype"]) if isinstance(encoded, dict) else np.asarray(encoded)


def test_the_cost_of_harm_view_counts_unmet_need(page):
    for element in ("acute_care", "public_safety", "addiction_recovery"):
        page.slider(key=f"amount:{element}").set_value(1.0).run()
    page.segmented_control(key="view").set_value("Cost of harm").run()
    figure = json.loads(page.get("plotly_chart")[0].proto.spec)
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["status quo: cost of harm", "this mix: cost of harm", "this mix: services drawn (no unmet need)"]
    harm, drawn = (_values(figure["data"][n]["y"]) for n in (1, 2))
    assert harm[-1] > drawn[-1], "cutting services leaves need unmet, which the cost of harm counts"


def test_neighborhoods_from_the_data_hold_their_place_and_show_this_mix_place_by_place(catalog, open_page):
    from pathlib import Path

    from portfolio_engine.community.indicators import import_long
    from portfolio_engine.community.survey import import_survey
    from portfolio_engine.security.access import OPERATOR

    demo = Path(__file__).resolve().parents[2] / "portfolio_engine" / "data" / "demo_city"
    import_long(catalog, demo / "indicators.csv", grant=OPERATOR)
    import_survey(catalog, demo / "survey.csv", "2024", "riverside", "Riverside", grant=OPERATOR)
    at = open_page(PAGE)
    at.toggle(key="show_places").set_value(True).run()
    table = next(d.value for d in at.dataframe if "Neighborhood" in d.value.columns)
    assert set(table["Neighborhood"]) == {"Eastside", "Harbor", "Hillcrest", "Northgate", "Old Town"}
    assert (table["Thriving today"] == table["Year 20, status quo"]).all(), "gaps do not close by themselves"
    at.slider(key="amount:humane_housing").set_value(20.0).run()
    table = next(d.value for d in at.dataframe if "Neighborhood" in d.value.columns)
    assert table["Change"].tolist() != ["+0.0 pts"] * 5, f"a mix moves the places: {table['Change'].tolist()}"
    assert any(c.value.startswith("Gap in thriving between neighborhoods") for c in at.caption)


def test_the_projection_reads_in_words_and_opens_as_a_table(page):
    page.slider(key="amount:humane_housing").set_value(20.0).run()
    assert any(m.value.startswith("In year 20: thriving") and "(status quo 52.6%)" in m.value for m in page.markdown)
    assert not page.table, "the table is built only when someone opens it"
    page.toggle(key="chart_table:projection").set_value(True).run()
    table = page.table[0].value
    assert len(table) == 21 and table["thriving, status quo"].iloc[-1] == "52.6%"


def test_slider_help_gives_the_sources_definition(page):
    help_text = next(s for s in page.slider if s.key == "amount:addiction_recovery").help
    assert help_text.startswith("Services to address mental health and recovery needs.")
