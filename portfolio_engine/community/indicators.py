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
from portfolio_engine.storage.indicators import COLUMNS

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


class _Rows:
    """One chunk of long-format rows being checked: every column as trimmed Arrow text, the columns parsed as numbers, and the
    file's own name of a column (a CHDB 'est', not 'value') for messages. Checks run in Arrow and NumPy: no Python object per value."""

    def __init__(self, chunk: pd.DataFrame | pa.RecordBatch) -> None:
        if isinstance(chunk, pd.DataFrame):
            present = {c: pa.array(_as_text(chunk[c]), type=pa.string(), from_pandas=True) for c in COLUMNS if c in chunk}
            self.file_columns: dict[str, str] = chunk.attrs.get(FILE_COLUMNS, {})
        else:
            present = {c: chunk.column(c) for c in COLUMNS if c in chunk.schema.names}
            self.file_columns = {}
        self.size = len(chunk)
        self.text: dict[str, pa.Array] = {c: _trimmed(present[c]) if c in present else pa.repeat("", self.size) for c in COLUMNS}
        self.numbers: dict[str, np.ndarray] = {}

    def column(self, name: str) -> pa.Array | np.ndarray:
        """A checked column: its numbers when it holds numbers (or 1/0 for higher_is_better), else its text."""
        return self.numbers[name] if name in self.numbers else self.text[name]

    def stored(self, name: str) -> list:
        """A column as a list for the staging INSERT; a missing number is NaN, which SQLite stores as NULL (missing, never zero)."""
        column = self.column(name)
        return column.tolist() if isinstance(column, np.ndarray) else column.to_numpy(zero_copy_only=False).tolist()


def _trimmed(text: pa.Array) -> pa.Array:
    """Text without leading and trailing whitespace. A column whose values all begin and end with a visible ASCII character (most
    columns of most files) is kept as it is: that is read from its first and last bytes in place, cheaper than trimming a copy."""
    data = text.buffers()[2] if isinstance(text, pa.StringArray) else None
    if data is None:
        return pc.utf8_trim_whitespace(text)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset: text.offset + len(text) + 1]
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    raw = np.frombuffer(data, dtype=np.uint8)
    edges = np.concatenate([raw[starts[filled]], raw[ends[filled] - 1]])
    return pc.utf8_trim_whitespace(text) if ((edges <= 0x20) | (edges >= 0x80)).any() else text


def _as_text(column: pd.Series) -> pd.Series:
    return (column if pd.api.types.is_string_dtype(column) else column.astype(str)).fillna("")


class _FirstError:
    """Keeps the earliest problem in file order across vectorized checks of one chunk (masks in Arrow or NumPy)."""

    def __init__(self, rows: _Rows, first_line: int) -> None:
        self.rows, self.first_line = rows, first_line
        self.line: int | None = None
        self.message = ""

    def check(self, bad: pa.Array | np.ndarray, column: str, expected: str) -> None:
        position = pc.index(bad, True).as_py() if isinstance(bad, pa.Array) else int(np.argmax(bad)) if bad.any() else -1
        line = self.first_line + position
        if position >= 0 and (self.line is None or line < self.line):
            value = self.rows.text[column][position].as_py()
            named = self.rows.file_columns.get(column, column)
            self.line, self.message = line, f"Line {line}, column '{named}': got {str(value)!r}, expected {expected}."

    def raise_if_any(self) -> None:
        if self.line is not None:
            raise InputFormatError(self.message)


def _numbers(text: pa.Array) -> np.ndarray:
    """A text column as numbers, blank as NaN. Arrow parses a column of numbers 10x faster than pandas; when Arrow refuses a
    value, pandas reads the column instead (anything not a number then becomes NaN, which the caller names)."""
    try:
        parsed = pc.cast(pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        column = pd.Series(text.to_numpy(zero_copy_only=False), dtype=object)
        return pd.to_numeric(column.where(column != ""), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return parsed.to_numpy(zero_copy_only=False)


def _among(text: pa.Array, allowed: Iterable[str]) -> np.ndarray:
    return pc.is_in(text, value_set=pa.array(list(allowed), pa.string())).to_numpy(zero_copy_only=False)


def _outside(text: pa.Array, allowed: Iterable[str]) -> pa.Array:
    return pc.invert(pc.is_in(text, value_set=pa.array(list(allowed), pa.string())))


def _filled(text: pa.Array) -> np.ndarray:
    return pc.not_equal(text, "").to_numpy(zero_copy_only=False)


def _blank_as(text: pa.Array, default: str | pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(text, ""), default, text)


def _not_dates(text: pa.Array) -> pa.Array:
    """Which filled values are not a date as YYYY-MM-DD, read by pandas once per distinct value (a file repeats a few dates)."""
    distinct = pc.unique(text)
    column = pd.Series(distinct.to_numpy(zero_copy_only=False), dtype=object)
    dates = pd.to_datetime(column.where(column != ""), format="%Y-%m-%d", errors="coerce")
    return pc.is_in(text, value_set=distinct.filter(pa.array(((column != "") & dates.isna()).to_numpy(dtype=bool))))


def _fill_period_bounds(text: dict[str, pa.Array]) -> None:
    """Blank period bounds from the label (period_bounds, once per distinct label)."""
    start, end, label = text["period_start"], text["period_end"], text["period_label"]
    missing = pc.or_(pc.equal(start, ""), pc.equal(end, ""))
    if not pc.any(missing).as_py():
        return
    labels = pc.unique(pc.filter(label, missing))
    bounds = [period_bounds(v) for v in labels.to_pylist()]
    where = pc.index_in(label, value_set=labels)
    text["period_start"] = _blank_as(start, pc.take(pa.array([b[0] for b in bounds], pa.string()), where))
    text["period_end"] = _blank_as(end, pc.take(pa.array([b[1] for b in bounds], pa.string()), where))


def normalize(chunk: pd.DataFrame | pa.RecordBatch, catalog: Catalog, first_line: int) -> _Rows:
    """Validate one chunk of long-format rows and fill defaults; raises naming the first bad line."""
    rows = _Rows(chunk)
    text, numbers, errors = rows.text, rows.numbers, _FirstError(rows, first_line)
    for column in REQUIRED:
        if column != "value":
            errors.check(pc.equal(text[column], ""), column, "a value (this column is required)")
    errors.check(_outside(text["geo_level"], LEVELS), "geo_level", " | ".join(LEVELS))
    text["group_type"] = _blank_as(text["group_type"], "total")
    errors.check(_outside(text["group_type"], GROUP_TYPES), "group_type", " | ".join(GROUP_TYPES))
    text["group_name"] = pc.if_else(pc.and_(pc.equal(text["group_type"], "total"), pc.equal(text["group_name"], "")), "total", text["group_name"])
    text["measure_type"] = _blank_as(text["measure_type"], "objective")
    errors.check(_outside(text["measure_type"], MEASURES), "measure_type", "objective | subjective")
    errors.check(_outside(text["vital_condition"], [*catalog.ids, *FAMILIES, ""]), "vital_condition", "a portfolio element id or family, or blank")
    for column in NUMBERS:
        numbers[column] = _numbers(text[column])
        errors.check(_filled(text[column]) & ~np.isfinite(numbers[column]), column, "a number")
    value = numbers["value"]
    known = ~np.isnan(value)
    text["value_status"] = status = _blank_as(text["value_status"], pc.if_else(pa.array(known), "ok", "unavailable"))
    errors.check(_outside(status, STATUSES), "value_status", " | ".join(STATUSES))
    ok = _among(status, ["ok"])
    errors.check(ok & ~known, "value", "a number when value_status is ok")
    errors.check(~ok & known, "value", "blank when value_status is not ok (a missing value is not a zero)")
    unit = pc.utf8_lower(text["unit"])
    errors.check(_among(unit, ["%", "percent", "percentage"]) & ((value < 0) | (value > 100)), "value", "a percentage between 0 and 100")
    errors.check(_among(unit, ["share", "fraction", "proportion"]) & ((value < 0) | (value > 1)), "value", "a share between 0 and 1")
    errors.check(numbers["lci"] > numbers["uci"], "lci", "a lower bound at most the upper bound (uci)")
    lower = pc.utf8_lower(text["higher_is_better"])
    truth = np.select([_among(lower, TRUE), _among(lower, FALSE)], [1.0, 0.0], np.nan)
    errors.check(_filled(text["higher_is_better"]) & np.isnan(truth), "higher_is_better", "1 or 0 (true/false, yes/no)")
    for column in ("period_start", "period_end"):
        errors.check(_not_dates(text[column]), column, "a date as YYYY-MM-DD")
    errors.raise_if_any()
    _fill_period_bounds(text)
    text["geo_name"] = _blank_as(text["geo_name"], text["geo_id"])
    text["indicator_name"] = _blank_as(text["indicator_name"], text["indicator_id"])
    numbers["higher_is_better"] = truth
    return rows


def _plain(combination: tuple) -> tuple:
    """A dimension's combination as stored: a missing number (NaN) is None, a whole number (higher_is_better) an int."""
    return tuple(None if isinstance(v, float) and v != v else int(v) if isinstance(v, float | np.floating) else v for v in combination)


def _codes(column: pa.Array | np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's code among the column's distinct values, and how many there are."""
    if isinstance(column, np.ndarray):
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        return codes, len(uniques)
    encoded = pc.dictionary_encode(column)
    return encoded.indices.to_numpy().astype(np.int64), len(encoded.dictionary)


def _picked(column: pa.Array | np.ndarray, positions: np.ndarray) -> list:
    return column[positions].tolist() if isinstance(column, np.ndarray) else column.take(pa.array(positions)).to_pylist()


class _Numbering:
    """This import's own number for each distinct combination of a dimension's columns (the final transaction maps them to ids),
    and for each distinct key part (a value's key is its four key parts: the duplicate check compares numbers, not text)."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[tuple, int]] = {d.name: {} for d in storage.indicators.DIMENSIONS}
        self.keys: dict[str, dict[tuple, int]] = {d.name: {} for d in storage.indicators.DIMENSIONS}
        self.key_of: dict[str, list[int]] = {d.name: [] for d in storage.indicators.DIMENSIONS}  # a combination's key part's number

    def numbers(self, rows: _Rows, dimension: storage.indicators.Dimension) -> tuple[np.ndarray, np.ndarray]:
        """Each row's number for its combination and for its key part (vectorized: the distinct combinations of a chunk are few)."""
        combined = np.zeros(rows.size, dtype=np.int64)
        for column in dimension.columns:
            codes, size = _codes(rows.column(column))
            combined = pd.factorize(combined * size + codes)[0]
        _, first = np.unique(combined, return_index=True)  # codes count up in order of first appearance
        book, keys, key_of = self.seen[dimension.name], self.keys[dimension.name], self.key_of[dimension.name]
        local = []
        for combination in zip(*(_picked(rows.column(c), first) for c in dimension.columns), strict=True):
            plain = _plain(combination)
            if plain not in book:
                book[plain] = len(book)
                key_of.append(keys.setdefault(dimension.key_of(plain), len(keys)))
            local.append(book[plain])
        numbers = np.array(local, dtype=np.int64)[combined]
        return numbers, np.array(key_of, dtype=np.int64)[numbers]

    def combinations(self) -> dict[str, list[tuple]]:
        return {name: list(book) for name, book in self.seen.items()}

    def distinct(self, name: str, columns: tuple[str, ...]) -> int:
        """How many distinct values of `columns` (of dimension `name`) this import holds."""
        dimension = next(d for d in storage.indicators.DIMENSIONS if d.name == name)
        return len({tuple(c[dimension.columns.index(column)] for column in columns) for c in self.seen[name]})


def _stage(chunks: Iterable[pd.DataFrame | pa.RecordBatch], catalog: Catalog, file_name: str, default_source: str,
           scratch: sqlite3.Connection | None) -> tuple[dict, _Numbering]:
    """Validate every chunk and copy its rows into `scratch` (None: validate only); the summary's counts and the numbering."""
    keys = []
    stats = {"rows": 0, "missing": 0}
    numbering = _Numbering()
    for chunk in chunks:
        rows = normalize(chunk, catalog, 2 + stats["rows"])
        rows.text["source"] = _blank_as(rows.text["source"], default_source)
        numbered = [numbering.numbers(rows, d) for d in storage.indicators.DIMENSIONS]
        keys.append(np.column_stack([key for _, key in numbered]))
        if scratch is not None:
            storage.indicators.stage(scratch, [n.tolist() for n, _ in numbered] + [rows.stored(c) for c in storage.indicators.OWN])
        stats["rows"] += rows.size
        stats["missing"] += rows.size - int(_among(rows.text["value_status"], ["ok"]).sum())
    if stats["rows"] == 0:
        raise InputFormatError(f"{file_name} has no value rows.")
    duplicate = _duplicate_line(np.concatenate(keys))
    if duplicate:  # checked before anything is written: a file with a repeated key imports nothing
        raise InputFormatError(f"Line {duplicate}: the same source, place, group, indicator and period appear twice.")
    stats.update(indicators=numbering.distinct("indicator", ("indicator_id",)), geographies=numbering.distinct("place", ("geo_id",)),
                 groups=numbering.distinct("grouping", ("group_type", "group_name")), periods=numbering.distinct("period", ("period_label",)))
    return stats, numbering


def _imported_before(db, content_hash: str, kind: str) -> bool:
    return bool(storage.select(db, "provenance", order="imported_at", content_hash=content_hash, kind=kind))


def _write(shared, scratch: sqlite3.Connection, provenance: dict, numbering: _Numbering, path: Path | None) -> bool:
    """Store the staged rows and their provenance in one transaction on `shared`; False when the same file was imported meanwhile."""
    with storage.indicators.references_made_here(shared), storage.writing(path, on=shared) as db:
        if _imported_before(db, provenance["content_hash"], provenance["kind"]):
            return False
        storage.insert(db, "provenance", provenance)
        storage.indicators.merge_staged(db, scratch, provenance["id"], numbering.combinations())
    return True


def import_frames(chunks: Iterable[pd.DataFrame | pa.RecordBatch], catalog: Catalog, file_name: str, kind: str, content_hash: str, default_source: str,
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
    return Summary(stats["rows"], stats["indicators"], stats["geographies"], stats["groups"], stats["periods"], stats["missing"],
                   changed=not known)


def _duplicate_line(keys: np.ndarray) -> int | None:
    """The line of the first row whose key (a row of key part numbers, one column per dimension) already appeared above it, or None."""
    sizes = [int(column.max()) + 1 for column in keys.T]
    if np.prod(sizes, dtype=object) < 2**63:  # the key as one integer: one stable sort instead of four
        single = np.zeros(len(keys), dtype=np.int64)
        for column, size in zip(keys.T, sizes, strict=True):
            single = single * size + column
        order = np.argsort(single, kind="stable")
        repeated = np.flatnonzero(single[order][1:] == single[order][:-1]) + 1
    else:
        order = np.lexsort(keys.T[::-1])
        repeated = np.flatnonzero((keys[order][1:] == keys[order][:-1]).all(axis=1)) + 1
    return int(order[repeated].min()) + 2 if len(repeated) else None  # the header is line 1


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
    """Chunks of a CSV read as text, as pandas frames (csv_batches)."""
    for batch in csv_batches(data, required, what):
        yield batch.to_pandas().astype("str")


def csv_batches(data: bytes, required: tuple[str, ...], what: str) -> Iterator[pa.RecordBatch]:
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
            yield batch
    except pa.ArrowInvalid as err:
        if invalid:
            raise _field_count_error(data, len(names), what) from err
        raise InputFormatError(f"The {what} file is not a readable CSV: {str(err)[:200]}.") from err


def import_long(catalog: Catalog, source: Path | Upload, db_path: Path | None = None, *, grant: Grant | None = None) -> Summary:
    """Import a long-format file (all or nothing); needs the data steward's or the operator's grant."""
    access.require(grant, "steward")
    data, name = read_source(source)
    chunks = csv_batches(data, REQUIRED, "indicator")
    return import_frames(chunks, catalog, name, "long", hashlib.sha256(data).hexdigest(), Path(name).stem, db_path)


def data_version(path: Path | None = None) -> tuple[int, str]:
    """Which state the stored values are in, in one small query: how many files were imported and when the last one was (any
    import, correction or restore changes it), so a page can keep what it derives from the values until they change."""
    with storage.reading(path) as db:
        return storage.indicators.data_version(db)


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
