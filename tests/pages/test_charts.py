"""Charts tell their series apart without colour (issue 17: colour is never the only carrier of meaning)."""

import pandas as pd

from ui import charts

RUN = pd.DataFrame({"year": [0, 1, 2], "thriving": [0.5, 0.51, 0.52], "struggling": [0.46, 0.45, 0.44], "suffering": [0.04, 0.04, 0.04]})


def test_the_difference_lines_each_have_their_own_dash():
    dashes = [t.line.dash for t in charts.difference(RUN).data]
    assert len(set(dashes)) == 3


def test_each_portfolio_has_its_own_bar_pattern_and_line_marker():
    table = pd.DataFrame({"element": ["A", "B"], "one": [1.0, 2.0], "two": [2.0, 1.0], "three": [1.5, 1.5]})
    assert len({t.marker.pattern.shape for t in charts.allocations(table, ["one", "two", "three"], "million").data}) == 3
    symbols = {t.marker.symbol for t in charts.overlay([RUN, RUN, RUN], ["one", "two", "three"]).data}
    assert len(symbols) == 3
