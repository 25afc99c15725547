"""The Allocate page through Streamlit's own AppTest (page script run directly, see README)."""

import itertools
import json
import os
import time

import pytest
from streamlit.testing.v1 import AppTest

from portfolio_engine.model.portfolio import rebalance

PAGE = "../../pages/allocate.py"
ENTRY = "../../app.py"


@pytest.fixture
def page(open_page):
    return open_page(PAGE)


PANEL = "ui.components.projection.projection"


def board(at) -> dict:
    """What the page drew on the allocation board (its one component): amounts, ranges, locks, words, the last event applied."""
    (component,) = [e for e in at.get("component_instance") if e.proto.component_name == "ui.components.allocation_board.allocation_board"]
    drawn = json.loads(component.proto.json_args)  # the amounts, and everything else as one JSON string
    return {**json.loads(drawn["board"]), "amounts": json.loads(drawn["amounts"])}


def panel(at) -> dict:
    """What the page sent to the projection the browser draws (ui/components/projection): its fixed part and the amounts."""
    (component,) = [e for e in at.get("component_instance") if e.proto.component_name == PANEL]
    drawn = json.loads(component.proto.json_args)
    return {**json.loads(drawn["panel"]), "amounts": json.loads(drawn["amounts"])}


def tables(at) -> dict:
    """The model's tables the board and the projection run the mix on (the file the page points them to)."""
    from ui.components.projection import TABLES

    return json.loads((TABLES / panel(at)["tables"].rsplit("/", 1)[1]).read_text())


def shown_amounts(at) -> list[float]:
    """The board's amounts in currency units, catalog order: what the projection must draw."""
    return [board(at)["amounts"][i] * 1e6 for i in tables(at)["ids"]]


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


def choose(at, years: int = 20, view: str = "People"):
    """A horizon and a view chosen in the projection (its value, as its radio buttons send it); then the run it causes."""
    at.session_state["projection_panel"] = {"years": years, "view": view}
    return at.run()


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
    assert panel(page)["amounts"] == pytest.approx(shown_amounts(page)), "the projection draws the board's mix"


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
    assert panel(page)["amounts"] == pytest.approx(tables(page)["status_quo"])


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
    assert [e.key for e in page.get("component_instance")] == ["allocation_board", "projection_panel"]  # the board, and the projection
    (component,) = [e for e in page.get("component_instance") if e.key == "allocation_board"]
    drawn = set(json.loads(component.proto.json_args)) - {"key", "default"}  # what Streamlit adds to every component's arguments
    assert drawn == {"board", "amounts"}, "two strings Streamlit need not check for a data frame: the board, and the amounts"
    drawn = board(page)
    basic = next(e for e in drawn["elements"] if e["id"] == "basic_needs")
    assert basic["name"] == "Basic needs for health and safety" and basic["status_quo"] == 6.0
    assert drawn["texts"]["remaining"] == "Remaining to allocate" and drawn["scale"] == 1e6  # it tells the projection its amounts
    assert panel(page)["texts"]["summary"].startswith("Year {year}: thriving"), "the summary beside the sliders, from the projection"


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


def test_a_move_runs_no_model_on_the_server(monkeypatch):
    """Issue 18: the board and the projection run the mix in the browser. The server runs the status quo once per process for
    each horizon (the chart's faint line) and writes the model's tables once; a second person's opening and everyone's moves
    run nothing. What is shared cannot be changed in place."""
    from portfolio_engine.model import dynamics

    first = AppTest.from_file(PAGE, default_timeout=30)
    first.run()
    rows = []  # every run of the kernel, whoever asks (a run, a band, neighborhoods): its rows
    integrate = dynamics._integrate
    monkeypatch.setattr(dynamics, "_integrate", lambda per_row, shared: rows.append(len(per_row[0])) or integrate(per_row, shared))
    second = AppTest.from_file(PAGE, default_timeout=30)
    second.run()
    move(second, "basic_needs", 16.0)
    move(second, "acute_care", 10.0)
    send(second, ["reset", None, None])
    assert not rows, "opening and moving run nothing on the server"
    assert panel(second)["tables"] == panel(first)["tables"]
    choose(second, years=10)
    choose(first, years=10)
    assert rows == [1], "another horizon: the status quo's line for it (one row), once for everyone"
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
    assert panel(page)["tables"] != panel(with_pressure)["tables"], "another model, other tables"
    pressure = 15  # kernel.PRESSURE: the column of the pressure weight in a parameter row
    assert tables(page)["central"]["params"][0][pressure] == 0.0 and tables(with_pressure)["central"]["params"][0][pressure] > 0
    page.session_state["assumption_overrides"] = {"constants": {"rise_rate": -3}}
    page.run()
    assert "cannot be used" in page.error[0].value and not page.exception


def test_downloads_are_offered_once_asked_for(page):
    assert not page.get("download_button"), "a move does not make files nobody asked for"
    page.toggle(key="downloading").set_value(True).run()
    labels = [b.label for b in page.get("download_button")]
    assert labels == ["Download JSON", "Download CSV"]
    held = page.session_state["held_downloads"]  # ui/downloads.held: the files outlive a quick move's interrupted runs (issue 16)
    assert [file_name for (_, _, file_name) in held["allocation_json"] + held["allocation_csv"]] == ["allocation.json", "allocation.csv"]


def test_entrypoint_runs_and_prepares_the_database(private_database):
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.run()
    assert not at.exception
    assert private_database.exists()


def test_each_view_sends_its_chart_for_the_browser_to_fill(page):
    for view in ("People", "Difference", "Cost of harm", "Does the shift hold?"):
        choose(page, view=view)
        assert not page.exception and not page.get("plotly_chart")  # plotly.js's basic bundle, not Streamlit's whole plotly
        drawn = panel(page)
        assert drawn["view"] == view and any("run" in t.get("meta", {}) for t in drawn["figure"]["data"]), "lines of this mix to fill"
    choose(page, view="Cost of harm")
    names = [trace["name"] for trace in panel(page)["figure"]["data"]]
    assert names == ["status quo: cost of harm", "this mix: cost of harm", "this mix: services drawn (no unmet need)"]


@pytest.mark.parametrize("value", [None, "ten", {"years": 11, "view": "People"}, {"years": True, "view": "Hidden"}, {"view": ["People"]}])
def test_a_choice_the_projection_would_not_send_shows_the_default(page, value):
    page.session_state["projection_panel"] = value
    page.run()
    assert not page.exception and (panel(page)["years"], panel(page)["view"]) == (20, "People")


def test_horizon_changes_the_projections_years(page):
    choose(page, years=10)
    assert panel(page)["years"] == 10
    assert len(panel(page)["figure"]["data"][0]["x"]) == 11 and panel(page)["texts"]["thriving_at"] == "Thriving in year {year}"


def test_assumptions_editor_opens_applies_and_resets(page):
    page.toggle(key="show_assumptions").set_value(True).run()
    assert len(page.data_editor) == 2
    apply = next(b for b in page.button if b.label == "Apply assumptions")
    apply.click().run()
    assert not page.exception and not page.error
    assert page.session_state["assumption_overrides"]["constants"]["rise_rate"] == 0.12
    assert tables(page) == tables(AppTest.from_file(PAGE, default_timeout=30).run()), "the defaults applied: the same model"
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
    start = tables(at)["start"]
    assert start["shares"][0] == pytest.approx(0.49, abs=0.005), "the projection starts from the survey"


def test_presses_made_while_an_answer_is_on_its_way_all_count(page):
    """The board sends the next message only when the last is answered, with every press made meanwhile, in order."""
    move(page, "basic_needs", 6.5)  # one key press
    assert amount(page, "humane_housing") < 8.0
    send(page, ["amount", "basic_needs", 7.0], ["amount", "humane_housing", 9.0], ["amount", "basic_needs", 7.5])
    assert amount(page, "basic_needs") == 7.5 and amount(page, "humane_housing") < 9.0, "the last press rebalanced the others"
    assert slider_total(page) == pytest.approx(100.0)


def test_the_projection_gets_the_draws_of_its_band(page):
    move(page, "humane_housing", 20.0)
    choose(page, view="Difference")
    assert len(tables(page)["draws"]["params"]) == 100
    figure = panel(page)["figure"]
    assert sum(1 for trace in figure["data"] if trace.get("fill") == "tonexty") == 2, "a band for thriving and for suffering"


def test_a_dragged_position_moves_the_sliders_and_the_link_waits_for_the_release(page):
    """A board that has not got the model's tables yet sends a pointer's drag as "drag" positions: they move the sliders
    (and the projection's amounts) but not the link, which follows where the slider is let go ("amount")."""
    send(page, ["drag", "humane_housing", 14.0])
    assert amount(page, "humane_housing") == 14.0 and panel(page)["amounts"] == pytest.approx(shown_amounts(page))
    assert "humane_housing" not in page.query_params or page.query_params["humane_housing"] != "14000000", "the link waits for the release"
    send(page, ["drag", "humane_housing", 16.0], ["amount", "humane_housing", 18.0])
    assert page.query_params["humane_housing"] == "18000000"


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


def test_tables_nobody_used_for_a_month_are_dropped_and_a_dropped_file_is_written_again(page):
    """Each edit of the assumptions writes a file of tables: those no process has used for KEEP_DAYS go, and so do the pieces
    of a killed write, when others are written. A file another process dropped is written again by the next run that needs it."""
    from ui.components.projection import KEEP_DAYS, TABLES

    current = TABLES / panel(page)["tables"].rsplit("/", 1)[1]
    old, recent, piece = (TABLES / f"{os.getpid()}-{name}" for name in ("old.json", "recent.json", "killed.part"))
    for path in (old, recent, piece):
        path.write_text("{}")
    month = time.time() - (KEEP_DAYS + 1) * 86_400
    for path in (old, piece):
        os.utime(path, (month, month))
    current.unlink()
    move(page, "basic_needs", 7.0)
    assert json.loads(current.read_text())["ids"][0] == "basic_needs", "written again, whole"
    assert not old.exists() and not piece.exists() and recent.exists()
    recent.unlink()
