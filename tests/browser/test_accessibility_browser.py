"""Accessibility checked by a machine (issue 17 item 2): axe-core finds no serious or critical violation on Vote, Results,
Allocate, Compare, Data, Facilitate (signed out and signed in) and the join form, on a phone (390x844) and a laptop (1366x768), including the Vote
page's review and receipt steps and the Results page's table view of its chart; and, on the laptop, the facilitator's Room and
Optimize (before and after a proposal)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.portfolio import load_status_quo
from portfolio_engine.record.drafts import save_draft
from portfolio_engine.record.workshops import create_workshop, join
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import votes

PASS = "browser-axe-pass"
FACILITATOR = "browser-axe-facilitator"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}
PAGES = {"Allocate": "/", "Compare": "/compare", "Data": "/data", "Facilitate": "/facilitate", "join": "/?join=ABC234"}


IDLE = "() => document.querySelector(\"[data-testid='stApp']\")?.dataset.testScriptState === 'notRunning' && !document.querySelector('[data-stale=\"true\"]')"


def settle(page) -> None:
    """Wait until the script has finished, nothing is drawn faded as stale, and it stays so (a page may run twice on load)."""
    for _ in range(2):
        page.wait_for_function(IDLE, timeout=60_000)
        page.wait_for_timeout(800)
    page.wait_for_function(IDLE, timeout=60_000)


def after_refresh(page) -> None:
    """On a page that refreshes itself (Room every 4 s, a signed-in Facilitate every 5 s): wait for a refresh to end, so axe
    scans between two refreshes, not while elements are faded as stale or a chart is being replaced. A refresh runs for tens
    of milliseconds: an observer sees it where polling for the running state may miss it."""
    settle(page)
    ended = page.evaluate("""() => new Promise((resolve) => {
      const app = document.querySelector("[data-testid='stApp']");
      let ran = false;
      new MutationObserver(() => {
        if (app.dataset.testScriptState === "running") ran = true;
        else if (ran) resolve(true);
      }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
      setTimeout(() => resolve(false), 20000);
    })""")
    assert ended, "the page should refresh itself within 20 s"
    page.wait_for_timeout(300)


def serious(page) -> list[str]:
    """axe's serious and critical violations on the page as it stands, each with where it is."""
    axe = Axe()
    for frame in page.main_frame.child_frames:  # axe sees inside a frame (the Allocate board's) only when it runs there too
        frame.evaluate(axe.axe_script)
    found = axe.run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['nodes'][0].get('failureSummary', '')[:160]}"
            for v in found if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="module")
def split_vote(server_db):
    """An open split vote that shows its results live, with one ballot, and codes for the Vote page."""
    import os

    os.environ["PORTFOLIO_DB"] = str(server_db)
    try:
        catalog = load_catalog()
        vote = votes.create_vote(catalog, "Riverside priorities", "split", "independent-markets", 1_000_000, passcode=PASS,
                                 split_over="families", grant=OPERATOR, live_results=True)
        codes = votes.generate_codes(vote.id, 4, PASS)
        votes.open_vote(vote.id, PASS)
        votes.cast(catalog, vote.id, codes[0], {"allocations": {"vital_conditions": 60, "urgent_services": 30, "civic_muscle": 10}})
        workshop, _ = create_workshop(catalog, "Riverside 2027", 10_000_000, FACILITATOR, load_status_quo(catalog), grant=OPERATOR)
        for name, shift in (("Ana", 3e5), ("Ben", -3e5)):  # two participants' sliders, so the Room page draws its strips and groups
            amounts = dict(workshop.status_quo_portfolio(catalog).allocations)
            amounts["humane_housing"], amounts["acute_care"] = amounts["humane_housing"] + shift, amounts["acute_care"] - shift
            save_draft(catalog, workshop.id, join(workshop.id, name, "Riverside", "residents")[0]["id"], amounts)
    finally:
        os.environ.pop("PORTFOLIO_DB", None)
    return vote, codes[1:]


def room_and_optimize(page, server: str) -> dict[str, list[str]]:
    """The signed-in facilitator's Room (two participants' sliders drawn as strips and groups) and Optimize before and after a proposal."""
    found = {}
    page.goto(f"{server}/room")
    expect(page.get_by_text("Opinion groups")).to_be_visible(timeout=60_000)
    after_refresh(page)
    found["Room"] = serious(page)
    page.goto(f"{server}/optimize")
    expect(page.get_by_role("button", name="Find the best portfolio")).to_be_visible(timeout=60_000)
    settle(page)
    found["Optimize"] = serious(page)
    page.get_by_role("button", name="Find the best portfolio").click()
    expect(page.get_by_text("What one more million would do in each element")).to_be_visible(timeout=90_000)
    settle(page)
    found["Optimize, with a proposal"] = serious(page)
    return found


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_serious_violation_on_any_page(browser, server, split_vote, viewport):
    vote, codes = split_vote
    page = browser.new_context(viewport=VIEWPORTS[viewport]).new_page()
    problems = {}
    for name, path in PAGES.items():
        page.goto(server + path)
        settle(page)
        problems[name] = serious(page)

    page.goto(f"{server}/facilitate")
    expect(page.get_by_label("Facilitator passcode", exact=True)).to_be_visible(timeout=30_000)
    settle(page)
    page.get_by_label("Facilitator passcode", exact=True).fill(FACILITATOR)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Facilitator passcode", exact=True)).to_have_count(0, timeout=30_000)
    after_refresh(page)
    problems["Facilitate, signed in"] = serious(page)
    if viewport == "laptop":  # Room and Optimize draw the same elements on a phone, stacked
        problems |= room_and_optimize(page, server)

    page.goto(f"{server}/results?vote={vote.id}")
    expect(page.get_by_text("Ballots counted")).to_be_visible(timeout=60_000)
    page.get_by_text("Show the chart as a table").click()
    settle(page)
    problems["Results"] = serious(page)
    overflow = page.evaluate("() => { const m = document.querySelector('[data-testid=stMain]'); return m.scrollWidth - m.clientWidth; }")
    assert overflow <= 0, f"the Results page is {overflow} px wider than the {viewport}"  # issue 16 item 4: its tables fit a phone

    page.goto(f"{server}/vote?vote={vote.id}&code={codes[0 if viewport == 'phone' else 1]}")
    expect(page.get_by_label("Vital conditions")).to_be_visible(timeout=60_000)
    settle(page)
    problems["Vote"] = serious(page)
    page.get_by_label("Vital conditions").fill("100")
    page.get_by_label("Vital conditions").press("Tab")
    page.get_by_role("button", name="Review my vote").click()
    expect(page.get_by_role("button", name="Submit my vote")).to_be_visible(timeout=30_000)
    settle(page)
    problems["Vote: review"] = serious(page)
    page.get_by_role("button", name="Submit my vote").click()
    expect(page.get_by_text("Your vote was recorded. Thank you!")).to_be_visible(timeout=30_000)
    settle(page)
    problems["Vote: receipt"] = serious(page)
    assert {name: found for name, found in problems.items() if found} == {}
