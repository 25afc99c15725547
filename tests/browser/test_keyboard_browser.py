"""Keyboard only (issue 17 item 2): a resident casts a split ballot (laptop) and a knapsack ballot (phone) with Tab, typing,
Space and Enter, never the mouse, and every element that takes the focus on the way shows it."""

import os
import re

import pytest
from playwright.sync_api import expect

from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import votes

PASS = "browser-keyboard-pass"
PROJECTS = [{"id": "p1", "name": "Pocket park", "cost": 400_000.0, "element": "stable_environment"},
            {"id": "p2", "name": "Tenant legal aid", "cost": 300_000.0, "element": "humane_housing"},
            {"id": "p3", "name": "Youth jobs", "cost": 500_000.0, "element": "meaningful_work"}]
FOCUSED = """() => { const e = document.activeElement;
  const s = getComputedStyle(e);
  const label = (e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].innerText) || e.innerText || '').trim();
  const shown = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  return {tag: e.tagName, label: label.slice(0, 80), shown: shown}; }"""


@pytest.fixture(scope="module")
def ballots(server_db):
    """An open split vote and an open knapsack vote, with a code for each."""
    os.environ["PORTFOLIO_DB"] = str(server_db)
    try:
        catalog = load_catalog()
        split = votes.create_vote(catalog, "Riverside priorities", "split", "mean", 1_000_000, passcode=PASS, split_over="families",
                                  grant=OPERATOR)
        knapsack = votes.create_vote(catalog, "City projects", "knapsack", "greedy", 1_000_000, passcode=PASS, projects=PROJECTS, grant=OPERATOR)
        codes = {vote.id: votes.generate_codes(vote.id, 1, PASS)[0] for vote in (split, knapsack)}
        for vote in (split, knapsack):
            votes.open_vote(vote.id, PASS)
    finally:
        os.environ.pop("PORTFOLIO_DB", None)
    return {"split": (split, codes[split.id]), "knapsack": (knapsack, codes[knapsack.id])}


def tab_to(page, label: str, limit: int = 80) -> None:
    """Press Tab until the element labelled `label` has the focus; each element focused on the way must show it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] != "BODY":
            assert focused["shown"], f"the focus is not visible on {focused}"
        if focused["label"] == label:
            return
    raise AssertionError(f"Tab never reached {label!r}")


def settled(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_timeout(400)


def review_and_submit(page) -> str:
    """Review, submit, and read the receipt, by keyboard."""
    tab_to(page, "Review my vote")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Check your vote before you submit it")).to_be_visible(timeout=30_000)
    settled(page)
    tab_to(page, "Submit my vote")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your vote was recorded. Thank you!")).to_be_visible(timeout=30_000)
    receipt = page.locator("code").first
    expect(receipt).to_have_text(re.compile(r"^\s*[A-Z2-9]{10}\s*$"), timeout=30_000)  # the run may still be drawing it
    return receipt.inner_text().strip()


def test_a_split_ballot_by_keyboard_on_a_laptop(browser, server, server_db, ballots, monkeypatch):
    monkeypatch.setenv("PORTFOLIO_DB", str(server_db))
    vote, code = ballots["split"]
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.goto(f"{server}/vote?vote={vote.id}&code={code}")
    expect(page.get_by_label("Vital conditions")).to_be_visible(timeout=60_000)
    settled(page)
    for label, points in (("Vital conditions", "50"), ("Urgent services", "30"), ("Belonging and civic muscle", "20")):
        tab_to(page, label)
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(points)
        page.keyboard.press("Enter")
        settled(page)
    expect(page.get_by_text("Points given: 100 of 100")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Review my vote")).to_be_enabled(timeout=20_000)  # drawn after the total, in the same run
    receipt = review_and_submit(page)
    assert re.fullmatch(r"[A-Z2-9]{10}", receipt) and "counted" in votes.check_receipt(vote.id, receipt)


def test_a_knapsack_ballot_by_keyboard_on_a_phone(browser, server, server_db, ballots, monkeypatch):
    monkeypatch.setenv("PORTFOLIO_DB", str(server_db))
    vote, code = ballots["knapsack"]
    page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    page.goto(f"{server}/vote?vote={vote.id}&code={code}")
    expect(page.get_by_label("Pocket park · 400,000 USD")).to_be_visible(timeout=60_000)
    settled(page)
    for label in ("Pocket park · 400,000 USD", "Youth jobs · 500,000 USD"):
        tab_to(page, label)
        page.keyboard.press("Space")
        settled(page)
    expect(page.get_by_text("Your projects cost 900,000 USD of 1.0 million USD")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Review my vote")).to_be_enabled(timeout=20_000)
    receipt = review_and_submit(page)
    assert "counted" in votes.check_receipt(vote.id, receipt)

