"""A saturated server: the person who moved a slider sees their change is being processed, then the result."""

import os
import re
import signal

from playwright.sync_api import expect

from portfolio_engine.model.assumptions import default_assumptions
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.dynamics import build_model, simulate
from portfolio_engine.model.portfolio import load_status_quo
from ui.components.allocation_board.events import Board


def test_a_paused_server_shows_the_processing_banner_until_the_answer_arrives(browser, served, shots):
    url, process = served
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)  # a phone
    page.goto(url)
    metric = page.frame_locator('iframe[title="ui.components.projection.projection"]').locator(".metric").filter(has_text="Thriving in year").locator(".value")
    expect(metric).to_have_text("52.6%", timeout=30_000)
    banner = page.locator("#portfolio-busy")
    expect(banner).to_be_attached()
    expect(banner).to_be_hidden()

    slider = page.frame_locator('iframe[title="ui.components.allocation_board.allocation_board"]').get_by_role("slider", name=re.compile("Basic needs"))
    slider.focus()
    page.keyboard.press("ArrowRight")  # answered at once: no banner flashes on a quick answer
    expect(page).to_have_url(re.compile("basic_needs=6500000"), timeout=20_000)
    expect(banner).to_be_hidden(timeout=20_000)

    os.kill(process.pid, signal.SIGSTOP)  # the server answers nothing, as when it is saturated
    try:
        page.keyboard.press("ArrowRight")
        expect(banner).to_be_visible(timeout=5_000)
        expect(banner).to_have_text(re.compile("being processed"))
        page.wait_for_timeout(1_500)
        expect(banner).to_be_visible()  # stays while nothing comes back
        page.screenshot(path=shots / "busy-banner-phone.png")
    finally:
        os.kill(process.pid, signal.SIGCONT)
    expect(page).to_have_url(re.compile("basic_needs=7000000"), timeout=30_000)  # the change was not lost
    expect(banner).to_be_hidden(timeout=10_000)
    expect(metric).not_to_have_text("52.6%")
    page.close()


def summary(chosen: dict, base: dict, years: int) -> str:
    """The page's summary line of a run against the status quo (pages/allocate.py's words)."""
    def points(change: float) -> str:
        shown = round(change * 100, 2) + 0.0
        return f"{shown:+.2f} pts" if shown else "0.00 pts"
    return (f"Year {years}: thriving {chosen['thriving'][-1]:.1%} ({points(chosen['thriving'][-1] - base['thriving'][-1])}), "
            f"suffering {chosen['suffering'][-1]:.2%} ({points(chosen['suffering'][-1] - base['suffering'][-1])}) vs status quo")


def test_a_paused_server_still_shows_the_move_kept_on_budget_and_its_projection(browser, served):
    """The board and the projection run the engine's model themselves (model.js): before the server answers, the other
    sliders make room as the server will, the projection and the summary beside the sliders give that mix's, and the
    server's answer (the same amounts) leaves them as they are."""
    url, process = served
    catalog = load_catalog()
    model = build_model(catalog, load_status_quo(catalog), default_assumptions(catalog))
    board = Board({i: v / 1e6 for i, v in zip(catalog.ids, model.status_quo.tolist(), strict=True)})
    budget = sum(board.amounts.values())
    board.move("basic_needs", 7.0, budget)
    expected = simulate(model, [board.amounts[i] * 1e6 for i in catalog.ids], 20).columns(0)
    words = summary(expected, simulate(model, model.status_quo, 20).columns(0), 20)
    housing = f"{board.amounts['humane_housing']:.2f}"

    page = browser.new_page()
    page.goto(url)
    frame = page.frame_locator('iframe[title="ui.components.allocation_board.allocation_board"]')
    expect(frame.get_by_role("slider", name=re.compile("Basic needs"))).to_be_visible(timeout=30_000)
    board_frame = page.locator('iframe[title="ui.components.allocation_board.allocation_board"]').element_handle().content_frame()
    panel_frame = page.locator('iframe[title="ui.components.projection.projection"]').element_handle().content_frame()
    panel_frame.wait_for_function("window.projectionPanel.ready()", timeout=20_000)
    box = frame.get_by_role("spinbutton", name=re.compile("Basic needs"))
    os.kill(process.pid, signal.SIGSTOP)
    try:
        box.fill("7")
        box.press("Enter")
        expect(frame.get_by_role("spinbutton", name=re.compile("Humane housing"))).to_have_value(housing, timeout=5_000)
        expect(frame.locator(".summary").first).to_have_text(words, timeout=5_000)
        thriving = page.frame_locator('iframe[title="ui.components.projection.projection"]').locator(".metric").filter(has_text="Thriving in year 20")
        expect(thriving.locator(".value")).to_have_text(f"{expected['thriving'][-1]:.1%}", timeout=5_000)
        assert "basic_needs=7000000" not in page.url  # nothing came from the server
    finally:
        os.kill(process.pid, signal.SIGCONT)
    expect(page).to_have_url(re.compile("basic_needs=7000000"), timeout=30_000)
    board_frame.wait_for_function("window.allocationBoard.pending() === 0", timeout=20_000)
    expect(frame.locator(".summary").first).to_have_text(words)
    expect(thriving.locator(".value")).to_have_text(f"{expected['thriving'][-1]:.1%}")
    page.close()
