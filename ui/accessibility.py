"""Styles every page needs to be read and used by everyone, called once from app.py: captions and the chosen option of a
segmented control dark enough for WCAG AA contrast (Streamlit draws captions at 60% opacity, 3.9:1 on white, and the
chosen option at 4.47:1), and a focus ring a keyboard user always sees."""

import streamlit as st

STYLE = """<style>
[data-testid="stCaptionContainer"] { opacity: 1 !important; color: #595959 !important; }
[data-variant="segmented_control"][aria-checked="true"] p { color: #a3222f !important; }
:focus-visible { outline: 3px solid #1a5fb4 !important; outline-offset: 2px !important; }
</style>"""


def styles() -> None:
    """Put the page-wide accessibility styles on the page (no visible element)."""
    st.html(STYLE)
