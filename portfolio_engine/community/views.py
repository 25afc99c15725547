"""What the Data page shows: a place against its own past and the whole city, never a league table.

Changes are judged by each indicator's direction (higher or lower is better) and only beyond the margin of error:
a change inside the values' confidence interval reads "about the same" (NLC: do not call noise a loss). Missing
values stay missing (never zero), so a change needs two values.
"""

import numpy as np
import pandas as pd

TOTAL = ("total", "total")


def _ok(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["value_status"] == "ok"]


def trend(frame: pd.DataFrame, geo_id: str, group: tuple[str, str] = TOTAL) -> pd.DataFrame:
    """One place's values over time (every period, missing ones included with their status)."""
    rows = frame[(frame["geo_id"] == geo_id) & (frame["group_type"] == group[0]) & (frame["group_name"] == group[1])]
    return rows.sort_values("period_end")[["period_label", "period_end", "value", "lci", "uci", "value_status", "unit", "notes"]]


def margin(*rows: pd.Series) -> float:
    """The margin of error of a comparison: the widest half-interval (uci - lci) / 2 of the values compared; 0 when none has one."""
    halves = [(r["uci"] - r["lci"]) / 2 for r in rows if not pd.isna(r.get("uci")) and not pd.isna(r.get("lci"))]
    return float(max(halves, default=0.0))


def verdict(change: float, higher_is_better: float | None, within: float = 0.0) -> str:
    """'better', 'worse' or 'about the same' for a change, given the direction; 'changed' without one.

    A change no larger than `within` (the margin of error) is 'about the same'."""
    if change is None or pd.isna(change):
        return "not comparable"
    if abs(change) < 1e-12 or abs(change) <= within:
        return "about the same"
    if higher_is_better is None or pd.isna(higher_is_better):
        return "changed"
    return "better" if (change > 0) == bool(higher_is_better) else "worse"


def latest_by_place(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    """For each place at a level: latest value, the one before, the change, and the verdict. Alphabetical, not ranked."""
    rows = []
    for (_, name), part in frame[(frame["geo_level"] == level) & (frame["group_type"] == "total")].groupby(["geo_id", "geo_name"]):
        part = part.sort_values("period_end")
        last = part.iloc[-1]
        known = _ok(part)
        previous = known.iloc[-2] if len(known) >= 2 else None
        latest_ok = known.iloc[-1] if len(known) else None
        compared = previous is not None and latest_ok is not None
        change = latest_ok["value"] - previous["value"] if previous is not None and latest_ok is not None else np.nan
        rows.append({"place": name, "period": last["period_label"], "value": last["value"] if last["value_status"] == "ok" else np.nan,
                     "status": last["value_status"].replace("_", " "), "change since previous": change,
                     "compared with its own past": verdict(change, last["higher_is_better"], margin(latest_ok, previous) if compared else 0.0)})
    return pd.DataFrame(rows).sort_values("place").reset_index(drop=True) if rows else pd.DataFrame()


def by_group(frame: pd.DataFrame, geo_id: str) -> pd.DataFrame:
    """The latest value for each group of a place (small or missing groups shown by their status)."""
    part = frame[(frame["geo_id"] == geo_id) & (frame["group_type"] != "total")]
    if part.empty:
        return pd.DataFrame()
    latest = part.sort_values("period_end").groupby(["group_type", "group_name"]).tail(1)
    return latest[["group_type", "group_name", "period_label", "value", "lci", "uci", "value_status"]].sort_values(["group_type", "group_name"])


def strengths_and_gaps(place: pd.DataFrame, city: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A place's indicators that improved or beat the city (strengths) and those that worsened or trail it (gaps)."""
    strengths, gaps = [], []
    for indicator_id, part in _ok(place[place["group_type"] == "total"]).groupby("indicator_id"):
        part = part.sort_values("period_end")
        last = part.iloc[-1]
        reasons_good: list[str] = []
        reasons_bad: list[str] = []
        if len(part) >= 2:
            judged = verdict(last["value"] - part.iloc[-2]["value"], last["higher_is_better"], margin(last, part.iloc[-2]))
            (reasons_good if judged == "better" else reasons_bad if judged == "worse" else []).append(f"{judged} than {part.iloc[-2]['period_label']}")
        reference = _ok(city[(city["indicator_id"] == indicator_id) & (city["period_label"] == last["period_label"]) & (city["group_type"] == "total")])
        if not reference.empty and not place["geo_id"].eq(reference["geo_id"].iloc[0]).all():
            judged = verdict(last["value"] - reference["value"].iloc[0], last["higher_is_better"], margin(last, reference.iloc[0]))
            (reasons_good if judged == "better" else reasons_bad if judged == "worse" else []).append(f"{judged} than the whole city")
        row = {"indicator": last["indicator_name"], "vital condition": last["vital_condition"] or "(not mapped)",
               "latest": last["value"], "period": last["period_label"]}
        if reasons_good:
            strengths.append({**row, "why": "; ".join(reasons_good)})
        if reasons_bad:
            gaps.append({**row, "why": "; ".join(reasons_bad)})
    return pd.DataFrame(strengths), pd.DataFrame(gaps)


def by_condition(place: pd.DataFrame) -> pd.DataFrame:
    """Latest objective and subjective measures side by side for each vital condition."""
    latest = place[place["group_type"] == "total"].sort_values("period_end").groupby("indicator_id").tail(1)
    rows = []
    for condition, part in latest.groupby(latest["vital_condition"].replace("", "(not mapped)")):
        for measure in ("objective", "subjective"):
            chosen = part[part["measure_type"] == measure]
            text = "; ".join(f"{r.indicator_name}: {r.value:.3g} {r.unit}".strip() if r.value_status == "ok" else
                             f"{r.indicator_name}: {r.value_status.replace('_', ' ')}" for r in chosen.itertuples())
            rows.append({"vital condition": condition, "measure": measure, "latest values": text or "(none)"})
    table = pd.DataFrame(rows)
    return table.pivot(index="vital condition", columns="measure", values="latest values").reset_index() if rows else table
