"""Commons Portfolio: the entrypoint. Prepares the database once, then routes to the pages."""

import streamlit as st

from portfolio_engine import storage

st.set_page_config(page_icon=":material/balance:", layout="wide")  # each page's title comes from its st.Page


@st.cache_resource
def prepare_database() -> int:
    """Create and migrate the database once per server process."""
    return storage.migrate()


prepare_database()
navigation = st.navigation([
    st.Page("pages/allocate.py", title="Allocate", icon=":material/tune:", default=True),
    st.Page("pages/optimize.py", title="Optimize", icon=":material/auto_graph:"),
])
navigation.run()
