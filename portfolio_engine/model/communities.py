"""Communities file: several starting points (neighborhoods) for one vectorized projection.

Format (JSON): {"communities": [{"name": ..., "thriving": ..., "struggling": ..., "suffering": ...,
"vital_level": ..., "population": ...}], "anchored": true}; shares are fractions of 1 (normalized when they
sum to within 0.01 of 1), vital_level is the vital-conditions level relative to the status quo (default 1),
population the number of people (optional: all or none). Anchored (the default): each place's shares are where
it stays under the status quo, because its conditions are structural (docs/model.md, "Places"); false: the
shares are a passing state that drifts back to the model's equilibrium.
"""

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from portfolio_engine.errors import InputFormatError
from portfolio_engine.jsonfile import read_json
from portfolio_engine.model.dynamics import Start

SHARES = ("thriving", "struggling", "suffering")


def start_from_dict(raw: Any, where: str = "communities") -> Start:
    """Validate and build a Start; messages name the community and field."""
    rows = raw.get("communities") if isinstance(raw, dict) else None
    if not isinstance(rows, list) or not rows:
        raise InputFormatError(f"{where}: expected {{\"communities\": [{{\"name\", \"thriving\", \"struggling\", \"suffering\"}}, ...]}}.")
    names, shares, levels, people = [], [], [], []
    for n, row in enumerate(rows, start=1):
        label = f"{where}: community {n}"
        if not isinstance(row, dict) or not str(row.get("name", "")).strip():
            raise InputFormatError(f"{label} needs a name.")
        label = f"{where}: community '{row['name']}'"
        values = []
        for field in SHARES + ("vital_level",):
            value: Any = row.get(field, 1.0 if field == "vital_level" else None)  # checked by float() below
            try:
                number = float(value)
            except (TypeError, ValueError, OverflowError):
                raise InputFormatError(f"{label}: {field} {str(value)[:40]!r} is not a number in range.") from None
            if not math.isfinite(number) or number < 0 or (field in SHARES and number > 1):
                bound = "between 0 and 1" if field in SHARES else "0 or more"
                raise InputFormatError(f"{label}: {field} {number:g} must be {bound}.")
            values.append(number)
        total = sum(values[:3])
        if abs(total - 1) > 0.01:
            raise InputFormatError(f"{label}: thriving + struggling + suffering = {total:.3f}, expected 1.")
        names.append(str(row["name"]))
        shares.append([v / total for v in values[:3]])
        levels.append(values[3])
        people.append(_population(row.get("population"), label))
    if len(set(names)) != len(names):
        raise InputFormatError(f"{where}: community names must be unique.")
    if len({p is None for p in people}) > 1:
        raise InputFormatError(f"{where}: give a population for every community or for none.")
    anchored = raw.get("anchored", True)
    if not isinstance(anchored, bool):
        raise InputFormatError(f"{where}: anchored must be true or false.")
    array = np.array(shares)
    population = None if people[0] is None else np.array(people, dtype=float)
    return Start(tuple(names), array[:, 0], array[:, 1], array[:, 2], np.array(levels), population, anchored)


def _population(value: Any, label: str) -> float | None:
    """A community's number of people: above 0, or absent."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputFormatError(f"{label}: population {str(value)[:40]!r} is not a number.") from None
    if not math.isfinite(number) or number <= 0:
        raise InputFormatError(f"{label}: population {number:g} must be above 0.")
    return number


def read_start(path: Path) -> Start:
    raw = read_json(path)
    return start_from_dict(raw, str(path))


SHARE_IDS = ("thriving_share", "struggling_share", "suffering_share")
LEVEL_BOUNDS = (0.5, 2.0)


def communities_from_values(values: pd.DataFrame, vital: set[str]) -> dict:
    """A communities document from imported indicators (the documented rule, docs/data.md).

    Each neighborhood with survey shares (latest period, whole population) becomes a community.
    Its vital level is the geometric mean, over objective indicators mapped to a vital condition, of
    its value relative to the whole city in the same period (inverted where lower is better),
    clipped to 0.5..2; 1 when no such indicator has values for both.
    """
    ok = values[(values["value_status"] == "ok") & (values["group_type"] == "total")]
    shares = ok[ok["indicator_id"].isin(SHARE_IDS) & (ok["geo_level"] == "neighborhood")]
    if shares.empty:
        raise InputFormatError("No survey shares by neighborhood: import a resident survey with a neighborhood column first.")
    latest = shares.sort_values("period_end").groupby(["geo_id", "indicator_id"]).tail(1)
    table = latest.pivot_table(index=["geo_id", "geo_name"], columns="indicator_id", values="value", aggfunc="first").reset_index()
    objective = ok[(ok["measure_type"] == "objective") & ok["vital_condition"].isin(vital) & ok["higher_is_better"].notna()]
    city = objective[objective["geo_level"] == "city"].set_index(["indicator_id", "period_label"])["value"]
    communities = []
    for row in table.itertuples(index=False):
        if any(pd.isna(getattr(row, s)) for s in SHARE_IDS):
            continue
        own = objective[objective["geo_id"] == row.geo_id]
        ratios = []
        for item in own.itertuples(index=False):
            reference = city.get((item.indicator_id, item.period_label))
            if reference is not None and reference > 0 and item.value > 0:
                ratio = item.value / reference
                ratios.append(ratio if item.higher_is_better == 1 else 1 / ratio)
        level = float(np.clip(np.exp(np.mean(np.log(ratios))), *LEVEL_BOUNDS)) if ratios else 1.0
        communities.append({"name": row.geo_name, "thriving": float(row.thriving_share), "struggling": float(row.struggling_share),
                            "suffering": float(row.suffering_share), "vital_level": level,
                            "from_data": ["thriving", "struggling", "suffering"] + (["vital_level"] if ratios else []),
                            "vital_values": len(ratios)})
    if not communities:
        raise InputFormatError("No neighborhood has all three survey shares.")
    return {"communities": communities}


def city_start(values: pd.DataFrame) -> Start | None:
    """The whole city's latest survey shares as a one-community start, or None without a survey."""
    ok = values[(values["value_status"] == "ok") & (values["group_type"] == "total") & (values["geo_level"] == "city")]
    shares = ok[ok["indicator_id"].isin(SHARE_IDS)].sort_values("period_end").groupby("indicator_id").tail(1)
    found = dict(zip(shares["indicator_id"], shares["value"], strict=True))
    if set(found) != set(SHARE_IDS):
        return None
    return start_from_dict({"communities": [{"name": "Whole city (survey)", **{s.split("_")[0]: found[s] for s in SHARE_IDS}}]})
