"""Plotly figures for the projection: light graph_objects figures, quick to build and send."""

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

COLORS = {"thriving": "#1b7837", "struggling": "#b8860b", "suffering": "#b2182b"}
BASELINE = "rgba(90, 90, 90, 0.45)"
CONFIG = {"displaylogo": False, "responsive": True}


def _layout(fig: go.Figure, height: int, y_title: str = "") -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        hovermode="x unified",
        yaxis_title=y_title,
    )
    fig.update_xaxes(title_text="year", row=None)
    return fig


def population(chosen: pd.DataFrame, status_quo: pd.DataFrame) -> go.Figure:
    """Thriving, struggling, suffering (percent of people) against a faint status-quo line."""
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=("Thriving", "Struggling", "Suffering"))
    for row, name in enumerate(("thriving", "struggling", "suffering"), start=1):
        fig.add_trace(go.Scatter(x=status_quo["year"], y=status_quo[name] * 100, name="status quo",
                                 line={"color": BASELINE, "dash": "dot"}, showlegend=row == 1), row=row, col=1)
        fig.add_trace(go.Scatter(x=chosen["year"], y=chosen[name] * 100, name=f"{name} (this mix)",
                                 line={"color": COLORS[name], "width": 3}), row=row, col=1)
        fig.update_yaxes(title_text="% of people", row=row, col=1)
    return _layout(fig, 520)


def difference(diff: pd.DataFrame) -> go.Figure:
    """Change against the status quo, in percentage points of the population."""
    fig = go.Figure()
    for name in ("thriving", "struggling", "suffering"):
        fig.add_trace(go.Scatter(x=diff["year"], y=diff[name] * 100, name=name, line={"color": COLORS[name], "width": 3}))
    fig.add_hline(y=0, line={"color": BASELINE})
    return _layout(fig, 320, "percentage points vs status quo")


def urgent_cost(chosen: pd.DataFrame, status_quo: pd.DataFrame, scale: float, unit: str) -> go.Figure:
    """Cost of the urgent services people draw on each year."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=status_quo["year"], y=status_quo["urgent_cost"] / scale, name="status quo",
                             line={"color": BASELINE, "dash": "dot"}))
    fig.add_trace(go.Scatter(x=chosen["year"], y=chosen["urgent_cost"] / scale, name="this mix",
                             line={"color": "#2166ac", "width": 3}))
    return _layout(fig, 320, f"{unit} per year".strip())


def realized(chosen: pd.DataFrame, status_quo: pd.DataFrame) -> go.Figure:
    """Share of the budget that actually reaches vital conditions, against the chosen share."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=status_quo["year"], y=status_quo["realized_vital_share"] * 100, name="status quo",
                             line={"color": BASELINE, "dash": "dot"}))
    chosen_share = chosen["realized_vital_share"].iloc[0] * 100
    fig.add_trace(go.Scatter(x=chosen["year"], y=[chosen_share] * len(chosen), name="chosen",
                             line={"color": "#762a83", "dash": "dash"}))
    fig.add_trace(go.Scatter(x=chosen["year"], y=chosen["realized_vital_share"] * 100, name="realized",
                             line={"color": "#762a83", "width": 3}))
    return _layout(fig, 320, "% of budget to vital conditions")
