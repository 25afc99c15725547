"""Session helpers shared by pages: keeping a page's widget values while other pages run."""

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from ui.i18n import _

PENDING_ALLOCATION = "pending_allocation"
CURRENT_ALLOCATION = "current_allocation"


def restore(page: str) -> None:
    """Put back the widget values a page saved; Streamlit drops them when another page runs."""
    for key, value in st.session_state.get(f"kept:{page}", {}).items():
        if key not in st.session_state:
            st.session_state[key] = value


def keep(page: str, keys: list[str]) -> None:
    """Save a page's widget values at the end of its run."""
    st.session_state[f"kept:{page}"] = {k: st.session_state[k] for k in keys if k in st.session_state}


def send_to_allocate(amounts: dict[str, float]) -> None:
    """Open the Allocate page with these amounts on its sliders."""
    st.session_state[PENDING_ALLOCATION] = dict(amounts)
    try:
        st.switch_page("pages/allocate.py")
    except StreamlitPageNotFoundError:  # the page script runs on its own (tests), without the navigation
        st.success(_("Loaded: open the Allocate page to see these amounts on the sliders."))
