"""Allocate's projection, drawn by the browser (ui/components/projection, issue 18), says what the engine says.

The panel runs the mix with the kernel's copy on the model's tables; its headline, figures, sentence of certainty, view
captions, chart band and words are held here to the engine's own runs, formatted as the page wrote them before. The tests
share one page and build on each other in file order (`make test` runs a file per worker)."""

import re

import numpy as np
import pytest
from babel.numbers import format_percent
from playwright.sync_api import expect

from portfolio_engine.i18n import gettext, number
from portfolio_engine.model.assumptions import default_assumptions
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.dynamics import build_model, simulate
from portfolio_engine.model.milestones import HEADLINES, headline, milestones
from portfolio_engine.model.portfolio import load_status_quo
from portfolio_engine.model.uncertainty import band
from ui.components.allocation_board.events import Board

BOARD = 'iframe[title="ui.components.allocation_board.allocation_board"]'
PANEL = 'iframe[title="ui.components.projection.projection"]'


def points(change: float) -> str:
    shown = round(change * 100, 2) + 0.0
    return f"{shown:+.2f} pts" if shown else "0.00 pts"


@pytest.fixture(scope="module")
def model():
    catalog = load_catalog()
    return build_model(catalog, load_status_quo(catalog), default_assumptions(catalog))


def expected(model, moves: list[tuple[str, float]], years: int = 20) -> dict:
    """What the panel must show after `moves` (typed amounts, in millions), from the engine's runs."""
    ids = model.catalog.ids
    board = Board({i: v / 1e6 for i, v in zip(ids, model.status_quo.tolist(), strict=True)})
    for element, value in moves:
        board.move(element, value, 100.0)
    amounts = np.array([board.amounts[i] * 1e6 for i in ids])
    chosen, base = simulate(model, amounts, years).columns(0), simulate(model, model.status_quo, years).columns(0)
    drawn = band(model, amounts, years, 100, outputs=("thriving", "suffering"))
    return {"chosen": chosen, "base": base, "band": drawn, "headline": headline(milestones(chosen, base)),
            "thriving": f"{chosen['thriving'][-1]:.1%}", "suffering": f"{chosen['suffering'][-1]:.2%}",
            "thriving_delta": points(chosen["thriving"][-1] - base["thriving"][-1]) + " vs status quo",
            "suffering_delta": points(chosen["suffering"][-1] - base["suffering"][-1]),
            "realized": f"{chosen['realized_vital_share'][-1]:.1%}", "chosen_share": f"chosen {chosen['realized_vital_share'][0]:.1%}"}


def panel(page):
    return page.frame_locator(PANEL)


def metric(page, label: str):
    return panel(page).locator(".metric").filter(has_text=label)


@pytest.fixture(scope="module")
def page(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server)
    expect(metric(page, "Thriving in year 20").locator(".value")).to_have_text("52.6%", timeout=30_000)
    yield page
    page.close()


def test_the_status_quo_shows_no_change_and_no_arrow(page, model):
    want = expected(model, [])
    expect(panel(page).locator(".headline")).to_have_text(want["headline"])
    thriving = metric(page, "Thriving in year 20")
    expect(thriving.locator(".delta")).to_have_text("0.00 pts vs status quo")
    expect(thriving.locator(".delta")).to_have_class(re.compile("off"))
    expect(metric(page, "Realized vital share").locator(".delta")).to_have_text(want["chosen_share"])
    expect(panel(page).get_by_text(re.compile("plausible sets of assumptions"))).to_have_count(0)  # no change, nothing to be sure of


def test_a_move_shows_the_engines_projection_band_and_words(page, model):
    box = page.frame_locator(BOARD).get_by_role("spinbutton", name=re.compile("Humane housing"))
    box.fill("20")
    box.press("Enter")
    want = expected(model, [("humane_housing", 20.0)])
    expect(page).to_have_url(re.compile("humane_housing=20000000"), timeout=20_000)
    thriving = metric(page, "Thriving in year 20")
    expect(thriving.locator(".value")).to_have_text(want["thriving"], timeout=10_000)
    expect(thriving.locator(".delta")).to_have_text(re.compile(re.escape(want["thriving_delta"]) + "$"))
    expect(metric(page, "Suffering in year 20").locator(".value")).to_have_text(want["suffering"])
    expect(metric(page, "Suffering in year 20").locator(".delta")).to_have_text(re.compile(re.escape(want["suffering_delta"]) + "$"))
    expect(metric(page, "Realized vital share").locator(".value")).to_have_text(want["realized"])
    expect(panel(page).locator(".headline")).to_have_text(want["headline"])
    share = want["band"].share_better
    sentence = f"Better than the status quo for thriving in {'' if share >= 0.5 else 'only '}{share:.0%} of 100 plausible sets of assumptions."
    expect(panel(page).get_by_text(sentence, exact=False)).to_be_visible()
    words = (f"In year 20: thriving {want['thriving']} (status quo 52.6%); suffering {want['suffering']} "
             f"(status quo {want['base']['suffering'][-1]:.2%}).")
    expect(panel(page).get_by_text(words)).to_be_visible()

    panel(page).get_by_text("Difference", exact=True).click()
    frame = page.locator(PANEL).element_handle().content_frame()
    banded = "() => { const p = document.querySelector('.js-plotly-plot'); return p && p.data.some(t => t.meta && t.meta.band && t.visible !== false); }"
    frame.wait_for_function(banded, timeout=20_000)
    edges = frame.evaluate("() => document.querySelector('.js-plotly-plot').data.filter(t => t.meta && t.meta.band).map(t => [t.meta.band, t.meta.edge, t.y])")
    table = want["band"].table
    for name, edge, values in edges:
        np.testing.assert_allclose(values, table[f"{name}_change_{edge}"] * 100, rtol=1e-9, atol=1e-9)
    lines = frame.evaluate("() => document.querySelector('.js-plotly-plot').data.filter(t => t.meta && t.meta.run === 'thriving').map(t => t.y)")
    np.testing.assert_allclose(lines[0], (want["chosen"]["thriving"] - want["base"]["thriving"]) * 100, rtol=1e-9, atol=1e-9)

    panel(page).get_by_text("Cost of harm", exact=True).click()
    change = (want["chosen"]["cost_of_harm"] - want["base"]["cost_of_harm"]).sum() / 1e6
    unmet = want["chosen"]["unmet_need"].sum() * 100
    expect(panel(page).get_by_text(f"Total change over the run: {change:+,.1f} million; unmet need {unmet:,.2f} person-years",
                                   exact=False)).to_be_visible(timeout=20_000)


def test_the_chart_as_a_table_gives_every_year(page, model):
    panel(page).get_by_text("Show the chart as a table").click()
    rows = panel(page).locator("tbody tr")
    expect(rows).to_have_count(21)
    first = rows.first.locator("td")
    expect(first.first).to_have_text(re.compile(r"\d+\.\d%"))


def test_another_horizon_names_its_year(page, model):
    years = panel(page).get_by_role("radio", name="20")
    years.focus()
    page.keyboard.press("ArrowLeft")  # radio buttons: the arrow keys choose within the group
    page.keyboard.press("ArrowLeft")
    expect(panel(page).get_by_role("radio", name="10")).to_be_checked()
    expect(metric(page, "Thriving in year 10")).to_be_visible(timeout=20_000)
    want = expected(model, [("humane_housing", 20.0)], years=10)
    expect(metric(page, "Thriving in year 10").locator(".value")).to_have_text(want["thriving"])


def test_tables_that_cannot_be_fetched_give_a_clear_message_and_keep_the_sliders(browser, server):
    """A network that loses the model's tables: the projection says so and how to try again; the sliders still work."""
    page = browser.new_page()
    page.route("**/ui.components.projection.model_tables/**", lambda route: route.fulfill(status=404, body="gone"))
    page.goto(server)
    expect(panel(page).get_by_role("alert")).to_have_text(re.compile("could not be drawn in this browser. Reload the page"), timeout=30_000)
    box = page.frame_locator(BOARD).get_by_role("spinbutton", name=re.compile("Basic needs"))
    box.fill("9")
    box.press("Enter")
    expect(page).to_have_url(re.compile("basic_needs=9000000"), timeout=20_000)  # the move still reaches the server
    page.close()


def test_a_spanish_page_reads_the_projection_in_spanish(browser, server, model):
    """The headline in the page's words, and every number with the language's marks, as Babel writes them (52,6 %)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/?lang=es")
    words = {case: gettext(sentence, "es") for case, sentence in HEADLINES.items()}
    thriving = metric(page, "Prosperan en el año 20")
    expect(thriving.locator(".value")).to_have_text("52,6\u00a0%", timeout=30_000)
    expect(panel(page).locator(".headline")).to_have_text(words["not_better"].format(horizon=20))
    expect(thriving.locator(".delta")).to_have_text("0,00 puntos frente a la situación actual")
    box = page.frame_locator(BOARD).locator("#n-humane_housing")
    box.fill("20")
    box.press("Enter")
    want = expected(model, [("humane_housing", 20.0)])
    chosen, base = want["chosen"], want["base"]
    change = round((chosen["thriving"][-1] - base["thriving"][-1]) * 100, 2)
    expect(thriving.locator(".value")).to_have_text(format_percent(chosen["thriving"][-1], "#,##0.0\u00a0%", locale="es"), timeout=20_000)
    expect(thriving.locator(".delta")).to_have_text(re.compile(re.escape(f"{change:+.2f}".replace(".", ",") + " puntos frente a la situación actual") + "$"))
    said = headline(milestones(chosen, base), words, lambda peak: "+" + number(peak, "es", 2))
    assert said != want["headline"]
    expect(panel(page).locator(".headline")).to_have_text(said)
    page.close()
