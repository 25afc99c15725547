"""The Allocate page through Streamlit's own AppTest (page script run directly, see README)."""

import base64
import itertools
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from portfolio_engine.model.portfolio import rebalance

PAGE = "../../pages/allocate.py"
ENTRY = "../../app.py"


@pytest.fixture
def page(open_page):
    return open_page(PAGE)


def metric(at, label_start):
    return next(m.value for m in at.metric if m.label.startswith(label_start))


CHART = "ui.components.light_chart.light_chart"


def board(at) -> dict:
    """What the page drew on the allocation board (its one component): amounts, ranges, locks, words, the last event applied."""
    (component,) = [e for e in at.get("component_instance") if e.proto.component_name == "ui.components.allocation_board.allocation_board"]
    drawn = json.loads(component.proto.json_args)  # the amounts, and everything else as one JSON string
    return {**json.loads(drawn["board"]), "amounts": drawn["amounts"]}


def charts(at) -> list[dict]:
    """The figures the page sent to the light chart (ui/components/light_chart), as plotly.js reads them."""
    return [json.loads(json.loads(e.proto.json_args)["figure"]) for e in at.get("component_instance") if e.proto.component_name == CHART]


def amount(at, element: str) -> float:
    return board(at)["amounts"][element]


def slider_total(at):
    return sum(board(at)["amounts"].values())


NUMBERS = itertools.count(1)  # the board numbers its events; only their order matters


def send(at, *events, instance="test-board"):
    """What the board sends after a person's actions: each event numbered, as its JavaScript does; then the run it causes."""
    at.session_state["allocation_board"] = {"instance": instance, "events": [[next(NUMBERS), *event] for event in events]}
    return at.run()


def move(at, element: str, value: float):
    return send(at, ["amount", element, value])


def test_page_opens_with_thirteen_sliders_on_budget(page):
    drawn = board(page)
    assert len(drawn["elements"]) == len(drawn["amounts"]) == 13
    assert slider_total(page) == pytest.approx(100.0)
    assert drawn["budget"] == 100.0 and drawn["unit"] == "million USD" and drawn["step"] == 0.5
    assert "illustrative" in page.caption[0].value


def test_families_are_grouped_with_their_elements(page):
    drawn = board(page)
    assert [f["name"] for f in drawn["families"]] == ["Vital conditions", "Urgent services", "Belonging and civic muscle"]
    in_family = {f["id"]: sum(drawn["amounts"][e["id"]] for e in drawn["elements"] if e["family"] == f["id"]) for f in drawn["families"]}
    assert in_family == {"vital_conditions": 35.0, "urgent_services": 60.0, "civic_muscle": 5.0}


def test_keep_total_rebalances_the_other_elements(page):
    move(page, "basic_needs", 16.0)
    assert slider_total(page) == pytest.approx(100.0)
    assert amount(page, "basic_needs") == 16.0 and amount(page, "acute_care") < 18.0
    assert metric(page, "Thriving in year 20") != "52.6%"


def test_free_mode_leaves_the_rest_unallocated(page):
    send(page, ["keep", None, False], ["amount", "basic_needs", 4.0])
    assert not board(page)["keep_total"]
    assert slider_total(page) == pytest.approx(98.0)
    assert amount(page, "acute_care") == 18.0


def test_locked_element_is_kept(page):
    send(page, ["lock", "acute_care", True])
    assert board(page)["locked"] == ["acute_care"]
    move(page, "public_safety", 10.0)
    assert amount(page, "acute_care") == 18.0
    assert slider_total(page) == pytest.approx(100.0)
    move(page, "acute_care", 30.0)
    assert amount(page, "acute_care") == 18.0, "a locked slider does not move"


def test_reset_returns_to_the_status_quo(page):
    move(page, "basic_needs", 30.0)
    send(page, ["reset", None, None])
    assert amount(page, "basic_needs") == 6.0
    assert metric(page, "Thriving in year 20") == "52.6%"


def test_reset_after_several_moves_and_a_lock_restores_every_element(page):
    send(page, ["amount", "basic_needs", 30.0], ["lock", "basic_needs", True], ["amount", "acute_care", 5.0])
    assert amount(page, "basic_needs") == 30.0 and amount(page, "acute_care") == 5.0
    send(page, ["reset", None, None])
    expected = {"basic_needs": 6.0, "acute_care": 18.0, "public_safety": 20.0, "belonging_civic_muscle": 5.0}
    assert {i: amount(page, i) for i in expected} == pytest.approx(expected)
    assert board(page)["locked"] == []


def test_the_sliders_locks_and_remaining_meter_are_one_element(page):
    """Fewer elements for Streamlit on every move (issue 18): no slider, lock, caption or metric per element or family;
    one board, whose words (names, definitions, the status quo) are its arguments."""
    assert not page.slider and not page.pills and not page.checkbox and not page.subheader
    assert [e.key for e in page.get("component_instance")] == ["allocation_board", "projection_chart"]  # the board, and the chart
    (component,) = [e for e in page.get("component_instance") if e.key == "allocation_board"]
    drawn = set(json.loads(component.proto.json_args)) - {"key", "default"}  # what Streamlit adds to every component's arguments
    assert drawn == {"board", "amounts"}, "one string Streamlit need not check for a data frame, and the amounts"
    drawn = board(page)
    basic = next(e for e in drawn["elements"] if e["id"] == "basic_needs")
    assert basic["name"] == "Basic needs for health and safety" and basic["status_quo"] == 6.0
    assert drawn["texts"]["remaining"] == "Remaining to allocate" and "Year 20: thriving" in drawn["summary"]


def test_each_slider_spans_twice_its_status_quo_and_widens_to_follow_its_amount(page):
    """Issue 16 fix 6: a sensible range per slider (not 0-100 million for all), and a way to go further."""
    ranges = board(page)["ranges"]
    assert ranges["acute_care"] == 36.0 and ranges["basic_needs"] == 12.0
    assert ranges["belonging_civic_muscle"] == 10.0, "at least a tenth of the budget"
    move(page, "basic_needs", 30.0)
    assert board(page)["ranges"]["basic_needs"] >= 30.0 * 1.25


def test_each_event_is_applied_once_and_in_order(page):
    """The board sends every event not yet acknowledged: a message sent again, or overlapping the last, repeats nothing."""
    message = {"instance": "tab", "events": [[1, "amount", "basic_needs", 10.0], [2, "amount", "humane_housing", 12.0]]}
    page.session_state["allocation_board"] = message
    page.run()
    first = board(page)["amounts"]
    assert board(page)["ack"] == {"instance": "tab", "seq": 2}
    page.session_state["allocation_board"] = {**message, "sent": 2}  # sent again: no answer came in time
    page.run()
    assert board(page)["amounts"] == pytest.approx(first), "events already applied are not applied again"
    page.session_state["allocation_board"] = {"instance": "tab", "events": [[2, "amount", "humane_housing", 12.0], [3, "amount", "basic_needs", 9.0]]}
    page.run()
    assert board(page)["amounts"] == pytest.approx(rebalance({**first, "basic_needs": 9.0}, "basic_needs", 100.0)), "only event 3 was new"
    page.session_state["allocation_board"] = {"instance": "reloaded", "events": [[1, "amount", "basic_needs", 8.0]]}
    page.run()
    assert amount(page, "basic_needs") == 8.0, "a reloaded board numbers from 1 again"


@pytest.mark.parametrize("message", [
    "not a message", {"instance": 3, "events": []}, {"instance": "x", "events": "all"},
    {"instance": "x", "events": [[1, "amount", "no_such_element", 5.0], [2, "amount", "basic_needs", "lots"], [3, "amount", "basic_needs", float("nan")],
                                 [4, "lock", "basic_needs", "yes"], ["5", "reset", None, None], [6, "explode", None, None], [True, "reset", None, None]]},
])
def test_a_message_the_board_would_not_send_changes_nothing_and_breaks_nothing(page, message):
    page.session_state["allocation_board"] = message
    page.run()
    assert not page.exception
    assert board(page)["amounts"]["basic_needs"] == 6.0 and slider_total(page) == pytest.approx(100.0)


def test_an_amount_beyond_the_budget_is_cut_to_it(page):
    send(page, ["keep", None, False], ["amount", "basic_needs", 1e12])
    assert amount(page, "basic_needs") == 100.0


def test_no_arrow_at_no_change_and_never_minus_zero(page):
    """Issue 16 fix 6: '+0.00 pts' at the status quo carried red and green arrows."""
    thriving = next(m for m in page.metric if m.label.startswith("Thriving"))
    assert thriving.proto.delta == "0.00 pts vs status quo"
    assert thriving.proto.direction == thriving.proto.NONE and thriving.proto.color == thriving.proto.GRAY
    assert "-0.00" not in board(page)["summary"]
    move(page, "humane_housing", 20.0)
    thriving = next(m for m in page.metric if m.label.startswith("Thriving"))
    assert thriving.proto.delta != "0.00 pts vs status quo" and thriving.proto.direction != thriving.proto.NONE, "a change keeps its arrow"


def test_what_every_session_opens_on_is_run_once_per_process_and_a_move_runs_only_its_own_mix(monkeypatch):
    """Issue 18, a room arriving at once: the status quo's run, and the run and band of a mix nobody has moved yet, are the
    same for every session, so a second person's opening runs nothing; a move runs its own mix and band, never the status
    quo again; another horizon runs the status quo once more (then shares it too). What is shared cannot be changed in place."""
    from portfolio_engine.model import dynamics, uncertainty

    first = AppTest.from_file(PAGE, default_timeout=30)
    first.run()
    runs, bands = [], []
    simulate, band = dynamics.simulate, uncertainty.band
    monkeypatch.setattr(dynamics, "simulate", lambda model, amounts, *a, **k: runs.append(np.asarray(amounts)) or simulate(model, amounts, *a, **k))
    monkeypatch.setattr(uncertainty, "band", lambda *a, **k: bands.append(a) or band(*a, **k))
    second = AppTest.from_file(PAGE, default_timeout=30)
    second.run()
    assert not runs and not bands, "a second person's opening runs nothing"
    assert metric(second, "Thriving in year 20") == metric(first, "Thriving in year 20")
    move(second, "basic_needs", 16.0)
    move(second, "acute_care", 10.0)
    assert len(runs) == 2 and len(bands) == 2, "each move runs its own mix and band, not the status quo's"
    assert not any(np.allclose(run, runs[0]) for run in runs[1:]) and metric(second, "Thriving in year 20") != metric(first, "Thriving in year 20")
    second.segmented_control(key="horizon").set_value(10).run()
    assert len(runs) == 4 and len(bands) == 3, "another horizon: the status quo's run for it (shared from then on), this mix's and its band"
    first.segmented_control(key="horizon").set_value(10).run()
    assert len(runs) == 4 and len(bands) == 4, "the first person, unmoved on the status quo, finds its run (and makes its band)"
    from ui import opening

    shared = next(value for held in opening._HELD.values() for key, value in held.items() if key[0] == "status quo")
    with pytest.raises(ValueError):
        shared["thriving"][0] = 0.5


def test_allocation_is_encoded_in_the_url(page):
    move(page, "basic_needs", 16.0)
    assert page.query_params["basic_needs"] == "16000000"


def test_a_shared_link_opens_its_allocation():
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params.update({"basic_needs": "10000000", "acute_care": "14000000"})
    at.run()
    assert amount(at, "basic_needs") == 10.0
    assert amount(at, "acute_care") == 14.0


def test_a_broken_link_falls_back_to_the_status_quo_with_a_warning():
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["acute_care"] = "lots"
    at.run()
    assert not at.exception
    assert "could not be used" in at.warning[0].value
    assert amount(at, "acute_care") == 18.0


def test_session_assumptions_change_the_projection_and_bad_ones_are_explained(page):
    page.session_state["assumption_overrides"] = {"constants": {"pressure_weight": 0.0}}
    move(page, "basic_needs", 16.0)
    with_pressure = AppTest.from_file(PAGE, default_timeout=30)
    with_pressure.run()
    move(with_pressure, "basic_needs", 16.0)
    assert metric(page, "Realized vital share") != metric(with_pressure, "Realized vital share")
    page.session_state["assumption_overrides"] = {"constants": {"rise_rate": -3}}
    page.run()
    assert "cannot be used" in page.error[0].value and not page.exception


def test_downloads_are_offered(page):
    labels = [b.label for b in page.get("download_button")]
    assert labels == ["Download JSON", "Download CSV"]
    held = page.session_state["held_downloads"]  # ui/downloads.held: the files outlive a quick move's interrupted runs (issue 16)
    assert [file_name for (_, _, file_name) in held["allocation_json"] + held["allocation_csv"]] == ["allocation.json", "allocation.csv"]


def test_entrypoint_runs_and_prepares_the_database(private_database):
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.run()
    assert not at.exception
    assert private_database.exists()


def test_each_view_draws_one_chart(page):
    for view in ("People", "Difference", "Cost of harm", "Does the shift hold?"):
        page.segmented_control(key="view").set_value(view).run()
        assert not page.exception
        assert len(charts(page)) == 1 and not page.get("plotly_chart")  # plotly.js's basic bundle, not Streamlit's whole plotly


def test_horizon_changes_the_headline_year(page):
    page.segmented_control(key="horizon").set_value(10).run()
    assert metric(page, "Thriving in year 10") == "52.6%"


def milestone_headline(at):
    openings = ("**Worse before better:", "**Better from the start:", "**Better and worse:", "**Not better than the status quo")
    return next(m.value for m in at.markdown if m.value.startswith(openings))


def test_headline_says_when_the_mix_pulls_ahead_of_the_status_quo(page):
    assert milestone_headline(page) == "**Not better than the status quo within 20 years.**"
    move(page, "humane_housing", 20.0)
    assert milestone_headline(page) != "**Not better than the status quo within 20 years.**"


def test_phone_feedback_sits_beside_the_sliders(page):
    move(page, "basic_needs", 16.0)
    assert board(page)["summary"].startswith("Year 20: thriving 5") and "vs status quo" in board(page)["summary"]


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


def test_presses_made_while_an_answer_is_on_its_way_all_count(page):
    """The board sends the next message only when the last is answered, with every press made meanwhile, in order."""
    move(page, "basic_needs", 6.5)  # one key press
    assert amount(page, "humane_housing") < 8.0
    send(page, ["amount", "basic_needs", 7.0], ["amount", "humane_housing", 9.0], ["amount", "basic_needs", 7.5])
    assert amount(page, "basic_needs") == 7.5 and amount(page, "humane_housing") < 9.0, "the last press rebalanced the others"
    assert slider_total(page) == pytest.approx(100.0)


def test_the_room_reads_how_sure_the_projection_is_and_sees_the_band(page):
    move(page, "humane_housing", 20.0)
    sentence = next(c.value for c in page.caption if c.value.startswith("Better than the status quo for thriving in"))
    assert "of 100 plausible sets of assumptions" in sentence
    page.segmented_control(key="view").set_value("Difference").run()
    (figure,) = charts(page)
    assert sum(1 for trace in figure["data"] if trace.get("fill") == "tonexty") == 2, "a band for thriving and for suffering"


def test_a_dragged_slider_is_drawn_without_the_band_until_it_is_let_go(page):
    """Issue 18: a pointer's drag sends positions as "drag" events; those runs skip the draws (the band, its sentence, the
    link), the release ("amount") draws them for where the slider stopped. Keys and the number box always send amounts."""
    page.segmented_control(key="view").set_value("Difference").run()
    held = page.session_state["allocate:band"]
    send(page, ["drag", "humane_housing", 14.0])
    assert amount(page, "humane_housing") == 14.0 and page.session_state["allocate:band"] is held, "no draws while dragging"
    assert not any(c.value.startswith("Better than the status quo") for c in page.caption)
    (figure,) = charts(page)
    assert not any(trace.get("fill") for trace in figure["data"]) and len(figure["data"]) == 3, "the central lines, no band"
    assert "humane_housing" not in page.query_params or page.query_params["humane_housing"] != "14000000", "the link waits for the release"
    send(page, ["drag", "humane_housing", 16.0], ["amount", "humane_housing", 18.0])
    assert 18e6 in page.session_state["allocate:band"][0][1], "the band of where the slider was let go"
    assert any(c.value.startswith("Better than the status quo") for c in page.caption)
    (figure,) = charts(page)
    assert sum(1 for trace in figure["data"] if trace.get("fill") == "tonexty") == 2
    assert page.query_params["humane_housing"] == "18000000"


def _values(encoded):
    """Plotly's JSON carries numpy arrays as base64 with their dtype."""
    return np.frombuffer(base64.b64decode(encoded["bdata"]), dtype=encoded["dtype"]) if isinstance(encoded, dict) else np.asarray(encoded)


def test_the_cost_of_harm_view_counts_unmet_need(page):
    for element in ("acute_care", "public_safety", "addiction_recovery"):
        move(page, element, 1.0)
    page.segmented_control(key="view").set_value("Cost of harm").run()
    (figure,) = charts(page)
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
    move(at, "humane_housing", 20.0)
    table = next(d.value for d in at.dataframe if "Neighborhood" in d.value.columns)
    assert table["Change"].tolist() != ["+0.0 pts"] * 5, f"a mix moves the places: {table['Change'].tolist()}"
    assert any(c.value.startswith("Gap in thriving between neighborhoods") for c in at.caption)


def test_the_projection_reads_in_words_and_opens_as_a_table(page):
    move(page, "humane_housing", 20.0)
    assert any(m.value.startswith("In year 20: thriving") and "(status quo 52.6%)" in m.value for m in page.markdown)
    assert not page.table, "the table is built only when someone opens it"
    page.toggle(key="chart_table:projection").set_value(True).run()
    table = page.table[0].value
    assert len(table) == 21 and table["thriving, status quo"].iloc[-1] == "52.6%"


def test_slider_help_gives_the_sources_definition(page):
    help_text = next(e for e in board(page)["elements"] if e["id"] == "addiction_recovery")["help"]
    assert help_text.startswith("Services to address mental health and recovery needs.")


def test_the_boards_words_follow_the_pages_language():
    """Every word on the board comes from Python through the translation function (another language: another board)."""
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["lang"] = "es"
    at.run()
    drawn = board(at)
    assert drawn["lang"] == "es" and drawn["texts"]["remaining"] == "Falta por repartir" and drawn["texts"]["lock"] == "Fijar"


def test_the_band_is_summarized_only_where_it_is_drawn_and_reused_by_a_run_that_is_not_a_move(page):
    """Issue 18: the People view reads only the share of draws; a toggle reruns without running the 100 draws again."""
    people = page.session_state["allocate:band"][1]
    assert list(people.table.columns) == ["year"] and people.draws == 100
    page.toggle(key="chart_table:projection").set_value(True).run()
    assert page.session_state["allocate:band"][1] is people
    page.segmented_control(key="view").set_value("Difference").run()
    difference = page.session_state["allocate:band"][1]
    assert {"thriving_change_p10", "suffering_change_p90"} <= set(difference.table.columns)
    move(page, "humane_housing", 20.0)
    assert page.session_state["allocate:band"][1] is not difference


def test_the_citys_data_is_read_once_per_state_of_the_data_not_once_per_person(catalog, monkeypatch):
    """A room opening Allocate at once: the first session derives the survey's start and the neighborhoods from the stored
    values, later ones share them until the data change (an import), and the shared start cannot be changed in place."""
    from pathlib import Path

    from portfolio_engine.community.survey import import_survey
    from portfolio_engine.security.access import OPERATOR
    from ui import city_data

    survey = Path(__file__).resolve().parents[2] / "portfolio_engine" / "data" / "demo_city" / "survey.csv"
    import_survey(catalog, survey, "2024", "riverside", "Riverside", grant=OPERATOR)
    reads = []
    monkeypatch.setattr(city_data, "values", lambda *args, **kwargs: reads.append(args) or city_data_values(*args, **kwargs))
    first, second = (AppTest.from_file(PAGE, default_timeout=30) for _ in range(2))
    first.run()
    after_one = len(reads)
    second.run()
    assert after_one > 0 and len(reads) == after_one, "a second person's first run reads no value"
    second.radio(key="start_choice").set_value("Your city's survey").run()
    assert any("From your data: thriving 49%" in c.value for c in second.caption)
    start = city_data.survey_start()
    with pytest.raises(ValueError):
        start.thriving[0] = 0.5
    version = city_data.data_version()
    monkeypatch.setattr(city_data, "data_version", lambda: (version[0] + 1, version[1]))  # as after another import
    AppTest.from_file(PAGE, default_timeout=30).run()
    assert len(reads) == 2 * after_one, "new data are read again"


def city_data_values(*args, **kwargs):
    from portfolio_engine.community.indicators import values

    return values(*args, **kwargs)
