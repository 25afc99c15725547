"""Community indicators in one long format (one value per row): validation, transactional import, queries.

Files are read in chunks with vectorized checks, so a million-row file imports in seconds within
bounded memory. A bad file imports nothing and the message names the line, the column and what was
expected. Re-importing the same file changes nothing; a corrected file (same source and keys)
replaces its values. Every value row references its provenance (file, source, time, content hash).

Importing needs the data steward's (or the operator's) grant. A browser upload arrives as bytes
(`Upload`): its name is only display text, never a path. Sizes are bounded (`limits`): bytes per
file, columns, rows, and every row must have as many fields as the header. Rows are checked and
staged in a private scratch database first; the shared database's write lock is taken only for the
final transaction, so votes and other writes go on during a long import.
"""

import csv
import hashlib
import io
import re
import sqlite3
from calendar import monthrange
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from portfolio_engine import storage
from portfolio_engine.errors import InputFormatError
from portfolio_engine.limits import MAX_COLUMNS, MAX_ROWS, MAX_UPLOAD_BYTES
from portfolio_engine.model.catalog import FAMILIES, Catalog
from portfolio_engine.record import audit
from portfolio_engine.record.exports import safe_cell
from portfolio_engine.security import access
from portfolio_engine.security.access import Grant
from portfolio_engine.security.keys import new_id
from portfolio_engine.storage.indicators import COLUMNS, KEY

REQUIRED = ("geo_id", "geo_level", "indicator_id", "period_label", "value")
LEVELS = ("city", "neighborhood", "tract", "ward", "zip", "county")
GROUP_TYPES = ("total", "race_ethnicity", "income", "age", "sex", "language", "other")
STATUSES = ("ok", "not_applicable", "censored", "unavailable")
MEASURES = ("objective", "subjective")
NUMBERS = ("value", "lci", "uci", "ci_level", "numerator", "denominator")
TRUE, FALSE = ("1", "true", "yes"), ("0", "false", "no")
MAX_NAME = 120  # characters of a file name kept as display text and provenance
BLOCK_BYTES = 8 << 20  # CSV bytes per chunk (about 50,000 rows): bounds memory held as Python objects for executemany
MONTHS = {m: n for n, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august", "september",
                                      "october", "november", "december"), start=1)}


@dataclass(frozen=True)
class Summary:
    rows: int
    indicators: int
    geographies: int
    groups: int
    periods: int
    missing: int
    changed: bool

    def to_dict(self) -> dict:
        return self.__dict__.copy()


def period_bounds(label: str) -> tuple[str, str]:
    """The documented rule from a free-text period label to ISO start and end dates ('' when unknown).

    "2019, 5 Year Estimate" -> 2015-01-01..2019-12-31; "2016-2018" -> 2016-01-01..2018-12-31;
    "March 2021, Using Data from ..." -> 2021-03-01..2021-03-31 (a month and year at the start);
    "2018" or any other label with a year -> the first year it names, 2018-01-01..2018-12-31.
    """
    text = str(label).strip().lower()
    estimate = re.search(r"(\d{4})\D+(\d+)[- ]year", text)
    if estimate:
        end, span = int(estimate.group(1)), int(estimate.group(2))
        return f"{end - span + 1}-01-01", f"{end}-12-31"
    between = re.fullmatch(r"(\d{4})\s*[-–/]\s*(\d{4})", text)
    if between:
        return f"{between.group(1)}-01-01", f"{between.group(2)}-12-31"
    month = re.match(r"([a-z]+)\s+(\d{4})", text)
    if month and month.group(1) in MONTHS:
        year, number = int(month.group(2)), MONTHS[month.group(1)]
        return f"{year}-{number:02d}-01", f"{year}-{number:02d}-{monthrange(year, number)[1]:02d}"
    single = re.search(r"(\d{4})", text)
    if single:
        return f"{single.group(1)}-01-01", f"{single.group(1)}-12-31"
    return "", ""


FILE_COLUMNS = "file_columns"  # a frame's attrs key: {long column: the column of the imported file it came from}, for messages


class _FirstError:
    """Keeps the earliest problem in file order across vectorized checks."""

    def __init__(self) -> None:
        self.line: int | None = None
        self.message = ""

    def check(self, bad: pd.Series, frame: pd.DataFrame, column: str, expected: str) -> None:
        if bad.any():
            index = bad.idxmax()
            line = int(frame.loc[index, "_line"])
            if self.line is None or line < self.line:
                value = frame.loc[index, column] if column in frame else ""
                named = frame.attrs.get(FILE_COLUMNS, {}).get(column, column)  # the file's own column (a CHDB 'est', not 'value')
                self.line, self.message = line, f"Line {line}, column '{named}': got {str(value)!r}, expected {expected}."

    def raise_if_any(self) -> None:
        if self.line is not None:
            raise InputFormatError(self.message)


def _numbers(column: pd.Series) -> pd.Series:
    """A text column as numbers, blank as NaN. Arrow parses a column of numbers 10x faster than pandas; when Arrow refuses a
    value, pandas reads the column instead (anything not a number then becomes NaN, which the caller names)."""
    text = pa.array(column, type=pa.string(), from_pandas=True)
    try:
        parsed = pc.cast(pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pd.to_numeric(column.where(column != ""), errors="coerce")
    return pd.Series(parsed.to_numpy(zero_copy_only=False), index=column.index, dtype=float)


def normalize(frame: pd.DataFrame, catalog: Catalog, first_line: int) -> pd.DataFrame:
    """Validate one chunk of long-format rows and fill defaults; raises naming the first bad line."""
    frame = frame.copy()
    frame["_line"] = np.arange(first_line, first_line + len(frame))
    for column in COLUMNS:
        if column not in frame:
            frame[column] = ""
        elif not pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].astype(str)
        frame[column] = frame[column].fillna("").str.strip()
    errors = _FirstError()
    for column in REQUIRED:
        if column != "value":
            errors.check(frame[column] == "", frame, column, "a value (this column is required)")
    errors.check(~frame["geo_level"].isin(LEVELS), frame, "geo_level", " | ".join(LEVELS))
    frame.loc[frame["group_type"] == "", "group_type"] = "total"
    errors.check(~frame["group_type"].isin(GROUP_TYPES), frame, "group_type", " | ".join(GROUP_TYPES))
    frame.loc[(frame["group_type"] == "total") & (frame["group_name"] == ""), "group_name"] = "total"
    frame.loc[frame["measure_type"] == "", "measure_type"] = "objective"
    errors.check(~frame["measure_type"].isin(MEASURES), frame, "measure_type", "objective | subjective")
    valid_conditions = set(catalog.ids) | set(FAMILIES) | {""}
    errors.check(~frame["vital_condition"].isin(valid_conditions), frame, "vital_condition", "a portfolio element id or family, or blank")
    numbers = {}
    for column in NUMBERS:
        numbers[column] = _numbers(frame[column])
        errors.check((frame[column] != "") & (numbers[column].isna() | ~np.isfinite(numbers[column].fillna(0))), frame, column, "a number")
    status = frame["value_status"].where(frame["value_status"] != "", np.where(numbers["value"].notna(), "ok", "unavailable"))
    frame["value_status"] = status
    errors.check(~status.isin(STATUSES), frame, "value_status", " | ".join(STATUSES))
    errors.check((status == "ok") & numbers["value"].isna(), frame, "value", "a number when value_status is ok")
    errors.check((status != "ok") & numbers["value"].notna(), frame, "value", "blank when value_status is not ok (a missing value is not a zero)")
    unit = frame["unit"].str.lower()
    percent = unit.isin(["%", "percent", "percentage"]) & ((numbers["value"] < 0) | (numbers["value"] > 100))
    errors.check(percent, frame, "value", "a percentage between 0 and 100")
    share = unit.isin(["share", "fraction", "proportion"]) & ((numbers["value"] < 0) | (numbers["value"] > 1))
    errors.check(share, frame, "value", "a share between 0 and 1")
    errors.check(numbers["lci"] > numbers["uci"], frame, "lci", "a lower bound at most the upper bound (uci)")
    lower = frame["higher_is_better"].str.lower()  # vectorized, not a per-value map
    truth = pd.Series(np.select([lower.isin(TRUE), lower.isin(FALSE)], [1.0, 0.0], np.nan), index=frame.index)
    errors.check((frame["higher_is_better"] != "") & truth.isna(), frame, "higher_is_better", "1 or 0 (true/false, yes/no)")
    for column in ("period_start", "period_end"):
        dates = pd.to_datetime(frame[column].where(frame[column] != ""), format="%Y-%m-%d", errors="coerce")
        errors.check((frame[column] != "") & dates.isna(), frame, column, "a date as YYYY-MM-DD")
    errors.raise_if_any()
    missing_bounds = (frame["period_start"] == "") | (frame["period_end"] == "")
    if missing_bounds.any():
        derived = frame.loc[missing_bounds, "period_label"].map(period_bounds)
        frame.loc[missing_bounds & (frame["period_start"] == ""), "period_start"] = derived.str[0]
        frame.loc[missing_bounds & (frame["period_end"] == ""), "period_end"] = derived.str[1]
    frame.loc[frame["geo_name"] == "", "geo_name"] = frame["geo_id"]
    frame.loc[frame["indicator_name"] == "", "indicator_name"] = frame["indicator_id"]
    for column in NUMBERS:
        frame[column] = numbers[column]
    frame["higher_is_better"] = truth
    return frame


def _key_hashes(frame: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(frame[list(KEY)], index=False).to_numpy()


def _plain(combination: tuple) -> tuple:
    """A dimension's combination as stored: a missing number (NaN) is None, a whole number (higher_is_better) an int."""
    return tuple(None if isinstance(v, float) and v != v else int(v) if isinstance(v, float | np.floating) else v for v in combination)


class _Numbering:
    """This import's own number for each distinct combination of a dimension's columns; the final transaction maps them to ids."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[tuple, int]] = {d.name: {} for d in storage.indicators.DIMENSIONS}

    def numbers(self, frame: pd.DataFrame, dimension: storage.indicators.Dimension) -> np.ndarray:
        """Each row's number for its combination (vectorized: the distinct combinations of a chunk are few)."""
        combined = np.zeros(len(frame), dtype=np.int64)
        for column in dimension.columns:
            codes, uniques = pd.factorize(frame[column], use_na_sentinel=False)
            combined = pd.factorize(combined * len(uniques) + codes)[0]
        _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
        book = self.seen[dimension.name]
        distinct = frame[list(dimension.columns)].iloc[first].itertuples(index=False, name=None)
        return np.array([book.setdefault(_plain(c), len(book)) for c in distinct], dtype=np.int64)[inverse]

    def combinations(self) -> dict[str, list[tuple]]:
        return {name: list(book) for name, book in self.seen.items()}


def _columns(frame: pd.DataFrame, numbering: _Numbering) -> list[list]:
    """The staged columns (storage.indicators.STAGED) as lists (fast); NaN is stored as NULL by SQLite (missing, never zero)."""
    numbers = [numbering.numbers(frame, d).tolist() for d in storage.indicators.DIMENSIONS]
    return numbers + [frame[c].tolist() for c in storage.indicators.OWN]


def _stage(chunks: Iterable[pd.DataFrame], catalog: Catalog, file_name: str, default_source: str,
           scratch: sqlite3.Connection | None) -> tuple[dict, _Numbering]:
    """Validate every chunk and copy its rows into `scratch` (None: validate only); the summary's counts and the numbering."""
    seen_hashes, seen_lines = [], []
    stats: dict[str, Any] = {"indicators": set(), "geographies": set(), "groups": set(), "periods": set(), "rows": 0, "missing": 0}
    numbering = _Numbering()
    line = 2
    for chunk in chunks:
        frame = normalize(chunk, catalog, line)
        frame.loc[frame["source"] == "", "source"] = default_source
        seen_hashes.append(_key_hashes(frame))
        seen_lines.append(frame["_line"].to_numpy())
        if scratch is not None:
            storage.indicators.stage(scratch, _columns(frame, numbering))
        stats["rows"] += len(frame)
        stats["missing"] += int((frame["value_status"] != "ok").sum())
        stats["indicators"].update(frame["indicator_id"].unique())
        stats["geographies"].update(frame["geo_id"].unique())
        pairs = frame[["group_type", "group_name"]].drop_duplicates()
        stats["groups"].update(zip(pairs["group_type"].tolist(), pairs["group_name"].tolist(), strict=True))
        stats["periods"].update(frame["period_label"].unique())
        line += len(chunk)
    if stats["rows"] == 0:
        raise InputFormatError(f"{file_name} has no value rows.")
    duplicate = _duplicate_line(np.concatenate(seen_hashes), np.concatenate(seen_lines))
    if duplicate:  # checked before anything is written: a file with a repeated key imports nothing
        raise InputFormatError(f"Line {duplicate}: the same source, place, group, indicator and period appear twice.")
    return stats, numbering


def _imported_before(db, content_hash: str, kind: str) -> bool:
    return bool(storage.select(db, "provenance", order="imported_at", content_hash=content_hash, kind=kind))


def _write(shared, scratch: sqlite3.Connection, provenance: dict, numbering: _Numbering, path: Path | None) -> bool:
    """Store the staged rows and their provenance in one transaction on `shared`; False when the same file was imported meanwhile."""
    with storage.writing(path, on=shared) as db:
        if _imported_before(db, provenance["content_hash"], provenance["kind"]):
            return False
        storage.insert(db, "provenance", provenance)
        storage.indicators.merge_staged(db, scratch, provenance["id"], numbering.combinations())
    return True


def import_frames(chunks: Iterable[pd.DataFrame], catalog: Catalog, file_name: str, kind: str, content_hash: str, default_source: str,
                  path: Path | None = None) -> Summary:
    """Validate and stage every chunk without locking the database, then write them all in one short transaction.

    A bad row anywhere imports nothing; while the file is read and checked, other people's writes (votes) go on."""
    with storage.reading(path) as db:
        known = _imported_before(db, content_hash, kind)
    provenance_id = new_id("f")
    with storage.reading(path) as shared, storage.indicators.scratch(shared) as scratch:  # staged while checked: no lock held
        stats, numbering = _stage(chunks, catalog, file_name, default_source, None if known else scratch)
        if not known:
            provenance = {"id": provenance_id, "file_name": file_name, "source": default_source, "kind": kind, "imported_at": audit.now(),
                          "content_hash": content_hash, "rows": stats["rows"]}
            known = not _write(shared, scratch, provenance, numbering, path)
    return Summary(stats["rows"], len(stats["indicators"]), len(stats["geographies"]), len(stats["groups"]), len(stats["periods"]),
                   stats["missing"], changed=not known)


def _duplicate_line(hashes: np.ndarray, lines: np.ndarray) -> int | None:
    """The line of the first row whose key already appeared above it, or None."""
    order = np.argsort(hashes, kind="stable")
    repeated = np.flatnonzero(hashes[order][1:] == hashes[order][:-1]) + 1
    return int(lines[order][repeated].min()) if len(repeated) else None


@dataclass(frozen=True)
class Upload:
    """A file handed over as bytes (a browser upload). Its name is display text for messages and provenance, never a path."""

    name: str
    data: bytes


def display_name(name: str) -> str:
    """The last part of a file name, printable characters only, at most MAX_NAME long: what messages and provenance show."""
    base = "".join(ch for ch in re.split(r"[\\/]", str(name))[-1] if ch.isprintable()).strip()
    return base[:MAX_NAME] or "upload"


def read_source(source: Path | Upload) -> tuple[bytes, str]:
    """The bytes and display name of a file named at the command line or of an upload; too large or not UTF-8 is refused."""
    if isinstance(source, Upload):
        name, data = display_name(source.name), source.data
    else:
        name = display_name(Path(source).name)
        try:
            with open(source, "rb") as handle:
                data = handle.read(MAX_UPLOAD_BYTES + 1)  # never more than the limit, even from a device or a pipe
        except OSError as err:
            raise InputFormatError(f"Cannot read {source}: {err.strerror}.") from err
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputFormatError(f"{name} is larger than {MAX_UPLOAD_BYTES / 1e6:g} MB, the most one import takes "
                               "(the administrator can raise PORTFOLIO_MAX_UPLOAD_BYTES).")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = len(LINE_END.findall(data[: err.start])) + 1
        raise InputFormatError(f"{name} is not UTF-8 text (line {line}): save it as UTF-8 CSV and import again.") from err
    return data, name


LINE_END = re.compile(rb"\r\n|\n|\r")  # Windows, Unix and old Mac line endings
QUOTED = re.compile(rb'"[^"]*"')


def _header(data: bytes, required: tuple[str, ...], what: str) -> list[str]:
    """The header's column names; columns are counted on the raw line first, so a million-column header is refused cheaply."""
    end = LINE_END.search(data)
    line = data[: end.start() if end else len(data)]
    if not line.strip():
        raise InputFormatError(f"The {what} file is empty or its first line (the header) is blank.")
    count = QUOTED.sub(b"", line).count(b",") + 1
    if count > MAX_COLUMNS:
        raise InputFormatError(f"The {what} file has {count:,} columns; at most {MAX_COLUMNS:,} can be imported "
                               "(the administrator can raise PORTFOLIO_MAX_COLUMNS).")
    try:
        names = [c.strip() for c in next(csv.reader([line.decode("utf-8-sig")]))]
    except csv.Error as err:
        raise InputFormatError(f"The {what} file's header line is not readable CSV: {err}.") from err
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputFormatError(f"The {what} file's header names column(s) {', '.join(map(repr, repeated))} more than once.")
    missing = [c for c in required if c not in names]
    if missing:
        raise InputFormatError(f"The {what} file lacks column(s) {', '.join(missing)}; expected at least {', '.join(required)}.")
    return names


def _field_count_error(data: bytes, expected: int, what: str) -> InputFormatError:
    """Name the first line whose number of values differs from the header's (read again with Python's csv, on this error only)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    try:
        for row in reader:
            if row and len(row) != expected:
                return InputFormatError(f"Line {reader.line_num} has {len(row)} values but the header has {expected} columns: every row "
                                        "needs exactly one value per column (put quotes around a value that contains a comma).")
    except csv.Error:
        pass
    return InputFormatError(f"A row of the {what} file does not have exactly one value per column (the header has {expected}).")


def csv_chunks(data: bytes, required: tuple[str, ...], what: str) -> Iterator[pd.DataFrame]:
    """Chunks of a CSV read as text (Arrow's streaming reader), after checking the header; rows with more or fewer
    values than the header, and more than MAX_ROWS rows, are refused."""
    names = _header(data, required, what)
    invalid = []

    def refuse(row) -> str:
        invalid.append(row)
        return "error"

    rows = 0
    try:
        reader = pacsv.open_csv(
            io.BytesIO(data), read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES, column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(invalid_row_handler=refuse),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False))
        for batch in reader:
            rows += batch.num_rows
            if rows > MAX_ROWS:
                raise InputFormatError(f"The {what} file has more than {MAX_ROWS:,} rows, the most one import takes: split it "
                                       "(or the administrator can raise PORTFOLIO_MAX_ROWS).")
            yield batch.to_pandas().astype("str")
    except pa.ArrowInvalid as err:
        if invalid:
            raise _field_count_error(data, len(names), what) from err
        raise InputFormatError(f"The {what} file is not a readable CSV: {str(err)[:200]}.") from err


def import_long(catalog: Catalog, source: Path | Upload, db_path: Path | None = None, *, grant: Grant | None = None) -> Summary:
    """Import a long-format file (all or nothing); needs the data steward's or the operator's grant."""
    access.require(grant, "steward")
    data, name = read_source(source)
    chunks = csv_chunks(data, REQUIRED, "indicator")
    return import_frames(chunks, catalog, name, "long", hashlib.sha256(data).hexdigest(), Path(name).stem, db_path)


def values(indicator_id: str | None = None, path: Path | None = None, geo_id: str | None = None) -> pd.DataFrame:
    """Stored value rows (all, or one indicator, or one place) as a table in the long format."""
    with storage.reading(path) as db:
        frame = pd.DataFrame(storage.indicators.value_rows(db, indicator_id, geo_id), columns=list(COLUMNS))
    for column in NUMBERS:
        frame[column] = pd.to_numeric(frame[column])
    return frame


def places(path: Path | None = None) -> pd.DataFrame:
    """Every place with values: id, name, level, parent."""
    with storage.reading(path) as db:
        return pd.DataFrame(storage.indicators.place_rows(db), columns=list(storage.indicators.PLACE_COLUMNS))


def catalog_of_indicators(path: Path | None = None) -> pd.DataFrame:
    """One row per indicator: name, vital condition, measure type, unit, direction, how many values."""
    with storage.reading(path) as db:
        return pd.DataFrame(storage.indicators.indicator_summary(db), columns=list(storage.indicators.SUMMARY_COLUMNS))


def export_long(path: Path | None = None) -> str:
    """Every stored value as long CSV; text a spreadsheet would run as a formula is neutralized, as in the workshop CSVs."""
    frame = values(path=path)
    frame["higher_is_better"] = frame["higher_is_better"].map({1: "1", 0: "0"}).fillna("")
    for column in COLUMNS:
        if column not in NUMBERS:
            frame[column] = frame[column].map(safe_cell)
    return frame.to_csv(index=False, float_format="%.10g")
