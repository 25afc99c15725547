"""A saturated server: the person who moved a slider sees their change is being processed, then the result."""

import os
import re
import signal

from playwright.sync_api import expect


def test_a_paused_server_shows_the_processing_banner_until_the_answer_arrives(browser, served, shots):
    url, process = served
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)  # a phone
    page.goto(url)
    metric = page.get_by_test_id("stMetric").filter(has_text="Thriving in year").get_by_test_id("stMetricValue")
    expect(metric).to_have_text("52.6%", timeout=30_000)
    banner = page.locator("#portfolio-busy")
    expect(banner).to_be_attached()
    expect(banner).to_be_hidden()

    slider = page.frame_locator('iframe[title="ui.components.allocation_board.allocation_board"]').get_by_role("slider", name=re.compile("Basic needs"))
    slider.focus()
    page.keyboard.press("ArrowRight")  # answered at once: no banner flashes on a quick answer
    expect(page).to_have_url(re.compile("basic_needs=6500000"), timeout=20_000)
    expect(banner).to_be_hidden(timeout=5_000)

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
