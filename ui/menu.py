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
from ui.text import plain


def catalog_for(catalog: Catalog, workshop: Workshop | None) -> Catalog:
    """The catalog a page shows: the workshop's words when it has a menu, else the shipped ones (same ids either way)."""
    return localized(catalog, current_menu(workshop.id)) if workshop else catalog


def facilitate_section(catalog: Catalog, workshop: Workshop, grant: Grant | None) -> None:
    """Facilitate: the workshop's word for well-being, its words for the elements and its local programs; a change needs its reason."""
    menu = current_menu(workshop.id)
    if st.toggle("Local menu: your words for the elements and your programs", key="menu_open"):  # a toggle stays open across reruns
        st.caption("The shipped menu stays the default. Rename an element, rewrite its definition or items, and list local programs under "
                   "an element (they count toward it in the model). The ids stay the same.")
        word = st.text_input("Your word for well-being", value=menu.word if menu else WORD, key="menu_word", max_chars=120)
        rows = [{"id": e.id, "name": e.name, "definition": e.definition} for e in localized(catalog, menu).elements]
        edited = st.data_editor(pd.DataFrame(rows), key="menu_elements", hide_index=True, width="stretch", disabled=["id"])
        programs = st.text_area("Local programs (JSON list)", key="menu_programs", value=json.dumps(menu.to_dict()["line_items"]) if menu else "[]",
                                help='[{"element": "humane_housing", "name": "Eastside repair fund", "cost": 2000000, "neighborhood": "Eastside"}]')
        reason = st.text_input("Why the menu changes", key="menu_reason", disabled=menu is None, help="Needed for every change after the first.")
        if st.button("Save the menu", key="save_menu"):
            shipped = {e.id: e for e in catalog.elements}
            elements = {}
            for row in edited.to_dict("records"):
                own = {k: str(row[k]) for k in ("name", "definition") if str(row[k] or "") != getattr(shipped[row["id"]], k)}
                kept = (menu.elements.get(row["id"], {}) if menu else {})
                if own or "items" in kept:
                    elements[row["id"]] = {**{k: v for k, v in kept.items() if k == "items"}, **own}
            try:
                set_menu(catalog, workshop.id, {"word": word, "elements": elements, "line_items": json.loads(programs or "[]")}, reason, None, grant=grant)
            except json.JSONDecodeError as err:
                st.error(f"The local programs are not valid JSON (line {err.lineno}): nothing was saved.")
            except PortfolioError as err:
                st.error(plain(str(err)))
            else:
                st.success("Menu saved.")
