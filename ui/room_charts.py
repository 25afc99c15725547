"""The room view's figure: one strip per element with every participant's share, the status quo and the residents' vote.

Kept apart from ui/charts.py (the projection's figures, owned with the Allocate page) so each can change alone.
"""

import plotly.graph_objects as go

from ui.i18n import _

GROUP_COLORS = ("#2166ac", "#b2182b", "#1b7837", "#762a83")
STATUS_QUO = "#4d4d4d"
RESIDENTS = "#e08214"


def strips(view: dict, labels: list[str] | None = None) -> go.Figure:
    """Each element a row (percent of each portfolio's total): a dot per participant coloured by opinion group, a grey bar for
    the status quo, an orange diamond for the residents' vote. `labels`, when given, name the dots (the facilitator turned names on)."""
    elements = view["elements"]
    names = [e["name"] for e in elements]
    traces = []
    for n, group in enumerate(view["groups"]):
        columns = [view["keys"].index(m) for m in group["members"]]
        xs = [e["shares"][c] * 100 for e in elements for c in columns]
        ys = [e["name"] for e in elements for _ in columns]
        text = [labels[c] for _ in elements for c in columns] if labels else None
        traces.append(go.Scatter(x=xs, y=ys, mode="markers", name=f"{group['label']} ({group['size']})", text=text,
                                 marker={"size": 11, "color": GROUP_COLORS[n % len(GROUP_COLORS)], "opacity": 0.75},
                                 hovertemplate="%{y}: %{x:.1f}%" + (" (%{text})" if labels else "") + "<extra></extra>"))
    traces.append(go.Scatter(x=[e["status_quo"] * 100 for e in elements], y=names, mode="markers", name=_("Status quo"),
                             marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": STATUS_QUO}},
                             hovertemplate="%{y}: " + _("status quo") + " %{x:.1f}%<extra></extra>"))
    if any(e["residents"] is not None for e in elements):
        traces.append(go.Scatter(x=[(e["residents"] or 0) * 100 for e in elements], y=names, mode="markers", name=_("Residents' vote"),
                                 marker={"symbol": "diamond", "size": 13, "color": RESIDENTS, "line": {"width": 1, "color": "#fff"}},
                                 hovertemplate="%{y}: " + _("residents") + " %{x:.1f}%<extra></extra>"))
    return go.Figure(data=traces, layout={
        "height": 90 + 38 * len(elements), "margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom"},
        "xaxis": {"title": {"text": _("share of the portfolio (%)")}, "rangemode": "tozero", "ticksuffix": "%"},
        "yaxis": {"autorange": "reversed", "categoryorder": "array", "categoryarray": names}, "font": {"size": 15},
    })
