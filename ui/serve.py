"""Start the app: `python -m ui.serve run app.py [streamlit options]`.

Streamlit 1.67 treats an app with a `pages/` folder as an old-style (v1) multipage app until some
session calls `st.navigation`: a first visitor who opens a page's own URL (say /optimize) would get
that page without app.py (no set-up, a different menu). app.py routes every page with
`st.navigation`, so the v1 behaviour is switched off before the server starts. A plain `streamlit run app.py` gets the
same from ui/entry.py (the first page to import `ui` switches it off and runs again through app.py).

A deep link's first load also asks for /PAGE/_stcore/health and /PAGE/_stcore/host-config and gets 404s: Streamlit's
front end tries the page's path as the app's base address before the root (streamlit/streamlit#7074). They are harmless;
answering them would make the front end take /PAGE as the app's base, so they stay 404s (make serve's nginx can answer them
without a worker and without logging them).

The theme Streamlit sends at the start of every run is made once per process (`theme_once`).
"""

import sys

from streamlit.proto.NewSession_pb2 import CustomThemeConfig
from streamlit.runtime import app_session
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli


def theme_once() -> None:
    """Make Streamlit's theme message once per process instead of at the start of every run.

    Every run, a slider's move included, starts with a NewSession message whose theme Streamlit builds again from its
    config: six sections, each a walk over every config option, a tenth of a move's server CPU once the browser projected
    the mix (profiled, issue 18). The served app's config does not change while it runs (no file watching), so each
    section is made once and copied into the message."""
    populate = app_session._populate_theme_msg
    made: dict[str, CustomThemeConfig] = {}

    def copied(msg: CustomThemeConfig, section: str = "theme") -> None:
        if section not in made:
            template = CustomThemeConfig()
            populate(template, section)
            made[section] = template
        if made[section].ListFields():  # an empty section leaves its part of the message unset, as Streamlit does
            msg.MergeFrom(made[section])

    app_session._populate_theme_msg = copied


def main() -> None:
    PagesManager.uses_pages_directory = False
    theme_once()
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
