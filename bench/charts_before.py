"""Baseline for `make bench` (issue 18): Allocate's figures from ui/charts.py as they were before issue 18 (plotly objects
validated property by property), used only by bench/allocate_before.py."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

COLORS = {"thriving": "#1b7837", "struggling": "#b8860b", "suffering": "#b2182b"}
BASELINE = "rgba(90, 90, 90, 0.55)"
CONFIG = {"displaylogo": False, "responsive": True}
MARGIN = {"l": 10, "r": 10, "t": 30, "b": 10}


def line(x, y, name: str, color: str, dashed: bool = False, **extra) -> go.Scatter:
    """One line; numpy arrays, not pandas Series, which plotly converts at a cost."""
    x, y = np.asarray(x), np.asarray(y)
    style = {"color": color, "dash": "dot", "width": 2} if dashed else {"color": color, "width": 3}
    return go.Scatter(x=x, y=y, name=name, mode="lines", line=style, **extra)


def _figure(traces: list[go.Scatter], height: int, y_title: str, **layout) -> go.Figure:
    return go.Figure(data=traces, layout={
        "height": height, "margin": MARGIN, "hovermode": "x unified",
        "legend": {"orientation": "h", "y": -0.2}, "xaxis": {"title": {"text": "year"}},
        "yaxis": {"title": {"text": y_title}}, **layout,
    })


def population(chosen: pd.DataFrame, status_quo: pd.DataFrame) -> go.Figure:
    """Thriving, struggling, suffering (percent of people), one panel each, against a faint status-quo line."""
    traces, layout = [], {}
    names = ("thriving", "struggling", "suffering")
    for row, name in enumerate(names):
        axis = "" if row == 0 else str(row + 1)
        top = 1 - row / 3
        traces.append(line(status_quo["year"], status_quo[name] * 100, "status quo", BASELINE, True,
                            yaxis=f"y{axis}", showlegend=row == 0, legendgroup="sq"))
        traces.append(line(chosen["year"], chosen[name] * 100, f"{name} (this mix)", COLORS[name], yaxis=f"y{axis}"))
        layout[f"yaxis{axis}"] = {"domain": [top - 1 / 3 + 0.06, top - 0.02], "title": {"text": f"% {name}"}}
    return _figure(traces, 520, "", **layout)


BAND_FILL = {"thriving": "rgba(27, 120, 55, 0.18)", "suffering": "rgba(178, 24, 43, 0.15)"}


def difference(diff: pd.DataFrame, band: pd.DataFrame | None = None) -> go.Figure:
    """Change against the status quo, in percentage points of the population; with draws, the 10th-90th percentile band
    of thriving's and suffering's change behind the central lines."""
    traces = []
    if band is not None:
        for name in ("thriving", "suffering"):
            low, high = band[f"{name}_change_p10"].to_numpy() * 100, band[f"{name}_change_p90"].to_numpy() * 100
            traces.append(go.Scatter(x=np.asarray(band["year"]), y=high, mode="lines", line={"width": 0}, showlegend=False,
                                     hoverinfo="skip", legendgroup=f"band-{name}"))
            traces.append(go.Scatter(x=np.asarray(band["year"]), y=low, mode="lines", line={"width": 0}, fill="tonexty",
                                     fillcolor=BAND_FILL[name], name=f"{name}: 8 in 10 plausible assumptions", legendgroup=f"band-{name}",
                                     hoverinfo="skip"))
    traces += [line(diff["year"], diff[name] * 100, name, COLORS[name]) for name in ("thriving", "struggling", "suffering")]
    zero = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0, "y1": 0, "line": {"color": BASELINE}}
    return _figure(traces, 360, "percentage points vs status quo", shapes=[zero])


def cost_of_harm(chosen: pd.DataFrame, status_quo: pd.DataFrame, scale: float, unit: str) -> go.Figure:
    """Cost of harm each year: urgent services people draw on plus need left unmet (at its higher cost), and the services alone."""
    return _figure([
        line(status_quo["year"], status_quo["cost_of_harm"] / scale, "status quo: cost of harm", BASELINE, True),
        line(chosen["year"], chosen["cost_of_harm"] / scale, "this mix: cost of harm", "#2166ac"),
        line(chosen["year"], chosen["urgent_cost"] / scale, "this mix: services drawn (no unmet need)", "#762a83", True),
    ], 340, f"{unit} per year".strip())


def realized(chosen: pd.DataFrame, status_quo: pd.DataFrame) -> go.Figure:
    """Share of the budget that actually reaches vital conditions, against the chosen share."""
    chosen_share = chosen["realized_vital_share"].iloc[0] * 100
    return _figure([
        line(status_quo["year"], status_quo["realized_vital_share"] * 100, "status quo", BASELINE, True),
        line(chosen["year"], [chosen_share] * len(chosen), "chosen", "#762a83", True),
        line(chosen["year"], chosen["realized_vital_share"] * 100, "realized", "#762a83"),
    ], 340, "% of budget to vital conditions")
