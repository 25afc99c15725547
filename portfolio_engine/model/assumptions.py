"""The assumptions table: the model's constants and each element's effect weights and delay.

Shipped defaults live in data/assumptions.json; edits (from a page or an override file) make a
new Assumptions value and never touch the shipped file.
"""

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from portfolio_engine.errors import InputFormatError, InvalidAssumptions
from portfolio_engine.jsonfile import read_json
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.settings import ASSUMPTIONS_FILE

CHANNELS = ("lift", "steady", "prevent", "restore")
ELEMENT_FIELDS = ("delay_years",) + CHANNELS
FIXED = ("dt",)  # numerical choices, not claims about the world: no uncertainty range
# Ranges keep every edited run finite and meaningful; (low, high) inclusive, None = unbounded.
CONSTANT_RANGES: dict[str, tuple[float, float | None]] = {
    "dt": (0.01, 1.0),
    "slip_rate": (0.0, 10.0),
    "rise_rate": (0.0, 10.0),
    "fall_rate": (0.0, 10.0),
    "restore_rate": (0.0, 10.0),
    "lift_exponent": (0.0, 1.0),
    "steady_exponent": (0.0, 1.0),
    "prevent_exponent": (0.0, 1.0),
    "restore_exponent": (0.0, 1.0),
    "saturation": (0.01, 10.0),
    "substitution_elasticity": (0.05, 0.95),
    "complement_floor": (0.001, 1.0),
    "efficiency_rate": (0.0, 1.0),
    "efficiency_ceiling": (1.01, 100.0),
    "unmet_cost_factor": (0.0, 10.0),
    "unmet_spread": (0.0, 10.0),
    "civic_base": (0.0, 10.0),
    "resistance_half": (0.01, 10.0),
    "pressure_weight": (0.0, 10.0),
    "belonging_exponent": (0.0, 1.0),
    "advocacy_weight": (0.0, 10.0),
    "advocacy_delay": (0.1, 100.0),
    "political_delay": (0.1, 100.0),
    "perception_delay": (0.1, 100.0),
}


@dataclass(frozen=True)
class Assumptions:
    """Constant values by name and per-element effect rows (delay and channel weights)."""

    constants: dict[str, float]
    elements: dict[str, dict[str, float]]
    notes: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)
    # Plausible (low, high) per constant, and per element field as factors on each element's value (docs/model.md).
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict, compare=False)
    element_ranges: dict[str, tuple[float, float]] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"constants": dict(self.constants), "elements": {k: dict(v) for k, v in self.elements.items()}}


def _number(value: Any, where: str, low: float, high: float | None) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidAssumptions(f"{where}: {str(value)[:40]!r} is not a number in range.") from None
    if not math.isfinite(number) or number < low or (high is not None and number > high):
        bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise InvalidAssumptions(f"{where}: {value!r} must be {bound}.")
    return number


def _check(assumptions: Assumptions, catalog: Catalog) -> Assumptions:
    missing = [k for k in CONSTANT_RANGES if k not in assumptions.constants]
    missing += [i for i in catalog.ids if i not in assumptions.elements]
    if missing:
        raise InvalidAssumptions(f"Assumptions are missing: {', '.join(missing)}.")
    constants = {k: _number(v, f"Constant '{k}'", *CONSTANT_RANGES[k]) for k, v in assumptions.constants.items()}
    if abs(1 / constants["dt"] - round(1 / constants["dt"])) > 1e-9:
        raise InvalidAssumptions(f"Constant 'dt': {constants['dt']:g} must divide one year evenly (0.25, 0.5, 0.1...).")
    elements = {}
    for element_id, row in assumptions.elements.items():
        catalog.index(element_id)
        unknown = set(row) - set(ELEMENT_FIELDS)
        if unknown:
            raise InvalidAssumptions(f"Element '{element_id}': unknown field(s) {', '.join(sorted(unknown))}.")
        elements[element_id] = {
            f: _number(row.get(f, 0.0), f"Element '{element_id}' {f}", 0.01 if f == "delay_years" else 0.0, 100.0)
            for f in ELEMENT_FIELDS
        }
    ranges = {k: _range(v, f"Constant '{k}'", constants[k], *CONSTANT_RANGES[k]) for k, v in assumptions.ranges.items()}
    element_ranges = {f: _range(v, f"Element range '{f}'", 1.0, 0.0, 10.0) for f, v in assumptions.element_ranges.items()}
    return replace(assumptions, constants=constants, elements=elements, ranges=ranges, element_ranges=element_ranges)


def _range(pair: Any, where: str, value: float, low: float, high: float | None) -> tuple[float, float]:
    """A checked (low, high) that holds `value` (for element ranges, factors that hold 1)."""
    if not isinstance(pair, (list, tuple)) or len(pair) != 2:
        raise InvalidAssumptions(f"{where}: a range is [low, high].")
    a, b = _number(pair[0], f"{where} range low", low, high), _number(pair[1], f"{where} range high", low, high)
    if a > b:
        raise InvalidAssumptions(f"{where}: range low {a:g} is above high {b:g}.")
    if not a <= value <= b:
        raise InvalidAssumptions(f"{where}: the value {value:g} lies outside its range {a:g} to {b:g}.")
    return a, b


def _ranges(overrides: Mapping[str, Any], base: Assumptions) -> tuple[dict[str, Any], dict[str, Any]]:
    """Ranges from an overrides document: `low`/`high` inside a constant's object, and an `element_ranges` section."""
    ranges: dict[str, Any] = dict(base.ranges)
    for name, value in _section(overrides, "constants").items():
        if isinstance(value, Mapping) and ("low" in value or "high" in value):
            if name in FIXED:
                raise InvalidAssumptions(f"Constant '{name}' is a numerical choice and takes no range.")
            ranges[name] = [value.get("low"), value.get("high")]
    element_ranges: dict[str, Any] = dict(base.element_ranges)
    for field_name, value in _section(overrides, "element_ranges").items():
        if field_name not in ELEMENT_FIELDS:
            raise InvalidAssumptions(f"Element range '{field_name}': unknown field. Known: {', '.join(ELEMENT_FIELDS)}.")
        element_ranges[field_name] = [value.get("low"), value.get("high")] if isinstance(value, Mapping) else value
    return ranges, element_ranges


def _section(overrides: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """One section of an overrides document: an object, or nothing when absent."""
    section = overrides.get(name) or {}
    if not isinstance(section, Mapping):
        raise InvalidAssumptions(f"Assumptions: '{name}' must be an object of name: value.")
    return section


def with_overrides(base: Assumptions, catalog: Catalog, overrides: Mapping[str, Any]) -> Assumptions:
    """Apply a partial `{"constants": {name: value}, "elements": {id: {field: value}}}` to `base`."""
    if not isinstance(overrides, Mapping):
        raise InvalidAssumptions("Assumptions must be a JSON object with 'constants' and/or 'elements'.")
    unknown = set(overrides) - {"constants", "elements", "element_ranges", "label"}
    if unknown:
        raise InvalidAssumptions(f"Assumptions: unknown section(s) {', '.join(sorted(unknown))}.")
    constants: dict[str, Any] = dict(base.constants)  # overrides are checked below
    for name, value in _section(overrides, "constants").items():
        if name not in CONSTANT_RANGES:
            raise InvalidAssumptions(f"Unknown constant '{name}'. Known: {', '.join(CONSTANT_RANGES)}.")
        constants[name] = value.get("value", constants.get(name)) if isinstance(value, Mapping) else value
    elements = {k: dict(v) for k, v in base.elements.items()}
    for element_id, row in _section(overrides, "elements").items():
        catalog.index(element_id)
        if not isinstance(row, Mapping):
            raise InvalidAssumptions(f"Element '{element_id}': expected an object of field: value.")
        elements.setdefault(element_id, {}).update(row)
    ranges, element_ranges = _ranges(overrides, base)
    for name, pair in ranges.items():  # an edited value outside its shipped range widens the range to hold it
        if isinstance(pair, tuple) and isinstance(constants.get(name), (int, float)):
            ranges[name] = (min(pair[0], constants[name]), max(pair[1], constants[name]))
    return _check(Assumptions(constants, elements, base.notes, ranges, element_ranges), catalog)


@cache
def default_assumptions(catalog: Catalog, path: Path = ASSUMPTIONS_FILE) -> Assumptions:
    """The shipped assumptions table, checked against the catalog."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputFormatError(f"Cannot read the assumptions {path}: {err}") from err
    notes = {k: {"unit": v["unit"], "why": v["why"], "range_why": v.get("range_why", "")} for k, v in raw["constants"].items()}
    empty = Assumptions({}, {}, notes)
    return with_overrides(empty, catalog, raw)


def read_assumptions(catalog: Catalog, path: Path) -> Assumptions:
    """The defaults with a (possibly partial) override file applied."""
    raw = read_json(path)
    return with_overrides(default_assumptions(catalog), catalog, raw)
