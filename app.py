"""Commons Portfolio: the entrypoint. Prepares the database once, then routes to the pages by role."""

import streamlit as st

from portfolio_engine import storage
from ui import accessibility, busy, client, downloads, i18n, identity
from ui.i18n import _

downloads.keep_alive()  # first: a file the browser still offers outlives the runs a quick slider move interrupts (ui/downloads.py)
st.set_page_config(page_icon="⚖️", layout="wide")  # an emoji: Streamlit would fetch a material icon from Google  # each page's title comes from its st.Page


@st.cache_resource
def prepare_database() -> int:
    """Create and migrate the database once per server process."""
    return storage.migrate()


prepare_database()
client.bind()  # sign-in throttling counts per browser address
busy.indicator()  # a visible 'being processed' banner when answers are slow (phones have no other sign)
accessibility.styles()  # caption contrast and a visible keyboard focus on every page
i18n.switcher()  # every page: the language (from the address, the session or the browser)
identity.sidebar()
me = identity.current()
pages = [
    st.Page("pages/allocate.py", title=_("Allocate"), icon=":material/tune:", default=True),
    st.Page("pages/optimize.py", title=_("Optimize"), icon=":material/auto_graph:"),
    st.Page("pages/compare.py", title=_("Compare"), icon=":material/compare_arrows:"),
    st.Page("pages/data.py", title=_("Data"), icon=":material/monitoring:"),
    st.Page("pages/vote.py", title=_("Vote"), icon=":material/how_to_vote:"),
    st.Page("pages/results.py", title=_("Results"), icon=":material/ballot:"),
]
if me is None or me["participant"]["role"] == "facilitator":  # participants never see the facilitator pages
    pages.append(st.Page("pages/facilitate.py", title=_("Facilitate"), icon=":material/groups:"))
    pages.append(st.Page("pages/room.py", title=_("Room"), icon=":material/groups_3:"))  # facilitators, and the projector's read-only link
st.navigation(pages).run()
