"""Milestones the room can act on: when a portfolio pulls ahead of the status quo, and what it costs on the way.

Computed from two runs over the same years (the chosen portfolio's and the status quo's, as
`Projection.frame` or `Projection.columns` gives them), so a page that already has both runs adds no simulation.
A milestone year is the FIRST whole year the portfolio is better (it may fall back later: the
rows show that); None when it is never reached within the horizon.
"""

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import TypeAlias

import numpy as np
import pandas as pd

from portfolio_engine.i18n import N_

Run: TypeAlias = pd.DataFrame | Mapping[str, np.ndarray]  # one row (or array item) per whole year, one column per output

TOLERANCE = 1e-9  # share of the population: smaller differences are rounding, not a change
UNMET = "unmet_need"  # reported only when the runs carry this output


@dataclass(frozen=True)
class Milestones:
    """When the portfolio is better than the status quo, and the extra suffering on the way there.

    Suffering differences are in points (percentage points of the population) and in share-years
    (the population share suffering above the status quo, summed over time: the trapezoid rule over
    the yearly rows of the positive part of the difference). People figures need a population.
    """

    horizon: int
    thriving_above_year: int | None
    suffering_below_year: int | None
    extra_suffering_peak_points: float
    extra_suffering_peak_year: int | None
    extra_suffering_share_years: float
    extra_suffering_peak_people: float | None = None
    extra_suffering_people_years: float | None = None
    unmet_need_total: float | None = None
    unmet_need_change: float | None = None

    def to_dict(self) -> dict:
        """The JSON form: fields that do not apply (no population, no unmet-need output) are left out."""
        optional = ("extra_suffering_peak_people", "extra_suffering_people_years", "unmet_need_total", "unmet_need_change")
        return {k: v for k, v in asdict(self).items() if not (k in optional and v is None)}


def _first_year(years: np.ndarray, better: np.ndarray) -> int | None:
    hits = np.flatnonzero(better)
    return int(years[hits[0]]) if hits.size else None


def _total(years: np.ndarray, values: np.ndarray) -> float:
    """Area under a yearly series (trapezoid rule): a level held for a year counts one year."""
    return float(np.trapezoid(values, years)) if len(years) > 1 else 0.0


def milestones(chosen: Run, status_quo: Run, population: float | None = None) -> Milestones:
    """Milestones of the chosen run against the status quo's run (same years, one row per year)."""
    years = np.asarray(chosen["year"])
    thriving = np.asarray(chosen["thriving"]) - np.asarray(status_quo["thriving"])
    suffering = np.asarray(chosen["suffering"]) - np.asarray(status_quo["suffering"])
    extra = np.clip(suffering, 0.0, None)
    peak = int(np.argmax(extra))
    worse = extra[peak] > TOLERANCE
    share_years = _total(years, extra)
    unmet = UNMET in chosen and UNMET in status_quo
    unmet_total = _total(years, np.asarray(chosen[UNMET])) if unmet else None
    return Milestones(
        horizon=int(years[-1]),
        thriving_above_year=_first_year(years, thriving > TOLERANCE),
        suffering_below_year=_first_year(years, suffering < -TOLERANCE),
        extra_suffering_peak_points=float(extra[peak] * 100) if worse else 0.0,
        extra_suffering_peak_year=int(years[peak]) if worse else None,
        extra_suffering_share_years=share_years,
        extra_suffering_peak_people=float(extra[peak] * population) if population is not None else None,
        extra_suffering_people_years=share_years * population if population is not None else None,
        unmet_need_total=unmet_total,
        unmet_need_change=unmet_total - _total(years, np.asarray(status_quo[UNMET])) if unmet_total is not None else None,
    )


# The headline's sentences, whole, so each language can word them as it needs (the Allocate page's projection fills the
# same ones in the browser, ui/components/projection). {peak} is in points, with its sign.
HEADLINES = {
    "not_better": N_("Not better than the status quo within {horizon} years."),
    "not_better_peak": N_("Not better than the status quo within {horizon} years: suffering peaks in year {peak_year} at {peak} points."),
    "better_start": N_("Better from the start: suffering falls below the status quo's in year {below}; "
                       "thriving rises above the status quo's in year {above}."),
    "better_start_suffering": N_("Better from the start: suffering falls below the status quo's in year {below}."),
    "better_start_thriving": N_("Better from the start: thriving rises above the status quo's in year {above}."),
    "better_and_worse": N_("Better and worse: thriving rises above the status quo's in year {above}, but suffering peaks in year "
                           "{peak_year} at {peak} points and stays above the status quo's through year {horizon}."),
    "worse_before_better": N_("Worse before better: suffering peaks in year {peak_year} at {peak} points and falls below the "
                              "status quo's in year {below}."),
    "worse_before_better_thriving": N_("Worse before better: suffering peaks in year {peak_year} at {peak} points and falls below "
                                       "the status quo's in year {below}; thriving rises above the status quo's in year {above}."),
}


def headline_case(m: Milestones) -> str:
    """Which of the HEADLINES tells these milestones: better from the start, worse before better, better and worse, or not
    better within the horizon."""
    peak = m.extra_suffering_peak_year is not None
    below = m.suffering_below_year is not None
    above = m.thriving_above_year is not None
    if not (below or above):
        return "not_better_peak" if peak else "not_better"
    if not peak:
        return "better_start" if below and above else "better_start_suffering" if below else "better_start_thriving"
    if not below:
        return "better_and_worse"
    return "worse_before_better_thriving" if above else "worse_before_better"


def headline(m: Milestones, words: Mapping[str, str] = HEADLINES, points: Callable[[float], str] = "{:+.2f}".format) -> str:
    """One plain sentence for the room, about the pace of change and without blame (NLC guide), in `words` (the HEADLINES
    or their translation) with the peak written by `points`."""
    return words[headline_case(m)].format(horizon=m.horizon, peak_year=m.extra_suffering_peak_year, peak=points(m.extra_suffering_peak_points),
                                          below=m.suffering_below_year, above=m.thriving_above_year)
