"""Reference behaviours of issue 11 (docs/model.md, "Reference behaviours" A-E): what the source says the portfolio does."""

import numpy as np
import pytest

VITAL = ["basic_needs", "lifelong_learning", "meaningful_work", "humane_housing", "stable_environment", "reliable_transportation"]


def _vital(catalog):
    return [catalog.index(i) for i in VITAL]


@pytest.mark.parametrize("element", VITAL)
def test_a_all_vital_money_in_one_condition_lowers_thriving(catalog, status_quo, run, element):
    amounts = status_quo.vector(catalog)
    total = amounts[_vital(catalog)].sum()
    amounts[_vital(catalog)] = 0.0
    amounts[catalog.index(element)] = total
    assert run(amounts, 20).thriving[20] < run(status_quo, 20).thriving[20]


@pytest.mark.parametrize("element", VITAL)
def test_a_cutting_one_condition_raises_suffering_within_5_years(catalog, status_quo, run, element):
    amounts = status_quo.vector(catalog)
    cut, rest = catalog.index(element), [i for i in _vital(catalog) if i != catalog.index(element)]
    amounts[rest] += amounts[cut] * amounts[rest] / amounts[rest].sum()
    amounts[cut] = 0.0
    assert np.isclose(amounts.sum(), status_quo.budget)
    assert (run(amounts, 5).suffering[1:6] > run(status_quo, 5).suffering[1:6]).any()
