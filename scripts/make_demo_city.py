"""Generate the synthetic demo city in portfolio_engine/data/demo_city/ (seeded, so the files are reproducible).

Five invented neighborhoods of "Riverside", four years of objective indicators mapped to vital
conditions (with confidence intervals, a few suppressed values), and a resident survey with Cantril
ladder answers and two extra 0-10 items. Every number is invented.

    python scripts/make_demo_city.py
"""

import csv
from pathlib import Path

import numpy as np

SEED = 20261123
OUT = Path(__file__).resolve().parent.parent / "portfolio_engine" / "data" / "demo_city"
NEIGHBORHOODS = {"Eastside": 0.75, "Harbor": 0.9, "Old Town": 1.0, "Northgate": 1.15, "Hillcrest": 1.3}  # relative vital conditions
YEARS = (2021, 2022, 2023, 2024)
INDICATORS = [  # id, name, vital condition, unit, higher is better, city level in 2021, yearly trend
    ("child_poverty", "Children in poverty", "meaningful_work", "%", 0, 22.0, -0.6),
    ("hs_completion", "High school completion", "lifelong_learning", "%", 1, 84.0, 0.8),
    ("rent_burden", "Households paying over 30% of income for rent", "humane_housing", "%", 0, 47.0, 0.4),
    ("park_access", "Residents within a 10-minute walk of a park", "stable_environment", "%", 1, 71.0, 1.0),
    ("transit_access", "Jobs reachable by transit in 45 minutes (thousands)", "reliable_transportation", "count", 1, 120.0, 3.0),
    ("uninsured", "Uninsured adults", "basic_needs", "%", 0, 9.0, -0.3),
    ("food_insecurity", "Food-insecure households", "basic_needs", "%", 0, 13.0, -0.2),
    ("voter_turnout", "Turnout in local elections", "belonging_civic_muscle", "%", 1, 31.0, 0.7),
]
COLUMNS = ["geo_id", "geo_name", "geo_level", "parent_geo_id", "group_type", "group_name", "indicator_id", "indicator_name",
           "vital_condition", "period_start", "period_end", "period_label", "value", "value_status", "lci", "uci", "ci_level", "unit",
           "higher_is_better", "measure_type", "numerator", "denominator", "source", "notes"]


def slug(name: str) -> str:
    return name.lower().replace(" ", "_")


def indicator_rows(rng: np.random.Generator) -> list[dict]:
    rows = []
    places = [("riverside", "Riverside", "city", "", 1.0)] + [(slug(n), n, "neighborhood", "riverside", f) for n, f in NEIGHBORHOODS.items()]
    for key, name, condition, unit, better, level, trend in INDICATORS:
        for geo, geo_name, geo_level, parent, factor in places:
            for n, year in enumerate(YEARS):
                effect = factor if better else 1 / factor
                value = (level + trend * n) * effect * rng.normal(1, 0.03)
                if unit == "%":
                    value = float(np.clip(value, 0.5, 99.5))
                suppressed = geo_level == "neighborhood" and rng.random() < 0.03
                half = value * 0.08 if geo_level == "neighborhood" else value * 0.03
                rows.append({
                    "geo_id": geo, "geo_name": geo_name, "geo_level": geo_level, "parent_geo_id": parent, "group_type": "total",
                    "group_name": "total", "indicator_id": key, "indicator_name": name, "vital_condition": condition,
                    "period_start": f"{year}-01-01", "period_end": f"{year}-12-31", "period_label": str(year),
                    "value": "" if suppressed else f"{value:.2f}", "value_status": "censored" if suppressed else "ok",
                    "lci": "" if suppressed else f"{value - half:.2f}", "uci": "" if suppressed else f"{value + half:.2f}",
                    "ci_level": "" if suppressed else "95", "unit": unit, "higher_is_better": str(better), "measure_type": "objective",
                    "numerator": "", "denominator": "", "source": "Riverside demo data (synthetic)",
                    "notes": "suppressed: fewer than 20 respondents" if suppressed else "",
                })
    return rows


def survey_rows(rng: np.random.Generator) -> list[dict]:
    rows = []
    for n in range(1200):
        neighborhood = list(NEIGHBORHOODS)[n % len(NEIGHBORHOODS)]
        factor = NEIGHBORHOODS[neighborhood]
        today = int(np.clip(round(rng.normal(6.6 * factor ** 0.4, 1.6)), 0, 10))
        future = int(np.clip(round(today + rng.normal(1.3, 1.1)), 0, 10))
        rows.append({"respondent_id": f"R{n + 1:04d}", "ladder_today": today, "ladder_future": future, "neighborhood": neighborhood,
                     "group": ("under 30", "30 to 64", "65 and over")[int(rng.integers(0, 3))],
                     "proud of my community": int(np.clip(round(rng.normal(6.2 * factor ** 0.3, 2)), 0, 10)),
                     "learned something interesting today": int(np.clip(round(rng.normal(5.5, 2.2)), 0, 10))})
    return rows


def main() -> None:
    rng = np.random.default_rng(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, rows in (("indicators.csv", indicator_rows(rng)), ("survey.csv", survey_rows(rng))):
        with open(OUT / name, "w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]) if name == "survey.csv" else COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {OUT / name} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
