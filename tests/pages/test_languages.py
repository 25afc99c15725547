"""Languages (issue 17 item 1): every text on a resident page goes through the translation catalog and is translated in
every language; the engine's messages a resident meets are translated; the language follows the address and the browser."""

import ast
import json
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from portfolio_engine import i18n
from portfolio_engine.errors import PortfolioError
from portfolio_engine.record.drafts import save_draft
from portfolio_engine.record.workshops import authenticate
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.services.ballots import check_ballot
from portfolio_engine.voting import rules, votes
from portfolio_engine.voting.code_sheet import sheet_html

ROOT = Path(__file__).resolve().parents[2]
VOTE, RESULTS = "../../pages/vote.py", "../../pages/results.py"
RESIDENT_FILES = ("pages/vote.py", "pages/results.py", "ui/definitions.py", "ui/chart_text.py", "ui/identity.py")
WORKSHOP_FILES = ("pages/allocate.py", "ui/places.py", "pages/optimize.py", "pages/compare.py", "pages/data.py", "pages/facilitate.py", "pages/room.py",
                  "ui/decision.py", "ui/downloads.py",
                  "ui/ends.py", "ui/funders.py", "ui/menu.py", "ui/presentation.py", "ui/statement.py", "ui/session.py", "ui/constraints_editor.py")
FACILITATE, ROOM, COMPARE, DATA, OPTIMIZE, ALLOCATE = (f"../../pages/{name}.py" for name in ("facilitate", "room", "compare", "data", "optimize", "allocate"))
TEXT_ARGUMENTS = {"label", "help", "placeholder", "body", "caption"}
SHOWING = {"title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "write", "metric", "button", "link_button",
           "download_button", "text_input", "number_input", "text_area", "checkbox", "toggle", "radio", "selectbox", "segmented_control",
           "expander", "form_submit_button", "page_link", "table", "dataframe"}
PASS = "vote-passcode"
PROJECTS = [{"id": "p1", "name": "Pocket park", "cost": 40_000.0, "element": "stable_environment"},
            {"id": "p2", "name": "Tenant legal aid", "cost": 30_000.0, "element": "humane_housing"}]


def _extracted(tmp_path: Path, monkeypatch) -> set[str]:
    """The texts `make i18n` extracts today (same command line)."""
    monkeypatch.chdir(ROOT)
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", "babel.cfg", "-k", "N_", "-k", "Rule:4", "--no-location", "--omit-header",
                                "-o", str(pot), "app.py", "pages", "ui", "portfolio_engine/voting", "portfolio_engine/data",
                                "portfolio_engine/optimizer/binding_words.py", "portfolio_engine/model/milestones.py"])
    with pot.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


@pytest.mark.parametrize("language", [code for code in i18n.languages() if code != i18n.DEFAULT])
def test_every_text_a_resident_reads_is_translated(language, tmp_path, monkeypatch):
    """A new or changed text in a resident page or in the catalog fails here until `make i18n` and its translation."""
    with (i18n.LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = {m.id: m for m in read_po(handle) if m.id}
    extracted = _extracted(tmp_path, monkeypatch)
    missing = sorted(text for text in extracted if text not in catalog or not catalog[text].string or catalog[text].fuzzy)
    assert not missing, f"Not translated in {language} (run make i18n, then translate): {missing[:10]}"
    unseen = sorted(hit for hit in _marked_literals() if hit.split(": ", 1)[1] not in extracted)
    assert not unseen, f"Marked inside an f-string, so extraction misses them (declare them with N_, as ui/workshop_words.py does): {unseen}"


def _marked_literals() -> list[str]:
    """Every `_("text")` written in the pages, ui/ and app.py, as 'file: text', including those inside f-strings."""
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").rglob("*.py"))]
    return [f"{path.name}: {text}" for path in files for _, text in re.findall(r"""\b_\((['"])(.+?)\1\)""", path.read_text(encoding="utf-8"))]


def _has_words(value: ast.expr) -> bool:
    """A literal with letters in it, or an f-string whose literal parts have letters (markup and JSON examples, which start
    with '<', '{' or '[', are not words to translate)."""
    if isinstance(value, ast.JoinedStr):
        return any(_has_words(part) for part in value.values)
    return (isinstance(value, ast.Constant) and isinstance(value.value, str) and any(ch.isalpha() for ch in value.value)
            and not value.value.lstrip().startswith(("<", "{", "[")))


def _unwrapped(path: Path) -> list[str]:
    """Text literals handed straight to a Streamlit element (a label, a message) instead of through _()."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SHOWING:
            candidates = node.args[:1] + [k.value for k in node.keywords if k.arg in TEXT_ARGUMENTS]
            found += [f"{path.name}:{node.lineno}" for value in candidates if _has_words(value)]
    return found


def test_resident_pages_hand_no_english_literal_to_streamlit():
    assert [hit for name in RESIDENT_FILES for hit in _unwrapped(ROOT / name)] == []


def test_workshop_pages_hand_no_english_literal_to_streamlit():
    assert [hit for name in WORKSHOP_FILES for hit in _unwrapped(ROOT / name)] == []


def test_the_unwrapped_check_finds_a_bare_label(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('import streamlit as st\nst.title("Vote")\nst.button(_("Submit"))\nst.text_input(label=f"Code {x}")\n'
                    'st.text_area(_("Mandates"), placeholder=\'{"County": {"floors": {}}}\')\n')
    assert _unwrapped(page) == ["page.py:2", "page.py:4"]


def _spanish(text: str) -> str:
    translated = i18n.message(text, "es")
    assert translated != text, f"English shown to a Spanish reader: {text!r}"
    return translated


def test_the_engine_messages_a_resident_meets_are_translated(catalog):
    """The engine's own wording, produced by the engine: a change there that the catalog misses fails here."""
    split = votes.create_vote(catalog, "Split", "split", "mean", 1_000_000, passcode=PASS, split_over="families", grant=OPERATOR)
    cumulative = votes.create_vote(catalog, "Points", "cumulative", "greedy", 100_000, passcode=PASS, projects=PROJECTS, points=10,
                                   min_projects=2, grant=OPERATOR)
    knapsack = votes.create_vote(catalog, "Projects", "knapsack", "greedy", 50_000, passcode=PASS, projects=PROJECTS, grant=OPERATOR,
                                 min_projects=1, max_projects=1)
    codes = votes.generate_codes(split.id, 1, PASS)
    for vote in (split, cumulative, knapsack):
        votes.open_vote(vote.id, PASS)
    split, cumulative, knapsack = (votes.get_vote(v.id) for v in (split, cumulative, knapsack))
    problems = [check_ballot(catalog, split, {"allocations": {"vital_conditions": 90}}).problem,
                check_ballot(catalog, cumulative, {"points": {"p1": 3}}).problem,
                check_ballot(catalog, cumulative, {"points": {"p1": 10}}).problem,
                check_ballot(catalog, knapsack, {"projects": ["p1", "p2"]}).problem,
                check_ballot(catalog, knapsack, {"projects": []}).problem]
    assert "Dé exactamente 100 puntos (ahora 90)." in [_spanish(p) for p in problems]
    with pytest.raises(PortfolioError) as refused:
        votes.cast(catalog, split.id, "WRONGCODE1", {"allocations": {"vital_conditions": 100}})
    _spanish(str(refused.value))
    receipt = votes.cast(catalog, split.id, codes[0], {"allocations": {"vital_conditions": 100}})
    assert _spanish(votes.check_receipt(split.id, receipt)).startswith("Este voto se cuenta")
    _spanish(votes.check_receipt(split.id, "NOSUCHRECEIPT"))
    for rule in rules.RULES.values():
        _spanish(rule.words)


def _shown(at) -> list[str]:
    """Every text a page shows: headings, paragraphs, captions, notices, widget labels, buttons, metrics, tabs and table headings."""
    texts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success", "text") for e in getattr(at, kind)]
    widgets = [w.label for kind in ("button", "text_input", "number_input", "checkbox", "text_area", "toggle", "selectbox", "radio", "multiselect",
                                    "metric", "expander", "tabs") for w in getattr(at, kind)]
    return texts + widgets + [heading for table in at.dataframe for heading in _headings(table)]


def _headings(table) -> list[str]:
    """A table's column headings as shown: the column configuration's label where it sets one, hidden columns left out."""
    config = json.loads(table.proto.columns or "{}")
    return [config.get(str(c), {}).get("label") or str(c) for c in table.value.columns if not config.get(str(c), {}).get("hidden")]


def _english_left(at) -> list[str]:
    """Shown texts that are an English entry of the catalog whose Spanish differs: text a Spanish reader would meet in English."""
    return [t for t in _shown(at) if i18n.gettext(t, "es") != t]


def test_a_spanish_reader_votes_without_meeting_english(catalog, open_page):
    vote = votes.create_vote(catalog, "Prioridades", "split", "mean", 1_000_000, passcode=PASS, split_over="elements", grant=OPERATOR)
    code = votes.generate_codes(vote.id, 1, PASS)[0]
    votes.open_vote(vote.id, PASS)
    at = open_page(VOTE, vote=vote.id, code=code, lang="es")
    assert at.title[0].value == "Votar" and _english_left(at) == []
    assert any(w.label == "Atención médica urgente" for w in at.number_input)
    at.number_input(key="split:acute_care").set_value(100).run()
    at.button(key="review").click().run()
    assert _english_left(at) == [], at.title[0].value if at.title else ""
    at.button(key="submit").click().run()
    assert at.success[0].value == "Su voto quedó guardado. ¡Gracias!" and _english_left(at) == []
    votes.close_vote(vote.id, PASS)
    results = open_page(RESULTS, vote=vote.id, lang="es")
    assert results.title[0].value == "Resultados" and _english_left(results) == []
    assert results.metric[0].label == "Votos contados"


def test_the_browser_preference_picks_the_language():
    assert i18n.from_header("es-MX,es;q=0.9,en;q=0.8") == "es"
    assert i18n.from_header("fr-FR,fr;q=0.9,es;q=0.5,en;q=0.7") == "en"
    assert i18n.from_header("de-DE") == "en" and i18n.from_header(None) == "en"


def test_numbers_money_and_dates_follow_the_language():
    assert i18n.number(12_500.5, "es", 1) == "12.500,5" and i18n.number(12_500.5, "en", 1) == "12,500.5"
    assert i18n.millions(12_500_000, "es", "USD") == "12,5 millones USD" and i18n.money(48_000, "en", "USD") == "48,000 USD"
    assert i18n.when("2026-11-30T14:05:00", "es") == "30 nov 2026, 14:05" and i18n.when("2026-11-30T14:05:00", "en") == "Nov 30, 2026, 2:05\u202fPM"
    assert i18n.message("This ballot is counted (recorded 2026-11-30 14:05 UTC).", "es") == "Este voto se cuenta (guardado el 30 nov 2026, 14:05 UTC)."
    assert i18n.message("The name is required.", "es") == "Falta un dato obligatorio: nombre."  # the field's name in Spanish too


def test_the_printed_sheet_is_in_the_chosen_language_and_its_links_carry_it(catalog):
    vote = votes.create_vote(catalog, "Prioridades", "split", "mean", 1_000_000, passcode=PASS, grant=OPERATOR)
    page = sheet_html(vote, ["7KM3QX9PTA"], "http://127.0.0.1:8501", language="es")
    assert "<html lang='es'>" in page and "Su código de votante" in page and "Escanee el código" in page
    assert "Your one-time voter code" not in sheet_html(vote, ["7KM3QX9PTA"], "http://x", language="es")


def test_chart_text_summaries_read_as_sentences():
    from ui import chart_text

    shown = {"Housing": "6.0 million USD", "Care": "3.0 million USD", "Belonging": "1.0 million USD"}
    assert chart_text.ranking_summary({"Housing": 6.0, "Care": 3.0, "Belonging": 1.0}, shown) == (
        "Most goes to Housing (6.0 million USD). Next comes Care (3.0 million USD). Least goes to Belonging (1.0 million USD).")
    assert chart_text.against_status_quo("In year 20", {"thriving": ("42%", "38%"), "suffering": ("9%", "11%")}) == (
        "In year 20: thriving 42% (status quo 38%); suffering 9% (status quo 11%).")


def _spanish_page(at) -> AppTest:
    """A page run in Spanish: no catalog text left in English."""
    at.query_params["lang"] = "es"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _english_left(at) == [], at.title[0].value if at.title else ""
    return at


def test_a_spanish_facilitator_reads_the_workshop_pages_without_meeting_english(catalog, workshop, history):
    """Facilitate after a decision, the Room with drafts, Compare with a proposal and its stance, and Data."""
    w, grant = workshop["workshop"], authenticate(workshop["workshop"].id, workshop["passcode"])
    for who, extra in (("ana", 5e6), ("ben", -5e6)):
        amounts = dict(w.status_quo_portfolio(catalog).allocations)
        amounts["humane_housing"] += extra
        amounts["acute_care"] -= extra
        save_draft(catalog, w.id, workshop[who]["id"], amounts)
    signed = {page: AppTest.from_file(page, default_timeout=60) for page in (FACILITATE, ROOM)}
    for at in signed.values():
        at.session_state["grant"] = grant
    facilitate, room = (_spanish_page(at) for at in signed.values())
    assert facilitate.title[0].value == "Facilitar" and [m.label for m in facilitate.metric][0] == "Participantes"
    assert room.title[0].value == "Sala" and "Personas" in room.dataframe[0].value.columns
    compare = _spanish_page(AppTest.from_file(COMPARE, default_timeout=60))
    compare.text_input(key="compare_code").input(w.join_code).run()
    assert compare.title[0].value == "Comparar carteras" and "Situación actual" in compare.multiselect[0].value and _english_left(compare) == []
    assert _spanish_page(AppTest.from_file(DATA, default_timeout=60)).title[0].value == "Datos de la comunidad"


def test_a_spanish_participant_optimizes_without_meeting_english():
    """Optimize's objectives and constraints tables, then its proposal with charts in words and tables."""
    optimize = _spanish_page(AppTest.from_file(OPTIMIZE, default_timeout=60))
    assert optimize.title[0].value == "Proponer una cartera" and "Qué buscar" in [s.value for s in optimize.subheader]
    optimize.button(key="run_optimizer").click().run()
    assert not optimize.exception and "Propuesta" in [s.value for s in optimize.subheader] and _english_left(optimize) == []
    held = [t.value for t in optimize.text if t.value.startswith(("Limita:", "Binding:"))]
    assert held and all(line.startswith("Limita:") for line in held), held  # what holds the proposal back, in Spanish too


def test_a_spanish_participant_allocates_without_meeting_english(workshop):
    """Allocate's own words (its heading, the budget in the language's unit, the downloads, the assumptions and the saving form):
    the board and the projection beside them are the browser's (tests/browser/test_projection_browser.py)."""
    from portfolio_engine.record.workshops import join

    _, token = join(workshop["workshop"].id, "Cleo", "Tenants union", "residents")
    at = AppTest.from_file(ALLOCATE, default_timeout=60)
    at.query_params.update(w=workshop["workshop"].id, me=token)
    at = _spanish_page(at)
    assert at.title[0].value == "Repartir el presupuesto" and "millones" in at.caption[0].value
    for key in ("saving", "downloading", "show_assumptions"):
        at.toggle(key=key).set_value(True).run()
    assert not at.exception and _english_left(at) == []
    assert {"Guardar la propuesta", "Aplicar los supuestos"} <= {b.label for b in at.button}
    assert "Descargar JSON" in {b.label for b in at.get("download_button")}
