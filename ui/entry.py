"""Every page goes through app.py, even for the very first visitor of a `streamlit run app.py` server who opens a page's own address.

Streamlit treats an app with a `pages/` folder as an old-style multipage app until some session calls `st.navigation`: until then a
page's own address (/optimize) runs that page alone, without app.py's set-up and menu. `python -m ui.serve` (make run) switches
that off before the server starts; under a plain `streamlit run app.py` the first page to import `ui` switches it off and runs
again, now through app.py, which routes to the same page (same address, so the same page hash).
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx


def route_through_app() -> None:
    """Leave Streamlit's pages-folder mode for good, and rerun the current page through app.py when it ran without it."""
    if PagesManager.uses_pages_directory and get_script_run_ctx(suppress_warning=True) is not None:
        PagesManager.uses_pages_directory = False
        st.rerun()
