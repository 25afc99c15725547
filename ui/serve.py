"""Start the app: `python -m ui.serve run app.py [streamlit options]`.

Streamlit 1.67 treats an app with a `pages/` folder as an old-style (v1) multipage app until some
session calls `st.navigation`: a first visitor who opens a page's own URL (say /optimize) would get
that page without app.py (no set-up, a different menu). app.py routes every page with
`st.navigation`, so the v1 behaviour is switched off before the server starts.
"""

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli


def main() -> None:
    PagesManager.uses_pages_directory = False
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
