"""A seeded long-format indicator file of N rows for the import benchmark (written to a given path)."""

import sys

import numpy as np
import pandas as pd


def write(path: str, rows: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    places = rows // (50 * 20)  # 50 indicators x 20 periods per place
    geo = np.repeat(np.arange(places), 50 * 20)
    indicator = np.tile(np.repeat(np.arange(50), 20), places)
    year = np.tile(np.arange(2005, 2025), places * 50)
    value = rng.uniform(0, 100, len(geo)).round(2)
    frame = pd.DataFrame({
        "geo_id": "tract_" + pd.Series(geo).astype(str), "geo_name": "Tract " + pd.Series(geo).astype(str), "geo_level": "tract",
        "parent_geo_id": "city", "group_type": "total", "group_name": "total", "indicator_id": "ind_" + pd.Series(indicator).astype(str),
        "indicator_name": "Indicator " + pd.Series(indicator).astype(str), "vital_condition": "basic_needs",
        "period_start": pd.Series(year).astype(str) + "-01-01", "period_end": pd.Series(year).astype(str) + "-12-31",
        "period_label": pd.Series(year).astype(str), "value": value, "value_status": "ok", "lci": (value * 0.9).round(2),
        "uci": (value * 1.1).round(2), "ci_level": 95, "unit": "%", "higher_is_better": 1, "measure_type": "objective",
        "numerator": "", "denominator": "", "source": "benchmark", "notes": "",
    })
    frame.to_csv(path, index=False)


if __name__ == "__main__":
    write(sys.argv[1], int(sys.argv[2]))
