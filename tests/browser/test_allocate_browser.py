"""End to end: a person moves a slider with the keyboard and sees the projection change. The sliders, locks and remaining
meter are one component (ui/components/allocation_board), in its own frame; the projection is another (ui/components/projection:
plotly.js's basic bundle, not Streamlit's 4.6 MB plotly chunk), which runs the mix in the browser."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.waiting import idle

# The plotted (full) data of the light chart's figure, read inside its frame.
LAST_THRIVING = """() => {
    const trace = document.querySelector('.js-plotly-plot')._fullData.find(t => t.name === 'thriving (this mix)');
    return trace.y[trace.y.length - 1];
}"""


BOARD = 'iframe[title="ui.components.allocation_board.allocation_board"]'
CHART = 'iframe[title="ui.components.projection.projection"]'
# The focused element, inside the board's frame when the focus is there.
FOCUSED = """() => { let e = document.activeElement;
  while (e && e.tagName === 'IFRAME' && e.contentDocument) { e = e.contentDocument.activeElement; }
  const s = getComputedStyle(e);
  return {role: e.type === 'range' ? 'slider' : e.tagName, label: (e.getAttribute('aria-label') || e.innerText || e.id || '').trim().slice(0, 60),
          framed: e.ownerDocument !== document, shown: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'}; }"""


def board(page):
    return page.frame_locator(BOARD)


def _thriving_metric(page):
    return page.frame_locator(CHART).locator(".metric").filter(has_text="Thriving in year").locator(".value")


def _chart_frame(page):
    """The projection's frame (a Frame, to run script in it)."""
    return page.locator(CHART).element_handle().content_frame()


def _first_chart_data(page):
    """The 'this mix' thriving line's last year as the browser drew it."""
    return _chart_frame(page).evaluate(LAST_THRIVING)


def test_keyboard_slider_move_changes_the_chart(browser, server, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    scripts = []
    page.on("request", lambda request: scripts.append(request.url) if request.url.endswith(".js") else None)
    page.goto(server)
    expect(_thriving_metric(page)).to_have_text("52.6%", timeout=30_000)
    expect(page.frame_locator(CHART).locator(".js-plotly-plot")).to_have_count(1, timeout=30_000)
    # The first load may run twice (a cookie's script drawn once): focus the board once the runs are over, not one that is replaced.
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000)
    before = _first_chart_data(page)
    _chart_frame(page).evaluate("window.unchanged = true")  # gone if the chart's frame were loaded again

    slider = board(page).get_by_role("slider", name=re.compile("Basic needs"))
    slider.focus()
    for step in range(1, 7):  # one press per rerun, as a person would: each waits for the app to answer
        page.keyboard.press("ArrowRight")
        expect(page).to_have_url(re.compile(f"basic_needs={6_000_000 + step * 500_000}"), timeout=20_000)
    expect(slider).to_have_value("9", timeout=10_000)
    expect(_thriving_metric(page)).not_to_have_text("52.6%", timeout=20_000)
    _chart_frame(page).wait_for_function(f"({LAST_THRIVING})() !== {before}", timeout=20_000)
    assert _first_chart_data(page) > before
    assert _chart_frame(page).evaluate("window.unchanged") is True, "the figure is updated in place (Plotly.react), not loaded again"
    assert not [url for url in scripts if "PlotlyChart" in url], "Streamlit's full plotly chunk is not loaded"
    assert [url for url in scripts if url.endswith("plotly-basic.min.js")]
    page.screenshot(path=shots / "allocate-after-move.png", full_page=True)
    page.close()


def test_every_control_is_reachable_with_tab_and_shows_the_focus(browser, server):
    page = browser.new_page(viewport={"width": 1366, "height": 768})  # a laptop
    page.goto(server)
    board(page).get_by_role("slider").first.wait_for(timeout=30_000)
    expect(_thriving_metric(page)).to_have_text("52.6%", timeout=30_000)
    last = board(page).get_by_role("slider", name=re.compile("Belonging"))
    last.focus()  # the last family, 2,000 px down the board
    box, shown = last.bounding_box(), _thriving_metric(page).bounding_box()
    assert 0 <= box["y"] <= 768 and shown is not None and 0 <= shown["y"] <= 768 - shown["height"], \
        f"the projection's figures stay in view beside the moving slider (issue 16 fix 6): slider at {box}, figures at {shown}"
    page.get_by_role("heading", name="Allocate the budget").click()  # Tab from the top again
    reached, unseen = set(), set()
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        reached.add((focused["role"], focused["label"]))
        if focused["framed"] and not focused["shown"]:
            unseen.add(focused["label"])
    sliders = {label for role, label in reached if role == "slider"}
    assert len(sliders) == 13, sliders
    assert sum(1 for _, label in reached if label.startswith("Lock ")) == 13, "a lock per element"
    assert not unseen, f"the focus is not visible on {unseen}"
    page.close()


def test_phone_width_has_no_horizontal_scroll(browser, server, shots):
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(server)
    expect(_thriving_metric(page)).to_have_text("52.6%", timeout=30_000)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    frame = page.frame(url=re.compile("allocation_board"))
    board(page).get_by_role("slider").first.wait_for(timeout=30_000)
    inside = frame.evaluate("""() => [document.documentElement.scrollWidth - document.documentElement.clientWidth,
        ...[...document.querySelectorAll('.head, .foot, .remaining, h2')].map(e => e.scrollWidth - e.clientWidth)]""")
    assert max(inside) <= 0, f"the board scrolls sideways on a phone (the lock row did, issue 18): {inside}"
    remaining = board(page).get_by_role("status")
    expect(remaining).to_have_text(re.compile("Remaining to allocate\\s*0[.,]00 million USD"))
    axe = Axe()
    frame.evaluate(axe.axe_script)  # axe sees inside the board's frame only when it runs there too
    found = axe.run(page, options={"resultTypes": ["violations", "passes"]}).response
    assert any(len(node["target"]) > 1 for rule in found["passes"] for node in rule["nodes"]), "axe looked inside the board"
    assert [v["id"] for v in found["violations"] if v["impact"] in ("serious", "critical")] == []
    page.screenshot(path=shots / "allocate-phone.png", full_page=False)
    page.close()


def test_quick_presses_while_answers_arrive_are_all_kept(browser, server):
    """A person pressing faster than the server answers: every press counts, none is overwritten by a late answer."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server)
    expect(_thriving_metric(page)).to_have_text("52.6%", timeout=30_000)
    idle(page)  # the first load may run twice: focus the board that stays
    slider = board(page).get_by_role("slider", name=re.compile("Humane housing"))
    slider.focus()
    expected = 8_000_000
    for gap in (120, 200, 90, 150, 60):
        for _ in range(4):
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(gap)
        expected += 4 * 500_000
        expect(page).to_have_url(re.compile(f"humane_housing={expected}&"), timeout=20_000)
    page.close()


def test_a_dragged_slider_is_drawn_in_the_browser_and_sends_where_it_was_let_go(browser, server):
    """A pointer's drag (issue 18): the projection runs the kernel's copy on each position, so its lines and the summary
    beside the sliders follow the drag with nothing sent; where it is let go goes as one amount, and the band is drawn for it."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server)
    expect(_thriving_metric(page)).to_have_text("52.6%", timeout=30_000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000)
    frame = page.frame(url=re.compile("allocation_board"))
    chart = _chart_frame(page)
    chart.wait_for_function("window.projectionPanel.ready()", timeout=20_000)
    before = chart.evaluate(LAST_THRIVING)
    box = board(page).get_by_role("slider", name=re.compile("Basic needs")).bounding_box()
    middle = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] / 2, middle)
    page.mouse.down()
    for n in range(1, 9):
        page.mouse.move(box["x"] + box["width"] * (0.5 + n * 0.04), middle)
        page.wait_for_timeout(60)
    drawn = chart.evaluate(LAST_THRIVING)
    for _ in range(50):  # each position is drawn as it comes: wait for the last one (a busy browser may still be drawing)
        page.wait_for_timeout(300)
        drawn, latest = chart.evaluate(LAST_THRIVING), drawn
        if drawn == latest:
            break
    assert drawn != before, before
    expect(board(page).locator(".summary").first).to_contain_text(f"thriving {drawn:.1f}%", timeout=10_000)  # the chart and the summary: one run
    assert frame.evaluate("window.allocationBoard.sent()") == [] and "basic_needs=6000000&" in page.url  # nothing sent while dragging
    page.mouse.up()
    frame.wait_for_function("window.allocationBoard.pending() === 0", timeout=20_000)
    assert frame.evaluate("window.allocationBoard.sent()") == ["amount"]
    expect(page).to_have_url(re.compile(r"basic_needs=(?!6000000&)\d+"), timeout=20_000)
    expect(page.frame_locator(CHART).get_by_text(re.compile("Better than the status quo for thriving in"))).to_be_visible(timeout=20_000)
    page.close()


def test_a_lock_is_set_with_the_keyboard_and_holds_its_element(browser, server):
    """A lock is a toggle button beside its slider: Space on a focused one locks its element (and disables its slider)."""
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(server)
    expect(_thriving_metric(page)).to_have_text("52.6%", timeout=30_000)
    idle(page)
    lock = board(page).get_by_role("button", name=re.compile("^Lock Basic needs for health and safety"))
    lock.focus()
    page.keyboard.press("Space")
    expect(lock).to_have_attribute("aria-pressed", "true", timeout=20_000)
    expect(board(page).get_by_role("slider", name=re.compile("Basic needs"))).to_be_disabled()
    slider = board(page).get_by_role("slider", name=re.compile("Humane housing"))
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile("humane_housing=8500000"), timeout=20_000)
    assert "basic_needs=6000000&" in page.url, "the locked element keeps its amount while the others make room"
    page.close()
