"""The local menu on the pages: Facilitate edits a workshop's words for the elements and its programs; `catalog_for` gives every page
the catalog in the workshop's words (record/menu.py)."""

import json

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.record.menu import WORD, current_menu, localized, set_menu
from portfolio_engine.record.workshops import Workshop
from portfolio_engine.security.access import Grant
from portfolio_engine.voting.votes import Vote
from ui import i18n
from ui.i18n import _, message
from ui.text import plain

MENU_SECONDS = 10  # another process (make serve) shows a changed menu within this; this one at once


@st.cache_resource(ttl=MENU_SECONDS, max_entries=256, show_spinner=False)
def _local(_catalog: Catalog, elements: tuple[str, ...], workshop_id: str | None, language: str) -> Catalog:
    """The catalog in a workshop's words and a language, read and built at most once per MENU_SECONDS per process (a slider's move
    reruns a page; a menu rarely changes). Keyed by the catalog's element ids too: an installation with its own catalog, or a test
    with a small one, never gets another catalog's cached copy."""
    return localized(_catalog, current_menu(workshop_id) if workshop_id else None, language)


def catalog_for(catalog: Catalog, workshop: Workshop | None, language: str | None = None) -> Catalog:
    """The catalog a page shows, in the page's language: the workshop's words when it has a menu, else the shipped ones (same ids)."""
    return _local(catalog, catalog.ids, workshop.id if workshop else None, language or i18n.language())


def catalog_for_vote(catalog: Catalog, vote: Vote) -> Catalog:
    """The catalog a ballot or its results show: its workshop's words (a standalone vote: the shipped ones), in the page's language."""
    return _local(catalog, catalog.ids, vote.workshop_id, i18n.language())


def facilitate_section(catalog: Catalog, workshop: Workshop, grant: Grant | None) -> None:
    """Facilitate: the workshop's word for well-being, its words for the elements and its local programs; a change needs its reason."""
    menu = current_menu(workshop.id)
    if st.toggle(_("Local menu: your words for the elements and your programs"), key="menu_open"):  # a toggle stays open across reruns
        st.caption(_("The shipped menu stays the default. Rename an element, rewrite its definition or items, and list local programs under "
                     "an element (they count toward it in the model). The ids stay the same."))
        word = st.text_input(_("Your word for well-being"), value=menu.word if menu else WORD, key="menu_word", max_chars=120)
        rows = [{"id": e.id, "name": e.name, "definition": e.definition} for e in localized(catalog, menu).elements]
        edited = st.data_editor(pd.DataFrame(rows), key="menu_elements", hide_index=True, width="stretch", disabled=["id"])
        programs = st.text_area(_("Local programs (JSON list)"), key="menu_programs", value=json.dumps(menu.to_dict()["line_items"]) if menu else "[]",
                                help='[{"element": "humane_housing", "name": "Eastside repair fund", "cost": 2000000, "neighborhood": "Eastside"}]')
        languages = st.text_area(_("Your words in other languages (JSON)"), key="menu_translations", value=json.dumps(
            {i: e["translations"] for i, e in (menu.elements if menu else {}).items() if "translations" in e}, ensure_ascii=False),
            help='{"humane_housing": {"es": {"name": "Vivienda digna", "definition": "...", "items": ["..."]}}}')
        reason = st.text_input(_("Why the menu changes"), key="menu_reason", disabled=menu is None, help=_("Needed for every change after the first."))
        if st.button(_("Save the menu"), key="save_menu"):
            shipped = {e.id: e for e in catalog.elements}
            elements = {}
            for row in edited.to_dict("records"):
                own = {k: str(row[k]) for k in ("name", "definition") if str(row[k] or "") != getattr(shipped[row["id"]], k)}
                kept = (menu.elements.get(row["id"], {}) if menu else {})
                if own or "items" in kept:
                    elements[row["id"]] = {**{k: v for k, v in kept.items() if k == "items"}, **own}
            try:
                by_language = json.loads(languages or "{}")
                if not isinstance(by_language, dict):
                    raise json.JSONDecodeError("not an object", languages, 0)
                for element_id, wording in by_language.items():
                    elements.setdefault(element_id, {})["translations"] = wording
            except json.JSONDecodeError as err:
                st.error(_("Your words in other languages are not valid JSON (line {line}): nothing was saved.").format(line=err.lineno))
                return
            try:
                set_menu(catalog, workshop.id, {"word": word, "elements": elements, "line_items": json.loads(programs or "[]")}, reason, None, grant=grant)
            except json.JSONDecodeError as err:
                st.error(_("The local programs are not valid JSON (line {line}): nothing was saved.").format(line=err.lineno))
            except PortfolioError as err:
                st.error(plain(message(str(err))))
            else:
                _local.clear()  # this process shows the new words at once
                st.success(_("Menu saved."))
