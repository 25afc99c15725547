"""ui/serve.py: the theme Streamlit sends at every run's start is made once per process, and is the message it made."""

import pytest
from streamlit import config
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime import app_session

from ui import serve

SECTIONS = ("theme", "theme.light", "theme.dark", "theme.sidebar", "theme.light.sidebar", "theme.dark.sidebar")


@pytest.fixture
def themed():
    """A theme with something in it: a primary colour, and a sidebar's background."""
    before = {name: config.get_option(name) for name in ("theme.primaryColor", "theme.sidebar.backgroundColor")}
    config._set_option("theme.primaryColor", "#b8262b", "test")
    config._set_option("theme.sidebar.backgroundColor", "#f5f5f5", "test")
    yield
    for name, value in before.items():
        config._set_option(name, value, "test")


def part(theme, section: str):
    """The part of the theme message a config section fills ('theme.light.sidebar': theme.light.sidebar)."""
    for name in section.split(".")[1:]:
        theme = getattr(theme, name)
    return theme


def test_the_theme_is_made_once_and_sent_as_streamlit_makes_it(monkeypatch, themed):
    original = app_session._populate_theme_msg
    made = []
    monkeypatch.setattr(app_session, "_populate_theme_msg", lambda msg, section="theme": made.append(section) or original(msg, section))
    serve.theme_once()
    for _ in range(3):  # three runs
        found, wanted = ForwardMsg(), ForwardMsg()
        for section in SECTIONS:
            app_session._populate_theme_msg(part(found.new_session.custom_theme, section), section)
            original(part(wanted.new_session.custom_theme, section), section)
        assert found == wanted
    assert found.new_session.custom_theme.primary_color == "#b8262b" and found.new_session.custom_theme.sidebar.background_color == "#f5f5f5"
    assert sorted(made) == sorted(SECTIONS), "each section made once"
