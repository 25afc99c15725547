"""End to end on a phone: vote by code from a QR link, the next person on the same phone starts clean, a closed vote refuses
the code again, and the receipt and the bundle's public key show on the Results page."""

import re

from playwright.sync_api import expect

from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import votes
from portfolio_engine.voting.results import public_key
from tests.browser.waiting import idle

PASS = "browser-vote-pass"


def test_vote_by_code_then_closed_then_results(browser, server, server_db, shots, monkeypatch):
    monkeypatch.setenv("PORTFOLIO_DB", str(server_db))
    catalog = load_catalog()
    vote = votes.create_vote(catalog, "Riverside priorities", "split", "independent-markets", 1_000_000, passcode=PASS, split_over="families",
                              grant=OPERATOR)
    code = votes.generate_codes(vote.id, 2, PASS)[0]
    votes.open_vote(vote.id, PASS)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{server}/vote?vote={vote.id}&code={code}")  # as the QR card opens it
    expect(phone.get_by_role("heading", name="Riverside priorities")).to_be_visible(timeout=30_000)
    expect(phone.get_by_label("Your voter code")).to_have_value(code)
    idle(phone)
    for label, points in (("Vital conditions", "60"), ("Urgent services", "30"), ("Belonging and civic muscle", "10")):
        field = phone.get_by_label(label)
        field.fill(points)
        field.press("Tab")
        expect(field).to_have_value(points)
        idle(phone)  # a person types the next amount once the page has taken this one
    expect(phone.get_by_text("Points given: 100 of 100")).to_be_visible(timeout=20_000)
    expect(phone.get_by_role("button", name="Review my vote")).to_be_enabled(timeout=20_000)
    phone.get_by_role("button", name="Review my vote").click()
    phone.get_by_role("button", name="Submit my vote").click()
    expect(phone.get_by_text("Your vote was recorded. Thank you!")).to_be_visible(timeout=20_000)
    code_block = phone.locator("code").first
    expect(code_block).to_have_text(re.compile(r"^\s*[A-Z2-9]{10}\s*$"), timeout=20_000)  # the run may still be drawing it
    receipt = code_block.inner_text().strip()
    overflow = phone.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    phone.screenshot(path=shots / "vote-recorded.png")
    expect(phone).not_to_have_url(re.compile(f"code={code}"))
    expect(phone.get_by_role("link", name="Check my receipt on the Results page")).to_have_attribute("href", re.compile(f"results\\?vote={vote.id}"))
    phone.get_by_role("button", name="Next person: vote with another code").click()
    expect(phone.get_by_label("Your voter code")).to_have_value("", timeout=20_000)
    expect(phone).not_to_have_url(re.compile("code="))

    votes.close_vote(vote.id, PASS)
    again = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    again.goto(f"{server}/vote?vote={vote.id}&code={code}")
    expect(again.get_by_text("This vote is closed: it accepts no more ballots.")).to_be_visible(timeout=30_000)
    expect(again.get_by_role("button", name="Review my vote")).to_have_count(0)

    again.goto(f"{server}/results?vote={vote.id}")
    expect(again.get_by_text("Ballots counted")).to_be_visible(timeout=30_000)
    idle(again)
    again.get_by_label("Receipt code").fill(receipt)
    again.get_by_label("Receipt code").press("Enter")
    expect(again.get_by_text(re.compile("This ballot is counted"))).to_be_visible(timeout=20_000)
    expect(again.get_by_text(public_key(vote.id), exact=True)).to_be_visible()
    again.screenshot(path=shots / "results.png", full_page=True)


def test_a_phone_ballot_shows_what_each_element_covers_readably(browser, server, server_db, monkeypatch):
    """Issue 12 item 3: under every element of a split ballot, its one-line definition fits the phone's width in readable type,
    and what it covers opens under it."""
    monkeypatch.setenv("PORTFOLIO_DB", str(server_db))
    catalog = load_catalog()
    vote = votes.create_vote(catalog, "What matters to you", "split", "mean", 1_000_000, passcode=PASS, grant=OPERATOR)
    votes.open_vote(vote.id, PASS)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{server}/vote?vote={vote.id}")
    expect(phone.get_by_role("heading", name="What matters to you")).to_be_visible(timeout=30_000)
    for element in catalog.elements:
        definition = phone.get_by_text(element.definition, exact=True)
        definition.scroll_into_view_if_needed()
        expect(definition).to_be_visible()
        box = definition.bounding_box()
        size = definition.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390 and size >= 14, (element.id, box, size)
    housing = catalog.elements[catalog.index("humane_housing")]
    phone.get_by_text("What it covers").nth(catalog.index("humane_housing")).click()
    expect(phone.get_by_text(housing.items[0], exact=True)).to_be_visible(timeout=10_000)
    assert phone.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
