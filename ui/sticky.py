"""Keeping one column in view while the page scrolls: Allocate's projection stays beside whichever slider moves (issue 16,
fix 6: at 1366x768 the chart sat beside the first family only). On a wide screen the column holding the keyed container
sticks below Streamlit's header and scrolls on its own when taller than the window; on a phone the columns stack, as before."""

import streamlit as st

STYLE = """<style>
@media (min-width: 640px) {
  div[data-testid="stColumn"]:has(.st-key-@KEY@) {position: sticky; top: 3.75rem; align-self: flex-start;
    max-height: calc(100vh - 4.25rem); overflow-y: auto; overflow-x: hidden; overscroll-behavior: contain;}
}
</style>"""


def keep_in_view(key: str) -> None:
    """Keep the column holding `st.container(key=key)` in view on a wide screen (a style element takes no room on the page;
    drawn outside a fragment, it is not sent again when the fragment reruns)."""
    st.html(STYLE.replace("@KEY@", key))
