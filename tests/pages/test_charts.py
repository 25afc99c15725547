"""Charts tell their series apart without colour (issue 17: colour is never the only carrier of meaning)."""

import numpy as np
import pandas as pd
import pytest

from ui import charts

RUN = pd.DataFrame({"year": [0, 1, 2], "thriving": [0.5, 0.51, 0.52], "struggling": [0.46, 0.45, 0.44], "suffering": [0.04, 0.04, 0.04]})


def test_the_difference_lines_each_have_their_own_dash():
    dashes = [t["line"]["dash"] for t in charts.difference(RUN)["data"]]
    assert len(set(dashes)) == 3


def test_the_projections_figures_are_plain_dicts_plotly_js_reads_as_they_are():
    """No plotly object per slider move (issue 18): the light chart sends the dict's data and layout unchanged."""
    band = pd.DataFrame({"year": [0, 1, 2], **{f"{n}_change_p{q}": [0.0, 0.01, 0.02] for n in ("thriving", "suffering") for q in (10, 90)}})
    run = RUN.assign(cost_of_harm=1.0, urgent_cost=0.5, realized_vital_share=0.3)
    for figure in (charts.population(RUN, RUN), charts.difference(RUN, band), charts.cost_of_harm(run, run, 1e6, "million"), charts.realized(run, run)):
        assert type(figure) is dict and set(figure) == {"data", "layout"} and all(type(t) is dict for t in figure["data"])
    assert [t.get("fill") for t in charts.difference(RUN, band)["data"]].count("tonexty") == 2, "the band for thriving and suffering"


def test_each_portfolio_has_its_own_bar_pattern_and_line_marker():
    table = pd.DataFrame({"element": ["A", "B"], "one": [1.0, 2.0], "two": [2.0, 1.0], "three": [1.5, 1.5]})
    assert len({t.marker.pattern.shape for t in charts.allocations(table, ["one", "two", "three"], "million").data}) == 3
    symbols = {t["marker"]["symbol"] for t in charts.overlay([RUN, RUN, RUN], ["one", "two", "three"])["data"]}
    assert len(symbols) == 3


def test_a_spanish_reader_sees_the_charts_axes_and_lines_in_spanish(monkeypatch):
    """Issue 17: the workshop pages' labels, chart titles and legends included, come from the translation catalog."""
    import ui.i18n

    monkeypatch.setattr(ui.i18n, "language", lambda: "es")
    figure = charts.population(RUN, RUN)
    assert figure["layout"]["xaxis"]["title"]["text"] == "año" and figure["layout"]["yaxis"]["title"]["text"] == "% prosperan"
    assert {t["name"] for t in figure["data"]} >= {"situación actual", "prosperan (esta combinación)"}
    assert "puntos porcentuales" in charts.difference(RUN)["layout"]["yaxis"]["title"]["text"]


def test_every_line_of_this_mix_says_how_the_browser_redraws_it_from_a_run():
    """Allocate's projection draws this mix's lines from the run the browser makes (projection.js reads `meta`):
    applied to the run the page drew, each trace's meta gives back the trace's own numbers, and the band is marked."""
    chosen = RUN.assign(cost_of_harm=[2e6, 2.1e6, 2.3e6], urgent_cost=[1e6, 1.1e6, 1.2e6], realized_vital_share=[0.3, 0.31, 0.32])
    base = chosen * 0.9
    band = pd.DataFrame({"year": [0, 1, 2], **{f"{n}_change_p{q}": [0.0, 0.01, 0.02] for n in ("thriving", "suffering") for q in (10, 90)}})
    diff = {name: chosen[name] - base[name] for name in chosen}
    figures = (charts.population(chosen, base), charts.difference(diff, band), charts.cost_of_harm(chosen, base, 1e6, "million"),
               charts.realized(chosen, base))
    for figure in figures:
        followed = [t for t in figure["data"] if "run" in t.get("meta", {})]
        assert followed, "each view has lines of this mix"
        for trace in followed:
            meta, column = trace["meta"], chosen[trace["meta"]["run"]].to_numpy()
            redrawn = ((column[0] if meta["first"] else column) - (base[meta["run"]].to_numpy() if meta["difference"] else 0)) * meta["times"]
            assert list(trace["y"]) == pytest.approx(list(redrawn * np.ones(len(column))))
        status_quo_lines = [t for t in figure["data"] if t.get("legendgroup") == "sq" or "status quo" in str(t.get("name"))]
        assert all("run" not in t.get("meta", {}) for t in status_quo_lines)
    edges = [(t["meta"]["band"], t["meta"]["edge"]) for t in figures[1]["data"] if "band" in t.get("meta", {})]
    assert edges == [("thriving", "p90"), ("thriving", "p10"), ("suffering", "p90"), ("suffering", "p10")]  # filled from the band
