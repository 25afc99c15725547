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


def _urgent_to_vital(catalog, status_quo, share_of_urgent):
    """Move a share of every urgent service's money to the vital conditions in their status-quo mix (same total)."""
    amounts = status_quo.vector(catalog)
    urgent = [catalog.index(i) for i in catalog.in_family("urgent_services")]
    vital = _vital(catalog)
    moved = amounts[urgent].sum() * share_of_urgent
    amounts[urgent] *= 1 - share_of_urgent
    amounts[vital] += moved * amounts[vital] / amounts[vital].sum()
    return amounts


def test_b_halving_urgent_services_raises_suffering_at_once_and_leaves_need_unmet(catalog, status_quo, run):
    moved, base = run(_urgent_to_vital(catalog, status_quo, 0.5), 5), run(status_quo, 5)
    assert moved.suffering[1] > base.suffering[1]
    assert (moved.unmet_need[1:] > 0).all() and (base.unmet_need == 0).all()


def test_b_a_tenth_of_the_budget_to_vital_conditions_dips_then_costs_less_harm(catalog, status_quo, run, shift):
    moved, base = run(shift(0.10, "urgent_services", "vital_conditions"), 10), run(status_quo, 10)
    assert (moved.suffering[1:4] > base.suffering[1:4]).any(), "the dip"
    assert moved.cost_of_harm[10] < base.cost_of_harm[10]
    assert (moved.cost_of_harm[1:3] > base.cost_of_harm[1:3]).any(), "unmet need costs more at first"
