"""City Health Dashboard downloads (city and tract files) into the long indicator format.

Codebook rules: -999 means not applicable and a blank means censored or unavailable (neither is a
zero); FIPS codes lose leading zeros in the CSV and are padded back (state 2, county 3, tract 6,
state+county+tract 11, state+place 7); a tract crossing city lines appears once per city, so tract
rows are keyed by tract (geo_id) and place (parent_geo_id) together. A blank or non-numeric FIPS code
is refused with its line (padding it would invent the place 00000000000).
"""

import hashlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pandas as pd

from portfolio_engine.community.indicators import FILE_COLUMNS, Summary, Upload, csv_chunks, import_frames, read_source
from portfolio_engine.errors import InputFormatError
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.security import access
from portfolio_engine.security.access import Grant
from portfolio_engine.settings import DATA_DIR

REQUIRED = ("state_fips", "stpl_fips", "city_name", "metric_name", "metric_number", "group_name", "num", "denom", "est", "lci", "uci",
            "data_yr_type", "geo_level")
NOT_APPLICABLE = "-999"


@cache
def mapping(path: Path = DATA_DIR / "chdb_mapping.csv") -> pd.DataFrame:
    """Default metric -> vital condition mapping with direction and unit (editable copy in the Data page)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False).set_index("metric_number")


def _pad(series: pd.Series, width: int) -> pd.Series:
    return series.str.strip().str.replace(r"\.0$", "", regex=True).str.zfill(width)


def _fips(chunk: pd.DataFrame, column: str, rows: pd.Series, first_line: int) -> pd.Series:
    """The column's FIPS codes, refusing a blank or non-numeric one among `rows` with its line."""
    raw = chunk[column].str.strip().str.replace(r"\.0$", "", regex=True) if column in chunk else pd.Series("", index=chunk.index)
    bad = rows & ~raw.str.fullmatch(r"\d{1,11}")
    if bad.any():
        position = int(bad.to_numpy().argmax())
        raise InputFormatError(f"Line {first_line + position}, column '{column}': got {raw.iloc[position]!r}, expected a FIPS code "
                               "(digits; a blank code would be stored as a place numbered 0).")
    return raw


def _number(series: pd.Series) -> pd.Series:
    """-999 and blanks are not numbers: they become empty cells."""
    return series.str.strip().where(~series.str.strip().isin([NOT_APPLICABLE, ""]), "")


FROM_FILE = {"value": "est", "lci": "lci", "uci": "uci", "numerator": "num", "denominator": "denom", "period_label": "data_yr_type",
             "geo_level": "geo_level", "group_name": "group_name", "indicator_name": "metric_name", "geo_name": "city_name"}


def to_long(chunk: pd.DataFrame, metric_map: pd.DataFrame, first_line: int = 2) -> pd.DataFrame:
    """One CHDB chunk (its first row on `first_line`) as long-format rows (validated later like any long file)."""
    chunk = chunk.fillna("")
    level = chunk["geo_level"].str.strip().str.lower()
    tract = level == "tract"
    everywhere = pd.Series(True, index=chunk.index)
    chunk = chunk.assign(state_fips=_fips(chunk, "state_fips", everywhere, first_line), stpl_fips=_fips(chunk, "stpl_fips", everywhere, first_line),
                         stcotr_fips=_fips(chunk, "stcotr_fips", tract, first_line))
    place = _pad(chunk["stpl_fips"], 7)
    est = chunk["est"].str.strip()
    mapped = metric_map.reindex(chunk["metric_number"].str.strip())
    group = chunk["group_name"].str.strip()
    version = chunk["version"].str.strip() if "version" in chunk else pd.Series("", index=chunk.index)
    frame = pd.DataFrame({
        "geo_id": place.where(~tract, _pad(chunk["stcotr_fips"], 11)),
        "geo_name": chunk["city_name"].str.strip().where(~tract, "Tract " + _pad(chunk.get("tract_code", pd.Series("", index=chunk.index)), 6)),
        "geo_level": level,
        "parent_geo_id": _pad(chunk["state_fips"], 2).where(~tract, place),
        "group_type": ["total" if "total" in g.lower() else "race_ethnicity" for g in group],
        "group_name": group.where(~group.str.lower().str.contains("total"), "total"),
        "indicator_id": "chdb_" + chunk["metric_number"].str.strip(),
        "indicator_name": chunk["metric_name"].str.strip(),
        "vital_condition": mapped["vital_condition"].fillna("").to_numpy(),
        "period_label": chunk["data_yr_type"].str.strip(),
        "value": _number(chunk["est"]),
        "value_status": est.map(lambda v: "not_applicable" if v == NOT_APPLICABLE else ("unavailable" if v == "" else "ok")),
        "lci": _number(chunk["lci"]),
        "uci": _number(chunk["uci"]),
        "ci_level": ["90" if v else "" for v in _number(chunk["lci"])],
        "unit": mapped["unit"].fillna("").to_numpy(),
        "higher_is_better": mapped["higher_is_better"].fillna("").to_numpy(),
        "measure_type": "objective",
        "numerator": _number(chunk["num"]),
        "denominator": _number(chunk["denom"]),
        "source": ("City Health Dashboard v" + version).where(version != "", "City Health Dashboard"),
        "notes": "",
    })
    frame.attrs[FILE_COLUMNS] = FROM_FILE  # messages name the CHDB file's columns
    return frame


def _long_chunks(data: bytes, metric_map: pd.DataFrame) -> Iterator[pd.DataFrame]:
    line = 2
    for chunk in csv_chunks(data, REQUIRED, "City Health Dashboard"):
        yield to_long(chunk, metric_map, line)
        line += len(chunk)


def import_chdb(catalog: Catalog, source: Path | Upload, db_path: Path | None = None, metric_map: pd.DataFrame | None = None, *,
                grant: Grant | None = None) -> Summary:
    """Import a CHDB download, mapping metrics with `metric_map` (indexed by metric_number) or the shipped default;
    needs the data steward's or the operator's grant."""
    access.require(grant, "steward")
    metric_map = mapping() if metric_map is None else metric_map
    repeated = metric_map.index[metric_map.index.duplicated()]
    if len(repeated):
        raise InputFormatError(f"The metric mapping lists metric {repeated[0]!r} more than once: keep one row per metric.")
    data, name = read_source(source)
    return import_frames(_long_chunks(data, metric_map), catalog, name, "chdb", hashlib.sha256(data).hexdigest(), "City Health Dashboard",
                         db_path)
