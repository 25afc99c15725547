"""The well-being impact statement on Compare: pick a proposal, read its headline, download the printable page (record/statement.py)."""

import json

import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.milestones import Milestones
from portfolio_engine.record.statement import statement, to_html
from portfolio_engine.record.workshops import Workshop
from ui import downloads
from ui.i18n import _, message
from ui.model_words import headline
from ui.text import plain


def compare_section(catalog: Catalog, workshop: Workshop, proposals: dict[str, dict]) -> None:
    """A statement for one of the proposals being compared (made on request: it runs the model and reads the community data)."""
    if not proposals:
        return
    st.subheader(_("Well-being impact statement"))
    st.caption(_("What a proposal funds and who funds it against today, what the projection says, each neighborhood against its own past, "
                 "and how the community will know in 1, 3 and 5 years."))
    if not st.toggle(_("Show a proposal's statement"), key="statement_on"):
        return
    label = st.selectbox(_("Proposal"), list(proposals), key="statement_pick")
    proposal = proposals[label]
    try:
        content = statement(catalog, workshop.id, proposal["id"])
    except PortfolioError as err:
        st.error(plain(message(str(err))))
        return
    st.markdown(plain(headline(Milestones(**content["projection"]["milestones"]))))
    left, right = st.columns(2)
    downloads.prepared(_("the statement (HTML)"), f"statement_html:{proposal['id']}", lambda: to_html(content), "statement.html", "text/html", left)
    downloads.prepared(_("the statement (JSON)"), f"statement_json:{proposal['id']}",
                       lambda: json.dumps(content, indent=2, ensure_ascii=False, default=str), "statement.json", "application/json", right)
