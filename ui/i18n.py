"""The page's language: from the address (`?lang=es`, as vote links carry it), else this session's choice, else the
browser's preference; a switcher on every page; `_()` to show a text in it and helpers for numbers, money and dates."""

from html import escape

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from portfolio_engine import i18n

KEY = "language"
PARAM = "lang"


def language() -> str:
    """The language this run shows, remembered for the session; found once per run (a page asks for it hundreds of times)."""
    run = get_script_run_ctx()
    found = getattr(run, "portfolio_language", None)
    if run is not None and found is not None and found[0] is run.cursors:  # run.cursors: a new dict at every run's start
        return found[1]
    wanted = st.query_params.get(PARAM)
    if wanted and wanted in i18n.languages():
        st.session_state[KEY] = wanted
    if KEY not in st.session_state:
        st.session_state[KEY] = i18n.from_header(st.context.headers.get("Accept-Language")) if st.context.headers else i18n.DEFAULT
    return _remember(str(st.session_state[KEY]))


def _remember(chosen: str) -> str:
    """Keep the run's language on its context, with the run's cursors it is valid for (held, so no later run can reuse their identity)."""
    run = get_script_run_ctx()
    if run is not None:
        run.portfolio_language = (run.cursors, chosen)  # type: ignore[attr-defined]
    return chosen


def _(text: str) -> str:
    """A text in the page's language (English when the catalog has none)."""
    return i18n.gettext(text, language())


def message(text: str) -> str:
    """An English message from the engine in the page's language."""
    return i18n.message(text, language())


def number(value: float, digits: int = 0) -> str:
    return i18n.number(value, language(), digits)


def money(value: float, currency: str = "") -> str:
    return i18n.money(value, language(), currency)


def millions(value: float, currency: str = "") -> str:
    return i18n.millions(value, language(), currency)


def signed(value: float, digits: int) -> str:
    """A change with its sign, in the language ('+1.2', '-0,4'); no sign on what rounds to no change."""
    shown = round(value, digits) + 0.0
    return ("+" if shown > 0 else "") + number(shown, digits)


def share(value: float, digits: int = 0) -> str:
    return i18n.share(value, language(), digits)


def when(value: object) -> str:
    return i18n.when(value, language())  # type: ignore[arg-type]


def _switched(key: str) -> None:
    """A language menu changed: remember it and put it in the address, so a copied link opens in the same language."""
    chosen = st.session_state.get(key) or language()
    st.session_state[KEY] = _remember(chosen)
    st.query_params[PARAM] = chosen


# A fixed body (the language travels in a data attribute), so the Content-Security-Policy allows it by its hash (serving/room.py).
LANG_SCRIPT = """(() => {
  const el = document.querySelector("[data-portfolio-lang]");
  if (el) { document.documentElement.lang = el.getAttribute("data-portfolio-lang"); }
})();"""


def _label(code: str) -> str:
    return i18n.languages()[code].capitalize()


def switcher() -> None:
    """A language menu in the sidebar of every page (app.py); the page's <html lang> follows, so screen readers pronounce it right."""
    with st.sidebar:  # the script takes no room in the sidebar's flow
        st.html(f'<span data-portfolio-lang="{escape(language())}" hidden></span><script>{LANG_SCRIPT}</script>', unsafe_allow_javascript=True)
    st.session_state["language_menu"] = language()
    st.sidebar.selectbox("Language · Idioma", list(i18n.languages()), format_func=_label, key="language_menu",
                         on_change=_switched, args=("language_menu",))


def inline_switcher() -> None:
    """The same choice on the page itself, for phones where the sidebar is folded away (resident pages)."""
    st.session_state["language_inline"] = language()
    st.radio("Language · Idioma", list(i18n.languages()), format_func=_label, key="language_inline", horizontal=True,
             on_change=_switched, args=("language_inline",), label_visibility="collapsed")
