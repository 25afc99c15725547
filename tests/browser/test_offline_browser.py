"""A room with no internet (issue 17 item 4): no page asks any host but the app's own for anything (icons, fonts, scripts,
styles, maps), and the printed voter-code sheet carries everything it needs."""

import os
from urllib.parse import urlsplit

from playwright.sync_api import expect

from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import votes
from portfolio_engine.voting.code_sheet import sheet_html

PASS = "browser-offline-pass"
PAGES = ("/", "/optimize", "/compare", "/data", "/vote", "/results", "/facilitate", "/room", "/?join=ABC234")
SOURCES = "() => [...document.querySelectorAll('[src], link[href]')].map(e => e.src || e.href)"


def _vote(server_db):
    os.environ["PORTFOLIO_DB"] = str(server_db)
    try:
        catalog = load_catalog()
        vote = votes.create_vote(catalog, "Offline priorities", "split", "mean", 1_000_000, passcode=PASS, split_over="families",
                                 grant=OPERATOR, live_results=True)
        code = votes.generate_codes(vote.id, 1, PASS)[0]
        votes.open_vote(vote.id, PASS)
        votes.cast(catalog, vote.id, code, {"allocations": {"vital_conditions": 50, "urgent_services": 50}})
    finally:
        os.environ.pop("PORTFOLIO_DB", None)
    return vote


def _offline(browser, server, asked: list[str]):
    """A phone with no internet: every request is recorded, and any to another host is stopped before it leaves."""
    own = urlsplit(server).netloc
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.on("request", lambda request: asked.append(request.url))
    context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).netloc == own else route.abort())
    return context, own


def test_the_recorder_sees_a_request_to_another_host(browser, server):
    asked: list[str] = []
    context, _ = _offline(browser, server, asked)
    page = context.new_page()
    page.goto(server + "/_stcore/health")
    page.set_content('<img src="https://fonts.example.invalid/icon.png">')
    page.wait_for_timeout(500)
    assert "https://fonts.example.invalid/icon.png" in asked


def test_no_page_asks_another_host(browser, server, server_db):
    vote = _vote(server_db)
    asked: list[str] = []
    context, own = _offline(browser, server, asked)
    page = context.new_page()
    page.on("websocket", lambda socket: asked.append(socket.url))
    outside = {}
    for path in (*PAGES, f"/results?vote={vote.id}"):
        asked.clear()
        page.goto(server + path)
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
        page.wait_for_timeout(1_500)  # icons, fonts and charts load after the script
        everything = asked + page.evaluate(SOURCES)
        outside[path] = sorted({url for url in everything if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != own})
    expect(page.get_by_text("Ballots counted")).to_be_visible()  # the last page drew its results (chart included)
    assert {path: urls for path, urls in outside.items() if urls} == {}


def test_the_printed_sheet_needs_nothing_from_outside(server_db):
    vote = _vote(server_db)
    sheet = sheet_html(vote, ["7KM3QX9PTA", "8LN4RY2QUB"], "http://192.0.2.1:8501", language="es")
    assert "<svg" in sheet and not any(marker in sheet for marker in ("<script", "<link", "src=", "@import", "url("))
