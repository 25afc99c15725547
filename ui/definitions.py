"""What a ballot's category covers, read from the catalog (never written here) and shown in the page's language."""

import pandas as pd
import streamlit as st

from portfolio_engine.model.catalog import FAMILIES, Catalog
from ui.i18n import _


def name(catalog: Catalog, category: str) -> str:
    """An element's or a family's name in the page's language (the id only when the catalog has no such category)."""
    names = {e.id: e.name for e in catalog.elements} | dict(catalog.family_names)
    return _(names.get(category, category))


def explain(catalog: Catalog, category: str) -> None:
    """Under a ballot field: the element's one-line definition and, behind a toggle, what it covers; for a family, its elements."""
    if category in FAMILIES:
        st.caption(_("Covers: {elements}.").format(elements=", ".join(_(e.name) for e in catalog.elements if e.family == category)))
        return
    element = next((e for e in catalog.elements if e.id == category), None)
    if element is None:
        return
    st.caption(_(element.definition or element.description))
    with st.expander(_("What it covers")):
        st.markdown("\n".join(f"- {_(item)}" for item in element.items))


def covers_table(catalog: Catalog) -> None:
    """Behind a toggle: each element's name, its one-line definition and what it covers (Compare, in the workshop's words)."""
    with st.expander(_("What each element covers")):
        st.table(pd.DataFrame([{_("Element"): e.name, _("Definition"): e.definition or e.description, _("What it covers"): "; ".join(e.items)}
                               for e in catalog.elements]), hide_index=True)
