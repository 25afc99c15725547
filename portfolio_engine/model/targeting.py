"""Where a portfolio's money goes: the share of each element's money that reaches each community.

Format (JSON): {"targeting": {"humane_housing": {"Eastside": 0.5}, ...}}. Per element, shares of its money
by community name. Communities left out share the rest in proportion to their population (equal when no
population is given); an element left out goes to every community in proportion to population, the
default. Shares named for every community must add up to 1.
"""

import math
from pathlib import Path
from typing import Any

import numpy as np

from portfolio_engine.errors import InputFormatError
from portfolio_engine.jsonfile import read_json
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.dynamics import Start

TOLERANCE = 1e-6


def default_targeting(catalog: Catalog, start: Start) -> np.ndarray:
    """(communities, elements): every element's money in proportion to population."""
    return np.repeat(start.population_shares[:, None], len(catalog.ids), axis=1)


def targeting_from_dict(raw: Any, catalog: Catalog, start: Start, where: str = "targeting") -> np.ndarray:
    """Validate a targeting document against the catalog and the communities; messages name the element and place."""
    table = raw.get("targeting") if isinstance(raw, dict) else None
    if not isinstance(table, dict):
        raise InputFormatError(f'{where}: expected {{"targeting": {{"element_id": {{"community name": share, ...}}, ...}}}}.')
    result = default_targeting(catalog, start)
    people = start.population_shares
    for element_id, shares in table.items():
        column = catalog.index(element_id)
        if not isinstance(shares, dict) or not shares:
            raise InputFormatError(f"{where}: '{element_id}' needs an object of community name: share.")
        named = np.zeros(len(start.names), dtype=bool)
        values = np.zeros(len(start.names))
        for name, share in shares.items():
            if name not in start.names:
                raise InputFormatError(f"{where}: '{element_id}' names an unknown community '{name}'. Communities: {', '.join(start.names)}.")
            values[start.names.index(name)] = _share(share, f"{where}: '{element_id}' for '{name}'")
            named[start.names.index(name)] = True
        total = values.sum()
        if total > 1 + TOLERANCE or (named.all() and abs(total - 1) > TOLERANCE):
            raise InputFormatError(f"{where}: the shares of '{element_id}' add up to {total:.4f}; they must add up to 1.")
        rest = np.where(named, 0.0, people)
        result[:, column] = values + (1 - total) * rest / rest.sum() if rest.sum() > 0 else values
    return result


def _share(value: Any, label: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputFormatError(f"{label}: {str(value)[:40]!r} is not a number.") from None
    if not math.isfinite(number) or not 0 <= number <= 1:
        raise InputFormatError(f"{label}: {number:g} must be a share between 0 and 1.")
    return number


def read_targeting(path: Path, catalog: Catalog, start: Start) -> np.ndarray:
    return targeting_from_dict(read_json(path), catalog, start, str(path))
