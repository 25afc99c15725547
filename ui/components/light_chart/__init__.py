"""A plotly figure drawn by plotly.js's basic bundle in a small component, instead of `st.plotly_chart` (issue 18).

`st.plotly_chart` makes the browser fetch Streamlit's plotly chunk: all of plotly.js, 4.6 MB (1.6 MB compressed), most of
Allocate's first load. The app's charts use only scatter and bar traces, which plotly.js's basic bundle (the npm package
plotly.js-basic-dist-min, MIT, vendored in `frontend/` with its licence) draws from 1.2 MB (0.4 MB compressed). The figure
travels as plotly's JSON; the component updates it in place on every run (Plotly.react). Served by Streamlit itself (the
components API v1), or by `make serve`'s nginx from its compressed copy (serving/static_assets.py).
"""

import json
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import streamlit.components.v1 as components

FRONTEND = Path(__file__).parent / "frontend"
_chart = components.declare_component("light_chart", path=str(FRONTEND))


# Streamlit's look for plotly (its template's colours are placeholders its own chart fills in, so the template is dropped).
THEME = {"font": {"family": '"Source Sans", "Source Sans Pro", sans-serif', "color": "#31333F", "size": 14},
         "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)", "hoverlabel": {"bgcolor": "#ffffff"}}
AXIS = {"gridcolor": "#e6eaf1", "zerolinecolor": "#c9cdd6", "linecolor": "#c9cdd6", "automargin": True}  # tick labels inside the frame


def _plain(value):
    """A numpy array or number as JSON takes it (the app's trace dicts hold numpy arrays)."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON")


def spec(figure: go.Figure | dict) -> str:
    """The figure's traces and layout as plotly's JSON, without the template, in Streamlit's look. A plain
    {"data": [trace dicts], "layout": {...}} skips plotly's Python objects altogether (the cheaper path on every move)."""
    whole = figure if isinstance(figure, dict) else figure.to_plotly_json()
    layout = {name: value for name, value in whole.get("layout", {}).items() if name != "template"}
    for name, value in layout.items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(value, dict):
            layout[name] = {**AXIS, **value}
    for name in ("xaxis", "yaxis"):
        layout.setdefault(name, dict(AXIS))
    sent = {"data": whole["data"], "layout": {**THEME, **layout}}
    return json.dumps(sent, default=_plain) if isinstance(figure, dict) else pio.to_json(sent, validate=False)


def light_chart(figure: go.Figure | dict, config: dict | None = None, key: str | None = None) -> None:
    """Draw `figure` (a plotly figure, or its plain dict) as `st.plotly_chart(figure, config=config, key=key)` would, from the basic bundle."""
    _chart(figure=spec(figure), config=json.dumps(config or {}), key=key, default=None)
