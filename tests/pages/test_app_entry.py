"""`streamlit run app.py` (what every Streamlit user types): a page opened by its own address still goes through app.py."""

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest


def test_a_first_visitor_on_a_pages_own_address_gets_the_apps_set_up_and_menu(monkeypatch):
    """Issue 16, fix 16: with a pages/ folder Streamlit starts in its old file-per-page mode (AppTest does too, as a fresh
    `streamlit run app.py` server), which ran /optimize alone: no language menu, a menu of file names."""
    monkeypatch.delitem(sys.modules, "ui", raising=False)  # the page's first `import ui`, as in a fresh server process (restored after)
    at = AppTest.from_file("../../app.py", default_timeout=60)
    try:
        at.switch_page("pages/optimize.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert [h.value for h in at.title] == ["Propose a portfolio"]
        assert at.sidebar.selectbox(key="language_menu").value == "en", "app.py's set-up ran"
        assert PagesManager.uses_pages_directory is False
    finally:
        PagesManager.uses_pages_directory = None
