"""Drawing helpers shared by the pages (no engine calculations here)."""

from ui import entry

entry.route_through_app()  # first, on any page: `streamlit run app.py` opened at a page's own address (ui/entry.py)
