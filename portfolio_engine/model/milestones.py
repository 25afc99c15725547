"""Milestones the room can act on: when a portfolio pulls ahead of the status quo, and what it costs on the way.

Computed from two runs over the same years (the chosen portfolio's and the status quo's, as
`Projection.frame` or `Projection.columns` gives them), so a page that already has both runs adds no simulation.
A milestone year is the FIRST whole year the portfolio is better (it may fall back later: the
rows show that); None when it is never reached within the horizon.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TypeAlias

import numpy as np
import pandas as pd

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


def _thriving(m: Milestones) -> str:
    return f"thriving rises above the status quo's in year {m.thriving_above_year}" if m.thriving_above_year is not None else ""


def headline(m: Milestones) -> str:
    """One plain sentence for the room, about the pace of change and without blame (NLC guide): better from the start,
    worse before better, better and worse, or not better within the horizon."""
    peak = (f"suffering peaks in year {m.extra_suffering_peak_year} at {m.extra_suffering_peak_points:+.2f} points"
            if m.extra_suffering_peak_year is not None else "")
    below = f"falls below the status quo's in year {m.suffering_below_year}" if m.suffering_below_year is not None else ""
    thriving = _thriving(m)
    if not (below or thriving):
        return f"Not better than the status quo within {m.horizon} years" + (f": {peak}." if peak else ".")
    if not peak:
        return "Better from the start: " + "; ".join(p for p in (f"suffering {below}" if below else "", thriving) if p) + "."
    if not below:
        return f"Better and worse: {thriving}, but {peak} and stays above the status quo's through year {m.horizon}."
    return f"Worse before better: {peak} and {below}" + (f"; {thriving}." if thriving else ".")
