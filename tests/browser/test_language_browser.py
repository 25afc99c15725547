"""A Spanish reader on a small phone (issue 17, done when): the browser's preference opens the pages in Spanish; they join a
workshop, read what each element covers, vote, and check the receipt without meeting an English sentence; the switcher
changes the language on the page and puts it in the address, and a vote link carries it."""

import os
import re

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from portfolio_engine import i18n
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.portfolio import load_status_quo
from portfolio_engine.record.workshops import create_workshop
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import votes

PASS = "browser-language-pass"
PHONE = {"width": 360, "height": 800}


def _english_sentences() -> list[str]:
    """Fixed phrases of the catalog whose Spanish differs: any of them on a Spanish page is English left over."""
    with (i18n.LOCALE_DIR / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        entries = [m for m in read_po(handle) if m.id and m.string and m.string != m.id]
    phrases = []
    for entry in entries:
        longest = max(re.split(r"\{\w+\}|\*\*|`", entry.id), key=len).strip()
        if len(longest) >= 12 and " " in longest:
            phrases.append(longest)
    return phrases


def english_left(page) -> list[str]:
    text = page.locator("section.stMain, [data-testid='stMain']").first.inner_text()
    return [phrase for phrase in _english_sentences() if phrase in text]


def settled(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_timeout(500)


@pytest.fixture(scope="module")
def room(server_db):
    os.environ["PORTFOLIO_DB"] = str(server_db)
    try:
        catalog = load_catalog()
        workshop, _ = create_workshop(catalog, "Riverside 2027", 10_000_000, "browser-language-facilitator", load_status_quo(catalog), grant=OPERATOR)
        vote = votes.create_vote(catalog, "Prioridades de Riverside", "split", "mean", 1_000_000, passcode=PASS, split_over="elements",
                                 grant=OPERATOR)
        code = votes.generate_codes(vote.id, 1, PASS)[0]
        votes.open_vote(vote.id, PASS)
    finally:
        os.environ.pop("PORTFOLIO_DB", None)
    return workshop, vote, code


def test_a_spanish_reader_joins_votes_and_checks_the_receipt_on_a_small_phone(browser, server, room):
    workshop, vote, code = room
    page = browser.new_context(viewport=PHONE, is_mobile=True, locale="es-ES").new_page()

    page.goto(f"{server}/?join={workshop.join_code}")
    expect(page.get_by_text("Unirse al taller")).to_be_visible(timeout=60_000)
    settled(page)
    assert english_left(page) == []
    page.get_by_label("Su nombre", exact=True).fill("Lucía")
    page.get_by_role("button", name="Unirme").click()
    expect(page.get_by_text("Unirse al taller")).to_have_count(0, timeout=30_000)

    page.goto(f"{server}/vote?vote={vote.id}&code={code}")
    expect(page.get_by_role("heading", name="Votar")).to_be_visible(timeout=60_000)
    settled(page)
    assert english_left(page) == []
    assert page.evaluate("() => document.documentElement.lang") == "es"  # a screen reader reads the page as Spanish
    expect(page.get_by_role("link", name="Resultados")).to_have_count(1)  # the pages' menu too
    page.get_by_text("Qué incluye").first.click()
    expect(page.get_by_text("comida nutritiva")).to_be_visible()
    page.get_by_label("Vivienda digna").fill("100")
    page.get_by_label("Vivienda digna").press("Tab")
    expect(page.get_by_text("Puntos dados: 100 de 100")).to_be_visible(timeout=20_000)
    page.get_by_label("Ayuda por desempleo y ayuda alimentaria").scroll_into_view_if_needed()  # far down the ballot
    counter = page.locator(".st-key-ballot_counter").bounding_box()
    assert counter and 0 <= counter["y"] < 120, counter  # the counter stays in view (issue 16, item 10)
    page.get_by_role("button", name="Revisar mi voto").click()
    expect(page.get_by_text("Revise su voto antes de enviarlo")).to_be_visible(timeout=20_000)
    assert english_left(page) == []
    page.get_by_role("button", name="Enviar mi voto").click()
    expect(page.get_by_text("Su voto quedó guardado. ¡Gracias!")).to_be_visible(timeout=20_000)
    code_block = page.get_by_role("main").locator("code").first  # the sidebar holds the rejoin code
    expect(code_block).to_have_text(re.compile(r"^\s*[A-Z2-9]{10}\s*$"), timeout=20_000)  # the run may still be drawing it
    receipt = code_block.inner_text().strip()
    results = page.get_by_role("link", name="Comprobar mi recibo en la página de Resultados")
    expect(results).to_have_attribute("href", re.compile("lang=es"))
    assert english_left(page) == []

    page.goto(f"{server}/results?vote={vote.id}")
    expect(page.get_by_text("Los resultados se muestran cuando cierra la votación", exact=False)).to_be_visible(timeout=60_000)
    page.get_by_label("Código del recibo").fill(receipt)
    page.get_by_label("Código del recibo").press("Enter")
    expect(page.get_by_text("Este voto se cuenta", exact=False)).to_be_visible(timeout=20_000)
    assert english_left(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def test_the_switcher_changes_the_language_and_the_address_carries_it(browser, server, room):
    _, vote, _ = room
    page = browser.new_context(viewport=PHONE, locale="en-US").new_page()
    page.goto(f"{server}/vote?vote={vote.id}")
    expect(page.get_by_role("heading", name="Vote")).to_be_visible(timeout=60_000)
    settled(page)
    page.get_by_text("Español", exact=True).first.click()
    expect(page.get_by_role("heading", name="Votar")).to_be_visible(timeout=30_000)
    expect(page).to_have_url(re.compile("lang=es"))
    other = browser.new_context(viewport=PHONE, locale="en-US").new_page()
    other.goto(f"{server}/vote?vote={vote.id}&lang=es")  # a vote link in Spanish opens in Spanish whatever the browser prefers
    expect(other.get_by_role("heading", name="Votar")).to_be_visible(timeout=60_000)
