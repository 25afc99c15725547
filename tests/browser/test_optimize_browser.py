"""End to end: run the optimizer, trace the frontier, and load a point into the Allocate sliders."""

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from portfolio_engine.optimizer.constraints import problem_from_dict
from portfolio_engine.optimizer.optimize import frontier
from tests.browser.waiting import idle, rerun_done

PAGE_DEFAULTS = {"budget": 100e6, "objective": {"terms": [{"kind": "thriving_at_year", "years": 20, "weight": 1.0}]}, "max_change": 0.25}


def test_optimize_then_load_a_frontier_point_into_allocate(browser, server, shots):
    expected = frontier(problem_from_dict(PAGE_DEFAULTS), ("suffering_years", "thriving_at_year"), 15)[0]["allocations"]
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{server}/optimize")
    expect(page.get_by_role("button", name="Find the best portfolio")).to_be_visible(timeout=30_000)
    idle(page)
    page.get_by_role("button", name="Find the best portfolio").click()
    expect(page.get_by_text("What holds the proposal back")).to_be_visible(timeout=90_000)
    expect(page.get_by_text(re.compile("Binding: the 25% limit on change from the status quo holds")).first).to_be_visible(timeout=20_000)
    idle(page)
    page.get_by_role("button", name="Trace the frontier").click()
    expect(page.get_by_text("Point to load")).to_be_visible(timeout=60_000)
    page.screenshot(path=shots / "optimize.png", full_page=True)
    page.get_by_role("button", name="Load this point into the Allocate sliders").click()
    expect(page).to_have_url(re.compile(r"/(allocate)?(\?.*)?$"), timeout=20_000)
    slider = page.frame_locator('iframe[title="ui.components.allocation_board.allocation_board"]').get_by_role("slider", name=re.compile("Basic needs"))
    expect(slider).to_have_value(f"{expected['basic_needs'] / 1e6:g}", timeout=20_000)
    page.screenshot(path=shots / "allocate-from-frontier.png", full_page=True)
    page.close()


def test_a_page_opened_by_its_own_url_gets_the_app_navigation(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/optimize")
    expect(page.get_by_role("heading", name="Propose a portfolio")).to_be_visible(timeout=30_000)
    navigation = page.get_by_test_id("stSidebarNav")
    expect(navigation.get_by_text("Optimize", exact=True)).to_be_visible()
    expect(navigation.get_by_text("Allocate", exact=True)).to_be_visible()
    expect(navigation.get_by_text("app", exact=True)).to_have_count(0)
    assert page.title() == "Optimize"
    page.close()


ARROWS = {(0, 1): "ArrowDown", (0, -1): "ArrowUp", (1, 0): "ArrowRight", (-1, 0): "ArrowLeft"}


def focused_cell(page) -> str:
    """The id of the grid cell that has the keyboard's focus: glide names it glide-cell-<column>-<row>."""
    return page.evaluate("document.activeElement.id")


def go_to(page, column: int, row: int) -> None:
    """Move the grid's cursor with the arrow keys, one press at a time, looking where it went as a person does: a press the
    grid dropped while the page reran is pressed again, so the typing lands on the cell meant."""
    page.wait_for_function("/^glide-cell-\\d+-\\d+$/.test(document.activeElement.id)", timeout=10_000)
    for _ in range(30):
        here_column, here_row = (int(part) for part in focused_cell(page).split("-")[2:])
        if (here_column, here_row) == (column, row):
            return
        step_row = (row > here_row) - (row < here_row)
        step_column = 0 if step_row else (column > here_column) - (column < here_column)
        key = ARROWS[step_column, step_row]
        after = (here_column + step_column, here_row + step_row)
        page.keyboard.press(key, delay=60)
        try:
            page.wait_for_function(f"document.activeElement.id === 'glide-cell-{after[0]}-{after[1]}'", timeout=2_000)
        except PlaywrightTimeout:
            continue  # the press was lost: look again and press again
    raise AssertionError(f"the cursor stayed at {focused_cell(page)}, not ({column}, {row})")


def test_the_constraints_table_fits_a_laptop_and_the_json_follows_it(browser, server):
    """Fix 8: at 1366x768 every element's row and its owner column show at once; a floor and its owner typed in the table (at a
    person's pace, from the keyboard) are in the JSON view, on the right row."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{server}/optimize")
    expect(page.get_by_text("Who asked for a limit is kept with it")).to_be_visible(timeout=30_000)
    grid = page.get_by_test_id("stDataFrame").nth(1)
    grid.scroll_into_view_if_needed()
    idle(page)  # a person starts typing once the page has drawn; keys pressed during a rerun can be lost by the grid
    box = grid.bounding_box()
    assert box["height"] >= 35 * 14 and box["x"] + box["width"] <= 1366, box  # 13 rows and the header, no scrolling
    page.mouse.click(box["x"] + 20, box["y"] + 35 + 17)  # Basic needs' name
    go_to(page, column=1, row=6)  # Acute care's owner
    page.keyboard.press("Enter")
    page.keyboard.type("County hospital", delay=80)
    page.keyboard.press("Enter")  # committed: the tables rerun, the cursor moves down a row
    rerun_done(page)
    go_to(page, column=2, row=6)  # back up, then its floor
    page.keyboard.press("Enter")
    page.keyboard.type("20", delay=80)
    page.keyboard.press("Enter")
    page.get_by_text("Constraints as JSON").click()
    area = page.get_by_label("Constraints document")
    expect(area).to_have_value(re.compile(r'"floors": \{\s*"acute_care": 20000000\.0'), timeout=20_000)
    expect(area).to_have_value(re.compile(r'"floors\.acute_care": "County hospital"'))
    page.close()
