"""Batch input: many portfolios in one CSV (a `name` column plus one column per element id)."""

import io
from pathlib import Path

import numpy as np
import pandas as pd

from portfolio_engine import limits
from portfolio_engine.errors import InputFormatError
from portfolio_engine.limits import read_text
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.portfolio import parse_amount


def _check_shape(text: str, where: object) -> None:
    """Columns and rows within the limits, checked on the raw text before pandas builds anything."""
    header = text.split("\n", 1)[0]
    if header.count(",") + 1 > limits.MAX_COLUMNS:
        raise InputFormatError(f"{where} has more than {limits.MAX_COLUMNS} columns (PORTFOLIO_MAX_COLUMNS).")
    if text.count("\n") > limits.MAX_ROWS + 1:
        raise InputFormatError(f"{where} has more than {limits.MAX_ROWS:,} rows (PORTFOLIO_MAX_ROWS).")


def read_batch(catalog: Catalog, source: Path | str) -> tuple[list[str], np.ndarray]:
    """Names and an (rows, elements) amount matrix; each row's budget is its own total.

    Missing element columns count as 0; unknown columns and bad cells are refused with the
    line number in the file (the header is line 1).
    """
    text = read_text(source) if isinstance(source, Path) else source
    where = source if isinstance(source, Path) else "The batch file"
    _check_shape(text, where)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputFormatError(f"{where} is not a readable CSV file: {err}.") from err
    columns = [c.strip() for c in frame.columns]
    frame.columns = columns
    if "name" not in columns:
        raise InputFormatError("The batch file needs a 'name' column plus one column per element id.")
    unknown = [c for c in columns if c != "name" and c not in catalog.ids]
    if unknown:
        raise InputFormatError(f"Unknown column(s) {', '.join(unknown)}. Valid element ids: {', '.join(catalog.ids)}.")
    if frame.empty:
        raise InputFormatError("The batch file has no portfolio rows.")
    matrix = np.zeros((len(frame), len(catalog.ids)))
    for row, record in enumerate(frame.to_dict("records")):
        for column, cell in record.items():
            if column != "name":
                where = f"Line {row + 2}, column '{column}'"
                matrix[row, catalog.index(column)] = parse_amount(cell.strip() or "0", where)
    return [str(n) for n in frame["name"]], matrix
