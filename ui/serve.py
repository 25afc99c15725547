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
"""

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli


def main() -> None:
    PagesManager.uses_pages_directory = False
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
