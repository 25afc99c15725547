"""Keeping a sign-in across reloads: a session cookie the browser sends when it opens the app again.

Streamlit starts a new session on every reload (and behind `make serve` perhaps in another process), so the
session's state is gone; the browser's cookies are not. Streamlit can read cookies (st.context.cookies, sent
when the page connects) but not set them, so a fixed script sets them from a data attribute: its text never
changes, so the Content-Security-Policy can allow it by hash (serving/room.py hashes SCRIPT). Session cookies
(no expiry: they end with the browser), SameSite=Strict, Secure over HTTPS.
"""

from html import escape

import streamlit as st

SCRIPT = """(() => {
  for (const el of document.querySelectorAll("[data-portfolio-cookie]")) {
    const pair = el.getAttribute("data-portfolio-cookie");
    el.removeAttribute("data-portfolio-cookie");
    const clear = pair.endsWith("=") ? "; max-age=0" : "";
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = pair + "; path=/; SameSite=Strict" + clear + secure;
  }
})();"""


def read(name: str) -> str | None:
    """The cookie as the browser sent it when this session connected (a value set during the session shows after a reload)."""
    try:
        value = st.context.cookies.get(name)
    except (AttributeError, RuntimeError):  # no browser behind the session
        return None
    return value if isinstance(value, str) and value else None  # AppTest's context is a stand-in, not a browser's cookies


def write(name: str, value: str) -> None:
    """Ask the browser to keep `value` (letters, digits, '.', '-' and '_' only) under `name`; an empty value removes it."""
    if read(name) == (value or None):
        return
    st.html(f'<span data-portfolio-cookie="{escape(name)}={escape(value)}" hidden></span><script>{SCRIPT}</script>',
            unsafe_allow_javascript=True, width="content")
