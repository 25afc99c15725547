"""Resident surveys with Cantril-ladder answers, turned into thriving / struggling / suffering shares.

Gallup's thresholds: thriving when today >= 7 and in five years (future) >= 8; suffering when today
<= 4 and future <= 4; everyone else struggling. Shares are fractions of 1 with counts and 95% Wilson
intervals, for the whole survey and for each neighborhood and group. Extra 0-10 items are kept as
subjective indicators (mean, and share at 7 or above).
"""

import hashlib
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from portfolio_engine.community.indicators import Summary, Upload, csv_chunks, import_frames, read_source
from portfolio_engine.errors import InputFormatError
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.security import access
from portfolio_engine.security.access import Grant

REQUIRED = ("respondent_id", "ladder_today", "ladder_future")
Z95 = 1.959963984540054


def wilson(successes: int, total: int) -> tuple[float, float]:
    """95% Wilson score interval for a proportion."""
    if total == 0:
        return math.nan, math.nan
    p = successes / total
    centre = (p + Z95**2 / (2 * total)) / (1 + Z95**2 / total)
    half = Z95 * math.sqrt(p * (1 - p) / total + Z95**2 / (4 * total**2)) / (1 + Z95**2 / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def classify(today: pd.Series, future: pd.Series) -> pd.Series:
    thriving = (today >= 7) & (future >= 8)
    suffering = (today <= 4) & (future <= 4)
    return pd.Series(np.select([thriving, suffering], ["thriving", "suffering"], "struggling"), index=today.index)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "item"


def read_survey(data: bytes) -> pd.DataFrame:
    """Answers with 0-10 scores checked, naming the line and column of the first bad cell.

    Read like every import (limits, one value per column on every row): a row with an extra value is refused,
    never read shifted against the header."""
    chunks = list(csv_chunks(data, REQUIRED, "survey"))
    frame = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()
    if frame.empty:
        raise InputFormatError("The survey file has no answers.")
    items = [c for c in frame.columns if c not in REQUIRED and c not in ("neighborhood", "group")]
    for column in ("ladder_today", "ladder_future", *items):
        raw = frame[column].str.strip()
        scores = pd.to_numeric(raw.where(raw != ""), errors="coerce")
        required = column in REQUIRED
        bad = (scores.isna() & (raw != "")) | (scores < 0) | (scores > 10) | (scores.notna() & (scores != scores.round()))
        if required:
            bad |= raw == ""
        if bad.any():
            index = int(bad.idxmax())
            raise InputFormatError(f"Line {index + 2}, column '{column}': got {raw[index]!r}, expected a whole number from 0 to 10.")
        frame[column] = scores
    duplicated = frame["respondent_id"].duplicated()
    if duplicated.any():
        raise InputFormatError(f"Line {int(duplicated.idxmax()) + 2}: respondent_id {frame['respondent_id'][duplicated.idxmax()]!r} appears twice.")
    return frame


def survey_rows(frame: pd.DataFrame, period: str, geo_id: str = "city", geo_name: str = "Whole city") -> pd.DataFrame:
    """Long-format rows: shares for the whole survey, each neighborhood and each group, and extra items."""
    frame = frame.assign(status=classify(frame["ladder_today"], frame["ladder_future"]))
    items = [c for c in frame.columns if c not in (*REQUIRED, "neighborhood", "group", "status")]
    slices = [(geo_id, geo_name, "city", "", "total", "total", frame)]
    if "neighborhood" in frame:
        for name, part in frame[frame["neighborhood"].str.strip() != ""].groupby("neighborhood"):
            slices.append((_slug(name), name, "neighborhood", geo_id, "total", "total", part))
    if "group" in frame:
        for name, part in frame[frame["group"].str.strip() != ""].groupby("group"):
            slices.append((geo_id, geo_name, "city", "", "other", name, part))
    rows = []
    for geo, name, level, parent, group_type, group_name, part in slices:
        base = {"geo_id": geo, "geo_name": name, "geo_level": level, "parent_geo_id": parent, "group_type": group_type,
                "group_name": group_name, "period_label": period, "measure_type": "subjective", "source": "resident survey",
                "vital_condition": "", "notes": ""}
        total = len(part)
        for status in ("thriving", "struggling", "suffering"):
            count = int((part["status"] == status).sum())
            low, high = wilson(count, total)
            rows.append({**base, "indicator_id": f"{status}_share", "indicator_name": f"{status.capitalize()} (Cantril ladder)",
                         "value": count / total, "lci": low, "uci": high, "ci_level": 95, "unit": "share",
                         "higher_is_better": 1 if status == "thriving" else 0, "numerator": count, "denominator": total})
        for item in items:
            answered = part[item].dropna()
            if answered.empty:
                continue
            agree = int((answered >= 7).sum())
            low, high = wilson(agree, len(answered))
            rows.append({**base, "indicator_id": f"{_slug(item)}_mean", "indicator_name": f"{item} (mean, 0-10)",
                         "value": float(answered.mean()), "unit": "0-10", "higher_is_better": 1, "denominator": len(answered)})
            rows.append({**base, "indicator_id": f"{_slug(item)}_share_7plus", "indicator_name": f"{item} (share at 7 or above)",
                         "value": agree / len(answered), "lci": low, "uci": high, "ci_level": 95, "unit": "share", "higher_is_better": 1,
                         "numerator": agree, "denominator": len(answered)})
    return pd.DataFrame(rows).astype(str).replace({"nan": "", "None": ""})


def import_survey(catalog: Catalog, source: Path | Upload, period: str, geo_id: str = "city", geo_name: str = "Whole city",
                  db_path: Path | None = None, *, grant: Grant | None = None) -> Summary:
    """Import a resident survey as shares (all or nothing); needs the data steward's or the operator's grant."""
    access.require(grant, "steward")
    data, name = read_source(source)
    rows = survey_rows(read_survey(data), period, geo_id, geo_name)
    content_hash = hashlib.sha256(data + f"|{period}|{geo_id}|{geo_name}".encode()).hexdigest()
    return import_frames([rows], catalog, name, "survey", content_hash, "resident survey", db_path)
