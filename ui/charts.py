"""Plotly figures for the projection, built in one shot (no make_subplots or update calls: they cost
more than the simulation itself on every slider move). The projection's figures are plain {"data", "layout"} dicts,
never plotly objects: building and validating a Figure (mostly copying Streamlit's default template) cost more than the
run on every move (issue 18). ui/components/light_chart draws them as they are; st.plotly_chart takes them too."""

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.i18n import _

# A trace of this mix carries `meta` saying how its y values come from a run (column, times, minus the status quo's, held at
# year 0), and a band's edge which percentile it is: Allocate's projection fills them in the browser (ui/components/projection).
COLORS = {"thriving": "#1b7837", "struggling": "#b8860b", "suffering": "#b2182b"}
BASELINE = "rgba(90, 90, 90, 0.55)"
CONFIG = {"displaylogo": False, "responsive": True}
MARGIN = {"l": 10, "r": 10, "t": 30, "b": 10}


Run = pd.DataFrame | Mapping[str, np.ndarray]  # a run as a table, or its columns as numpy arrays (studio.Comparison.columns)


def values(frame: Run, column: str) -> np.ndarray:
    """A column as a numpy array, before any arithmetic: a pandas Series' own arithmetic costs more on every move."""
    found = frame[column]
    return found if isinstance(found, np.ndarray) else found.to_numpy()


def live(column: str, times: float = 100.0, difference: bool = False, first: bool = False) -> dict:
    """A trace's `meta`: its y is `column` of this mix's run (minus the status quo's when `difference`, its year-0 value
    held when `first`) times `times`."""
    return {"meta": {"run": column, "times": times, "difference": difference, "first": first}}


def line(x, y, name: str, color: str, dashed: bool = False, **extra) -> dict:
    """One line as a scatter trace dict; numpy arrays, not pandas Series, which plotly converts at a cost."""
    x, y = np.asarray(x), np.asarray(y)
    style = {"color": color, "dash": "dot", "width": 2} if dashed else {"color": color, "width": 3}
    return {"type": "scatter", "x": x, "y": y, "name": name, "mode": "lines", "line": style, **extra}


def _figure(traces: list[dict], height: int, y_title: str, **layout) -> dict:
    """A plain figure from trace dicts (built here, from keys plotly knows): no plotly object, no validation."""
    return {"data": traces, "layout": {
        "height": height, "margin": MARGIN, "hovermode": "x unified",
        "legend": {"orientation": "h", "y": -0.2}, "xaxis": {"title": {"text": _("year")}},
        "yaxis": {"title": {"text": y_title}}, **layout,
    }}


def population(chosen: Run, status_quo: Run) -> dict:
    """Thriving, struggling, suffering (percent of people), one panel each, against a faint status-quo line."""
    traces, layout = [], {}
    names = ("thriving", "struggling", "suffering")
    words = {"thriving": _("thriving"), "struggling": _("struggling"), "suffering": _("suffering")}
    status_quo_name, this_mix = _("status quo"), _("{name} (this mix)")
    for row, name in enumerate(names):
        axis = "" if row == 0 else str(row + 1)
        top = 1 - row / 3
        traces.append(line(status_quo["year"], values(status_quo, name) * 100, status_quo_name, BASELINE, True,
                            yaxis=f"y{axis}", showlegend=row == 0, legendgroup="sq"))
        traces.append(line(chosen["year"], values(chosen, name) * 100, this_mix.format(name=words[name]), COLORS[name], yaxis=f"y{axis}", **live(name)))
        layout[f"yaxis{axis}"] = {"domain": [top - 1 / 3 + 0.06, top - 0.02], "title": {"text": f"% {words[name]}"}}
    layout["xaxis"] = {"anchor": "y3", "title": {"text": _("year")}}  # the years under the lowest panel, not across the middle one
    return _figure(traces, 520, "", **layout)


BAND_FILL = {"thriving": "rgba(27, 120, 55, 0.18)", "suffering": "rgba(178, 24, 43, 0.15)"}


def difference(diff: Run, band: pd.DataFrame | None = None) -> dict:
    """Change against the status quo, in percentage points of the population; with draws, the 10th-90th percentile band
    of thriving's and suffering's change behind the central lines."""
    traces = []
    words = {"thriving": _("thriving"), "struggling": _("struggling"), "suffering": _("suffering")}
    if band is not None:
        for name in ("thriving", "suffering"):
            low, high = band[f"{name}_change_p10"].to_numpy() * 100, band[f"{name}_change_p90"].to_numpy() * 100
            traces.append({"type": "scatter", "x": np.asarray(band["year"]), "y": high, "mode": "lines", "line": {"width": 0},
                           "showlegend": False, "hoverinfo": "skip", "legendgroup": f"band-{name}", "meta": {"band": name, "edge": "p90"}})
            traces.append({"type": "scatter", "x": np.asarray(band["year"]), "y": low, "mode": "lines", "line": {"width": 0},
                           "fill": "tonexty", "fillcolor": BAND_FILL[name],
                           "name": _("{name}: 8 in 10 plausible assumptions").format(name=words[name]),
                           "legendgroup": f"band-{name}", "hoverinfo": "skip", "meta": {"band": name, "edge": "p10"}})
    dashes = {"thriving": "solid", "struggling": "dash", "suffering": "dot"}  # told apart without colour, too
    traces += [{**line(diff["year"], values(diff, name) * 100, words[name], COLORS[name], **live(name, difference=True)),
                "line": {"color": COLORS[name], "width": 3, "dash": dashes[name]}}
               for name in ("thriving", "struggling", "suffering")]
    zero = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0, "y1": 0, "line": {"color": BASELINE}}
    return _figure(traces, 360, _("percentage points vs status quo"), shapes=[zero])


def cost_of_harm(chosen: Run, status_quo: Run, scale: float, unit: str) -> dict:
    """Cost of harm each year: urgent services people draw on plus need left unmet (at its higher cost), and the services alone."""
    return _figure([
        line(status_quo["year"], values(status_quo, "cost_of_harm") / scale, _("status quo: cost of harm"), BASELINE, True),
        line(chosen["year"], values(chosen, "cost_of_harm") / scale, _("this mix: cost of harm"), "#2166ac", **live("cost_of_harm", 1 / scale)),
        line(chosen["year"], values(chosen, "urgent_cost") / scale, _("this mix: services drawn (no unmet need)"), "#762a83", True,
             **live("urgent_cost", 1 / scale)),
    ], 340, _("{unit} per year").format(unit=unit).strip())


def realized(chosen: Run, status_quo: Run) -> dict:
    """Share of the budget that actually reaches vital conditions, against the chosen share."""
    share = values(chosen, "realized_vital_share") * 100
    return _figure([
        line(status_quo["year"], values(status_quo, "realized_vital_share") * 100, _("status quo"), BASELINE, True),
        line(chosen["year"], [share[0]] * len(share), _("chosen"), "#762a83", True, **live("realized_vital_share", first=True)),
        line(chosen["year"], values(chosen, "realized_vital_share") * 100, _("realized"), "#762a83", **live("realized_vital_share")),
    ], 340, _("% of budget to vital conditions"))


def allocations(table: pd.DataFrame, columns: list[str], unit: str) -> go.Figure:
    """Grouped bars: one group per element, one bar per portfolio."""
    palette = ["rgba(90, 90, 90, 0.55)", "#2166ac", "#762a83", "#1b7837", "#b8860b", "#b2182b"]
    patterns = ["", "/", "x", ".", "\\", "+"]  # each portfolio's bars carry a pattern as well as a colour
    traces = [go.Bar(x=np.asarray(table["element"]), y=np.asarray(table[c]), name=c,
                     marker={"color": palette[n % len(palette)], "pattern": {"shape": patterns[n % len(patterns)]}})
              for n, c in enumerate(columns)]
    return go.Figure(data=traces, layout={"height": 380, "margin": MARGIN, "barmode": "group",
                                          "legend": {"orientation": "h", "y": -0.45}, "yaxis": {"title": {"text": unit}}})


def marginal_values(values: dict[str, float], names: dict[str, str]) -> go.Figure:
    """Objective change per extra million in each element."""
    ids = list(values)
    return go.Figure(data=[go.Bar(x=[values[i] for i in ids], y=[names[i] for i in ids], orientation="h", marker={"color": "#2166ac"})],
                     layout={"height": 420, "margin": MARGIN, "xaxis": {"title": {"text": _("objective change per extra million")}},
                             "yaxis": {"autorange": "reversed"}})


def frontier(points: list[dict], kinds: tuple[str, str], chosen: int | None, axes: tuple[str, str] | None = None) -> go.Figure:
    """The trade-off between two objectives (axes titled in words when given); the chosen point is highlighted."""
    titles = axes or kinds
    x = [p["objectives"][kinds[0]] for p in points]
    y = [p["objectives"][kinds[1]] for p in points]
    sizes = [16 if i == chosen else 10 for i in range(len(points))]
    trace = go.Scatter(x=x, y=y, mode="lines+markers", marker={"size": sizes, "color": "#762a83"},
                       text=[_("point {number}").format(number=i + 1) for i in range(len(points))],
                       hovertemplate="%{text}<br>%{x:.4g}, %{y:.4g}<extra></extra>")
    return go.Figure(data=[trace], layout={"height": 380, "margin": MARGIN, "xaxis": {"title": {"text": titles[0]}},
                                           "yaxis": {"title": {"text": titles[1]}}, "clickmode": "event+select"})


SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x"]


def overlay(runs: list[pd.DataFrame], labels: list[str]) -> dict:
    """Thriving (solid) and suffering (dotted, right axis) for several portfolios on one chart."""
    palette = ["rgba(90, 90, 90, 0.8)", "#2166ac", "#762a83", "#1b7837", "#b8860b", "#b2182b"]
    traces = []
    thriving, suffering = _("{label}: thriving"), _("{label}: suffering")
    for n, (run, label) in enumerate(zip(runs, labels, strict=True)):
        color = palette[n % len(palette)]
        marker = {"symbol": SYMBOLS[n % len(SYMBOLS)], "size": 7, "color": color}  # each portfolio has its own marker, not only a colour
        traces.append(line(run["year"], run["thriving"] * 100, thriving.format(label=label), color, mode="lines+markers", marker=marker))
        traces.append(line(run["year"], run["suffering"] * 100, suffering.format(label=label), color, True, yaxis="y2", mode="lines+markers", marker=marker))
    return _figure(traces, 420, _("% thriving (solid)"), yaxis2={"title": {"text": _("% suffering (dotted)")}, "overlaying": "y", "side": "right"},
                   legend={"orientation": "h", "y": -0.3})


def amounts_by_category(amounts: dict[str, float], names: dict[str, str], currency: str) -> dict:
    """A vote's result: one horizontal bar per category, in the result's order (a plain figure for the light chart)."""
    bars = {"type": "bar", "x": [amounts[k] for k in amounts], "y": [names.get(k, k) for k in amounts], "orientation": "h", "marker": {"color": "#2166ac"}}
    return {"data": [bars], "layout": {"height": 420, "margin": MARGIN, "yaxis": {"autorange": "reversed"}, "xaxis": {"title": {"text": currency}}}}


def indicator_trend(series: pd.DataFrame, name: str, unit: str, city: pd.DataFrame | None = None, city_name: str = "") -> go.Figure:
    """One place's indicator over time with its confidence interval, against the whole city's faint line when given;
    missing and suppressed periods keep their place on the axis but draw no point."""
    figure = go.Figure()
    if city is not None:
        figure.add_trace(line(city["period_label"], city["value"], city_name, BASELINE, True))
    shown = series[series["value_status"] == "ok"]
    figure.add_trace(go.Scatter(x=shown["period_label"], y=shown["value"], name=name, mode="lines+markers", line={"color": "#2166ac", "width": 3},
                                error_y={"type": "data", "symmetric": False, "array": (shown["uci"] - shown["value"]).to_numpy(),
                                         "arrayminus": (shown["value"] - shown["lci"]).to_numpy(), "visible": bool(shown["lci"].notna().any())}))
    figure.update_layout(height=340, margin=MARGIN, yaxis_title=unit, legend={"orientation": "h", "y": -0.25},
                         xaxis={"type": "category", "categoryorder": "array", "categoryarray": list(series["period_label"])})
    return figure
