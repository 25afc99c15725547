"""End to end: a facilitator and two stakeholders (separate browsers) join, propose, take stances, compare and decide."""

import re

from playwright.sync_api import Page, expect

from portfolio_engine.security import access
from tests.browser.waiting import idle

PASSCODE = "browser-test-pass"
STEWARD = "browser-steward-pass"


def open_sidebar(page: Page) -> None:
    """Phones start with the sidebar folded away."""
    expand = page.get_by_test_id("stExpandSidebarButton")
    if expand.is_visible():
        expand.click()


def fold_sidebar(page: Page) -> None:
    """On a phone an open sidebar covers the page (and the browser remembers it open across loads)."""
    sidebar = page.get_by_test_id("stSidebar")
    if page.viewport_size["width"] < 768 and sidebar.get_attribute("data-collapsed") == "false":
        page.get_by_test_id("stSidebarCollapseButton").click()
        expect(sidebar).to_have_attribute("data-collapsed", "true")


def sidebar_join(page: Page, server: str, join_code: str, name: str, organization: str, sector: str) -> str:
    """Join from the join link; returns the private link the sidebar offers, after checking it signs in again."""
    page.goto(f"{server}/?join={join_code}")
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Join"))
    expect(form).to_be_visible(timeout=20_000)
    idle(page)  # a person types once the page has drawn: a form sent during a run can come to nothing
    form.get_by_label("Your name").fill(name)
    form.get_by_label("Organization").fill(organization)
    form.get_by_label(re.compile("^Sector")).fill(sector)
    form.get_by_role("button", name="Join").click()
    open_sidebar(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Your private link to come back").click(timeout=20_000)
    code = sidebar.get_by_test_id("stCode")
    expect(code).to_contain_text("me=", timeout=20_000)
    link = code.inner_text().strip()
    assert "me=" not in page.url and "join=" not in page.url  # the address others may see holds no sign-in
    page.goto(link)  # the bookmark opened later (a reload without it would sign no one in)
    expect(page).not_to_have_url(re.compile("me="), timeout=20_000)
    expect(page.get_by_text("Save this allocation as a proposal")).to_be_visible(timeout=20_000)  # signed in again
    fold_sidebar(page)
    return link


def save_proposal(page: Page, title: str, rationale: str) -> None:
    page.get_by_text("Save this allocation as a proposal").click()  # the toggle opens the form
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Save proposal"))
    expect(form).to_be_visible(timeout=20_000)
    idle(page)
    form.get_by_label("Title").fill(title)
    form.get_by_label(re.compile("^Rationale")).fill(rationale)
    form.get_by_role("button", name="Save proposal").click()
    expect(page.get_by_text(re.compile("Saved as version 1"))).to_be_visible(timeout=20_000)


def test_facilitator_and_two_stakeholders_reach_a_recorded_decision(browser, server, server_db, shots, tmp_path, monkeypatch):
    monkeypatch.setenv("PORTFOLIO_STEWARD_FILE", str(server_db.with_name("steward.hash")))  # where the server looks by default
    access.set_steward(STEWARD, replace=True)
    facilitator = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    facilitator.goto(f"{server}/facilitate")
    idle(facilitator)
    facilitator.get_by_role("tab", name="Create a workshop").click()
    form = facilitator.get_by_test_id("stForm").filter(has=facilitator.get_by_role("button", name="Create the workshop"))
    form.get_by_label("Workshop name").fill("Browser workshop")
    form.get_by_label(re.compile("^Facilitator passcode")).fill(PASSCODE)
    form.get_by_label("Passcode again").fill(PASSCODE)
    form.get_by_role("textbox", name="Data steward passcode").fill(STEWARD)
    form.get_by_role("button", name="Create the workshop").click()
    code_box = facilitator.locator("div[style*='monospace']")
    expect(code_box).to_be_visible(timeout=20_000)
    join_code = code_box.inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{6}", join_code)

    ana = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    sidebar_join(ana, server, join_code, "Ana", "County hospital", "health")
    navigation = ana.get_by_test_id("stSidebarNav")
    expect(navigation.get_by_text("Compare", exact=True)).to_be_visible()
    expect(navigation.get_by_text("Facilitate", exact=True)).to_have_count(0)  # participants never see the facilitator page
    slider = ana.frame_locator('iframe[title="ui.components.allocation_board.allocation_board"]').get_by_role("slider", name=re.compile("Acute care"))
    slider.focus()
    for _ in range(4):
        ana.keyboard.press("ArrowRight")
    expect(slider).to_have_value("20", timeout=10_000)
    expect(ana).to_have_url(re.compile("acute_care=20000000"), timeout=20_000)
    assert "me=" not in ana.url  # the address is the link to share this allocation: allocations only
    save_proposal(ana, "Protect acute care", "Emergency departments are full.")

    ben = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    ben_link = sidebar_join(ben, server, join_code, "Ben", "Housing authority", "housing")
    save_proposal(ben, "Status quo for now", "Hold steady while we gather data.")
    ben.goto(ben_link.replace(server + "/", server + "/compare"))  # the private link signs in on any page
    expect(ben.get_by_role("heading", name="Compare portfolios")).to_be_visible(timeout=20_000)
    idle(ben)
    stance = ben.get_by_test_id("stForm").filter(has=ben.get_by_role("button", name="Record my stance"))
    stance.get_by_text("Can live with it").click()
    stance.get_by_label("Why").fill("Acute care matters, but housing must follow next year.")
    stance.get_by_role("button", name="Record my stance").click()
    expect(ben.get_by_text("Your stance was recorded.")).to_be_visible(timeout=20_000)

    facilitator.reload()
    facilitator.goto(f"{server}/facilitate")  # still signed in: one sign-in per browser session, and no second passcode field
    expect(facilitator.get_by_role("button", name="Move to deciding")).to_be_visible(timeout=20_000)
    idle(facilitator)
    facilitator.get_by_role("button", name="Move to deciding").click()
    expect(facilitator.get_by_text("State: deciding")).to_be_visible(timeout=20_000)
    facilitator.get_by_label("Why this portfolio").fill("Acute care now, housing reviewed in the next cycle.")
    facilitator.get_by_role("button", name="Record the decision").click()
    expect(facilitator.get_by_text("State: decided")).to_be_visible(timeout=20_000)
    expect(facilitator.get_by_text(re.compile("Audit trail intact"))).to_be_visible(timeout=20_000)

    facilitator.get_by_role("link", name="Compare").click()  # in-app navigation keeps the signed-in session
    expect(facilitator.get_by_role("heading", name="Compare portfolios")).to_be_visible(timeout=20_000)
    expect(facilitator.get_by_text(re.compile("Ben \\(housing\\) on Protect acute care"))).to_be_visible(timeout=20_000)
    facilitator.screenshot(path=shots / "compare.png", full_page=True)

    facilitator.get_by_role("link", name="Facilitate").click()
    prepare = facilitator.get_by_role("button", name="Prepare printable report (HTML)")
    expect(prepare).to_be_visible(timeout=30_000)
    idle(facilitator)
    prepare.click()
    ready = facilitator.get_by_role("button", name="Download printable report (HTML)")
    expect(ready).to_be_visible(timeout=60_000)
    with facilitator.expect_download() as download:
        ready.click()
    report = tmp_path / "report.html"
    download.value.save_as(report)
    facilitator.goto(report.as_uri())
    expect(facilitator.get_by_role("heading", name="Decision")).to_be_visible()
    expect(facilitator.get_by_text("Acute care now, housing reviewed in the next cycle.")).to_be_visible()
    facilitator.screenshot(path=shots / "report.png", full_page=True)
