"""Communities file: several starting points (neighborhoods) for one vectorized projection.

Format (JSON): {"communities": [{"name": ..., "thriving": ..., "struggling": ..., "suffering": ...,
"vital_level": ...}]}; shares are fractions of 1 (normalized when they sum to within 0.01 of 1),
vital_level is the vital-conditions level relative to the status quo (default 1).
"""

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from .dynamics import Start
from .errors import InputFormatError

SHARES = ("thriving", "struggling", "suffering")


def start_from_dict(raw: Any, where: str = "communities") -> Start:
    """Validate and build a Start; messages name the community and field."""
    rows = raw.get("communities") if isinstance(raw, dict) else None
    if not isinstance(rows, list) or not rows:
        raise InputFormatError(f"{where}: expected {{\"communities\": [{{\"name\", \"thriving\", \"struggling\", \"suffering\"}}, ...]}}.")
    names, shares, levels = [], [], []
    for n, row in enumerate(rows, start=1):
        label = f"{where}: community {n}"
        if not isinstance(row, dict) or not str(row.get("name", "")).strip():
            raise InputFormatError(f"{label} needs a name.")
        label = f"{where}: community '{row['name']}'"
        values = []
        for field in SHARES + ("vital_level",):
            value = row.get(field, 1.0 if field == "vital_level" else None)
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise InputFormatError(f"{label}: {field} {value!r} is not a number.") from None
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
    if len(set(names)) != len(names):
        raise InputFormatError(f"{where}: community names must be unique.")
    array = np.array(shares)
    return Start(tuple(names), array[:, 0], array[:, 1], array[:, 2], np.array(levels))


def read_start(path: Path) -> Start:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise InputFormatError(f"Cannot read {path}: {err.strerror}.") from err
    except ValueError as err:
        raise InputFormatError(f"{path} is not valid JSON: {err}.") from err
    return start_from_dict(raw, str(path))
