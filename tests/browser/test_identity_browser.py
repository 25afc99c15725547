"""Who you are survives the sidebar and reloads; a person who joined before comes back as themselves; a facilitator signs in
once per browser session (issue 16, fixes 1, 2 and 5)."""

import re

from playwright.sync_api import expect

from portfolio_engine import storage
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.portfolio import load_status_quo
from portfolio_engine.record.workshops import create_workshop
from portfolio_engine.security.access import OPERATOR
from tests.browser.waiting import idle

PASSCODE = "identity-browser-pass"
PAGES = ("Optimize", "Compare", "Data", "Allocate")
KEPT, KEPT_FACILITATOR = (f"() => document.cookie.split('; ').some((pair) => pair.startsWith('{name}=') && pair.length > {len(name) + 1})"
                          for name in ("portfolio_me", "portfolio_facilitator"))


def make_workshop(server_db, monkeypatch):
    monkeypatch.setenv("PORTFOLIO_DB", str(server_db))
    storage.migrate()
    catalog = load_catalog()
    return create_workshop(catalog, "Identity workshop", 100e6, PASSCODE, load_status_quo(catalog), grant=OPERATOR)[0]


def test_a_participant_stays_signed_in_across_pages_and_reloads_and_rejoins_on_another_device(browser, server, server_db, monkeypatch):
    workshop = make_workshop(server_db, monkeypatch)
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{server}/?join={workshop.join_code}")
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Join"))
    expect(form).to_be_visible(timeout=20_000)
    idle(page)
    form.get_by_label("Your name").fill("Bea")
    form.get_by_role("button", name="Join").click()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("button", name="Leave this workshop")).to_be_visible(timeout=20_000)
    expect(sidebar).to_contain_text(re.compile(r"Your rejoin code: \w+"))
    rejoin_code = re.search(r"Your rejoin code: (\w+)", sidebar.inner_text()).group(1)
    page.wait_for_function(KEPT)  # the sidebar's script has kept the sign-in: a reload brings it back
    for name in PAGES:
        sidebar.get_by_role("link", name=name).click()
        expect(page).to_have_url(re.compile(name.lower() if name != "Allocate" else r"/\?"), timeout=20_000)
        page.reload()
        expect(sidebar.get_by_role("button", name="Leave this workshop")).to_be_visible(timeout=20_000)
        expect(sidebar.get_by_role("link", name="Facilitate")).to_have_count(0)
    sidebar.get_by_role("button", name="Leave this workshop").click()
    expect(sidebar.get_by_text("Join a workshop")).to_be_visible(timeout=20_000)
    page.wait_for_function(f"!({KEPT})()")  # and has cleared it
    page.reload()
    expect(sidebar.get_by_text("Join a workshop")).to_be_visible(timeout=20_000)  # leaving is kept too

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"{server}/?join={workshop.join_code}")
    idle(phone)  # a person taps once the page has drawn: CI once saw a tap on Rejoin during a run come to nothing
    phone.get_by_text("I joined before").first.click()
    rejoin = phone.get_by_test_id("stForm").filter(has=phone.get_by_role("button", name="Rejoin", exact=True))
    expect(rejoin).to_be_visible(timeout=20_000)
    idle(phone)
    rejoin.get_by_role("textbox", name="Your name, as you joined").fill("Bea")
    rejoin.get_by_role("textbox", name="Your rejoin code").fill(rejoin_code)
    rejoin.get_by_role("button", name="Rejoin", exact=True).click()
    expect(phone.get_by_text("Save this allocation as a proposal")).to_be_visible(timeout=20_000)


def test_a_facilitator_signs_in_once_and_a_reload_keeps_it(browser, server, server_db, monkeypatch):
    make_workshop(server_db, monkeypatch)  # the workshops of this module share the passcode: the first one listed is signed in
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.goto(f"{server}/facilitate")
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Sign in"))
    expect(form).to_be_visible(timeout=20_000)
    idle(page)
    form.get_by_label("Facilitator passcode").fill(PASSCODE)
    form.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Move to deciding")).to_be_visible(timeout=20_000)
    page.wait_for_function(KEPT_FACILITATOR)
    page.reload()
    expect(page.get_by_role("button", name="Move to deciding")).to_be_visible(timeout=20_000)  # no second passcode, even after a reload
    idle(page)
    page.get_by_role("button", name="Move to deciding").click()
    expect(page.get_by_role("button", name="Move to open")).to_be_visible(timeout=20_000)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("tab", name="Sign in")).to_be_visible(timeout=20_000)
    page.wait_for_function(f"!({KEPT_FACILITATOR})()")
    page.reload()
    expect(page.get_by_role("tab", name="Sign in")).to_be_visible(timeout=20_000)
