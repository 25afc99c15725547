"""Reference behaviours of issue 11 (docs/model.md, "Reference behaviours" A-E): what the source says the portfolio does."""

import numpy as np
import pytest

from portfolio_engine.model.dynamics import Shock, Start, simulate
from portfolio_engine.optimizer.constraints import problem_from_dict
from portfolio_engine.optimizer.optimize import optimize

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


def _civic(catalog, amounts, civic_amount):
    """Set civic muscle's amount, the difference taken from (or given to) the urgent services in proportion."""
    amounts = amounts.copy()
    urgent, civic = [catalog.index(i) for i in catalog.in_family("urgent_services")], catalog.index("belonging_civic_muscle")
    amounts[urgent] -= (civic_amount - amounts[civic]) * amounts[urgent] / amounts[urgent].sum()
    amounts[civic] = civic_amount
    return amounts


def test_d_two_percent_from_urgent_services_to_civic_muscle_raises_thriving(catalog, status_quo, run):
    amounts = status_quo.vector(catalog)
    moved = _civic(catalog, amounts, amounts[catalog.index("belonging_civic_muscle")] + 0.02 * status_quo.budget)
    assert run(moved, 20).thriving[20] > run(status_quo, 20).thriving[20]


def test_d_civic_muscle_holds_a_shift_toward_vital_conditions(catalog, status_quo, run, shift):
    shifted = shift(0.10, "urgent_services", "vital_conditions").vector(catalog)
    civic = status_quo.vector(catalog)[catalog.index("belonging_civic_muscle")]
    doubled, unfunded = run(_civic(catalog, shifted, 2 * civic), 20), run(_civic(catalog, shifted, 0.0), 20)
    assert doubled.realized_vital_share[20] > unfunded.realized_vital_share[20]


def test_d_harm_with_civic_muscle_builds_pressure_toward_vital_conditions(model, status_quo, catalog):
    """Relying loop, both signs: felt harm pulls toward urgent services at once; organized harm pushes back later."""
    start = Start(("crisis",), np.array([0.45]), np.array([0.45]), np.array([0.10]), np.array([1.0]))
    amounts = status_quo.vector(catalog)
    civic = amounts[catalog.index("belonging_civic_muscle")]
    strong = simulate(model, _civic(catalog, amounts, 3 * civic), 10, start).outputs["realized_vital_share"][0, 0]
    weak = simulate(model, _civic(catalog, amounts, 0.0), 10, start).outputs["realized_vital_share"][0, 0]
    assert strong[1] < strong[0], "the quick pull toward urgent services"
    assert strong[10] > weak[10]


@pytest.mark.parametrize("kind", ["thriving_at_year", "suffering_years", "urgent_cost"])
def test_c_the_budget_only_optimum_funds_every_element_and_none_takes_a_third(kind):
    """Behaviour C for thriving, suffering and cost of harm: each element at least 1% of the budget, none above a third."""
    shares = np.array(list(optimize(problem_from_dict({"budget": 100e6, "objective": {kind: 20}})).allocations.values())) / 100e6
    assert shares.min() >= 0.01 and shares.max() <= 1 / 3


def test_e_after_a_harm_shock_civic_muscle_decides_where_the_budget_ends(catalog, status_quo, model):
    """Fall rate doubled in years 1-3: 15 years later, doubled civic muscle has turned harm into more vital spending, none into less."""
    amounts = status_quo.vector(catalog)
    civic = amounts[catalog.index("belonging_civic_muscle")]
    shock = Shock(2.0, 1.0, 3.0)
    doubled = simulate(model, _civic(catalog, amounts, 2 * civic), 18, shock=shock).outputs["realized_vital_share"][0, 0]
    none = simulate(model, _civic(catalog, amounts, 0.0), 18, shock=shock).outputs["realized_vital_share"][0, 0]
    assert doubled[18] > doubled[1] and none[18] < none[1]
    for amount, shocked in ((2 * civic, doubled), (0.0, none)):
        calm = simulate(model, _civic(catalog, amounts, amount), 18).outputs["realized_vital_share"][0, 0]
        assert (shocked[18] - calm[18]) * (amount - civic) > 0, "the shock itself moves the budget, up with civic muscle, down without"
