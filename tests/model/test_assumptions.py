import json

import pytest

from portfolio_engine.errors import InvalidAssumptions, UnknownElement
from portfolio_engine.model.assumptions import CONSTANT_RANGES, read_assumptions, with_overrides


def test_shipped_table_has_every_constant_with_unit_and_reason(assumptions, catalog):
    assert set(assumptions.constants) == set(CONSTANT_RANGES)
    for name in CONSTANT_RANGES:
        assert assumptions.notes[name]["unit"] and assumptions.notes[name]["why"]
    assert set(assumptions.elements) == set(catalog.ids)


def test_overrides_make_a_new_table_and_leave_the_defaults_alone(assumptions, catalog):
    edited = with_overrides(assumptions, catalog, {"constants": {"rise_rate": 0.2}, "elements": {"humane_housing": {"prevent": 3}}})
    assert edited.constants["rise_rate"] == 0.2 and edited.elements["humane_housing"]["prevent"] == 3
    assert assumptions.constants["rise_rate"] == 0.12 and assumptions.elements["humane_housing"]["prevent"] == 1.6


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"constants": {"rise_rate": -1}}, InvalidAssumptions, "Constant 'rise_rate': -1 must be between 0 and 10"),
        ({"constants": {"rise_rate": "fast"}}, InvalidAssumptions, "'fast' is not a number"),
        ({"constants": {"dt": 0.3}}, InvalidAssumptions, "must divide one year evenly"),
        ({"constants": {"warp": 1}}, InvalidAssumptions, "Unknown constant 'warp'"),
        ({"elements": {"parks": {"lift": 1}}}, UnknownElement, "Unknown element 'parks'"),
        ({"elements": {"acute_care": {"speed": 1}}}, InvalidAssumptions, "unknown field\\(s\\) speed"),
        ({"elements": {"acute_care": {"delay_years": 0}}}, InvalidAssumptions, "delay_years: 0 must be between 0.01"),
        ([1, 2], InvalidAssumptions, "must be a JSON object"),
    ],
)
def test_bad_assumptions_are_refused_clearly(assumptions, catalog, overrides, error, message):
    with pytest.raises(error, match=message):
        with_overrides(assumptions, catalog, overrides)


def test_override_file_is_partial(catalog, tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"constants": {"pressure_weight": 0}}))
    edited = read_assumptions(catalog, path)
    assert edited.constants["pressure_weight"] == 0 and edited.constants["rise_rate"] == 0.12
