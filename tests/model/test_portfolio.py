import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_engine.errors import BudgetMismatch, InvalidAmount, UnknownElement
from portfolio_engine.model.portfolio import (
    amounts_from_query,
    apply_move,
    make_portfolio,
    portfolio_csv,
    read_portfolio,
    rebalance,
    require_positive_total,
    to_query,
)


def test_status_quo_is_labelled_and_has_the_illustrative_family_shares(catalog, status_quo):
    totals = status_quo.family_totals(catalog)
    assert status_quo.budget == 100_000_000
    assert totals == {"vital_conditions": 35e6, "urgent_services": 60e6, "civic_muscle": 5e6}


@pytest.mark.parametrize(
    ("allocations", "budget", "error", "message"),
    [
        ({"parks": 1}, None, UnknownElement, "Unknown element 'parks'"),
        ({"basic_needs": -5}, None, InvalidAmount, "Amount for 'basic_needs': -5 is negative"),
        ({"basic_needs": float("nan")}, None, InvalidAmount, "is not a finite number"),
        ({"basic_needs": float("inf")}, None, InvalidAmount, "is not a finite number"),
        ({"basic_needs": "lots"}, None, InvalidAmount, "'lots' is not a number"),
        ({"basic_needs": True}, None, InvalidAmount, "True is not a number"),
        ({"basic_needs": 10}, 11, BudgetMismatch, "add up to 10.00 but the budget is 11.00"),
        ({"basic_needs": 10}, "ten", InvalidAmount, "Budget: 'ten' is not a number"),
        ({"basic_needs": 1e308, "acute_care": 1e308}, None, InvalidAmount, "larger than any budget this tool handles"),
        ({"basic_needs": 10**400}, None, InvalidAmount, "larger than any budget this tool handles"),
    ],
)
def test_bad_portfolios_get_a_clear_message(catalog, allocations, budget, error, message):
    with pytest.raises(error, match=message):
        make_portfolio(catalog, allocations, budget)


def test_total_within_one_cent_is_accepted(catalog):
    portfolio = make_portfolio(catalog, {"basic_needs": 10.004, "acute_care": 5}, 15)
    assert portfolio.allocations["lifelong_learning"] == 0
    with pytest.raises(BudgetMismatch):
        make_portfolio(catalog, {"basic_needs": 10.02, "acute_care": 5}, 15)


def test_a_status_quo_needs_a_positive_total(catalog):
    """Status quos are divided by their total to scale them to a budget: an all-zero one is refused by name."""
    with pytest.raises(InvalidAmount, match="The status quo: the amounts add up to 0"):
        require_positive_total(make_portfolio(catalog, {}))
    assert require_positive_total(make_portfolio(catalog, {"basic_needs": 1})).total == 1


def test_a_huge_budget_within_the_limit_tolerates_float_rounding(catalog):
    amounts = {i: 1e15 / 13 for i in catalog.ids}
    assert make_portfolio(catalog, amounts, 1e15).budget == 1e15


def test_reading_a_file_names_the_file_when_it_is_not_json(catalog, tmp_path):
    bad = tmp_path / "p.json"
    bad.write_text("{not json")
    with pytest.raises(Exception, match="p.json is not valid JSON"):
        read_portfolio(catalog, bad)


# Money: zero or at least a cent (sub-cent magnitudes only test float underflow).
amount_lists = st.lists(st.one_of(st.just(0.0), st.floats(0.01, 1e8)), min_size=13, max_size=13)


@given(amount_lists, st.integers(0, 12), st.sets(st.integers(0, 12), max_size=6))
def test_rebalance_keeps_the_total_locks_and_proportions(values, changed_index, locked_indexes):
    ids = [f"e{i}" for i in range(13)]
    amounts = dict(zip(ids, values, strict=True))
    changed = ids[changed_index]
    locked = {ids[i] for i in locked_indexes} - {changed}
    budget = 100e6
    result = rebalance(amounts, changed, budget, locked)
    for k in locked:
        assert result[k] == amounts[k]
    assert all(v >= 0 for v in result.values())
    assert result[changed] <= amounts[changed]
    free = [k for k in ids if k != changed and k not in locked]
    fixed = sum(amounts[k] for k in locked)
    if free and fixed <= budget:
        assert math.isclose(sum(result.values()), budget, rel_tol=1e-9, abs_tol=1e-6)
        positive = [k for k in free if amounts[k] > 0]
        if len(positive) >= 2:
            a, b = positive[:2]
            assert result[a] == result[b] == 0 or math.isclose(result[a] * amounts[b], result[b] * amounts[a], rel_tol=1e-9)


def test_rebalance_cuts_the_moved_element_back_when_locks_leave_no_room():
    result = rebalance({"a": 70.0, "b": 50.0, "c": 10.0}, "a", 100.0, {"b"})
    assert result == {"a": 50.0, "b": 50.0, "c": 0.0}


def test_shift_scales_each_family_proportionally(catalog, status_quo, shift):
    moved = shift(0.10, "urgent_services", "vital_conditions")
    totals = moved.family_totals(catalog)
    assert math.isclose(totals["vital_conditions"], 45e6)
    assert math.isclose(totals["urgent_services"], 50e6)
    ratio = moved.allocations["basic_needs"] / status_quo.allocations["basic_needs"]
    assert math.isclose(ratio, moved.allocations["humane_housing"] / status_quo.allocations["humane_housing"])


def test_query_round_trip_and_bad_link_values(catalog, status_quo):
    assert amounts_from_query(catalog, to_query(status_quo)) == status_quo.allocations
    assert amounts_from_query(catalog, {"workshop": "7", "acute_care": "5"}) == {"acute_care": 5.0}
    with pytest.raises(InvalidAmount, match="Link parameter 'acute_care': 'x' is not a number"):
        amounts_from_query(catalog, {"acute_care": "x"})


def test_csv_lists_every_element_with_its_share(catalog, status_quo):
    lines = portfolio_csv(status_quo, catalog).splitlines()
    assert lines[0] == "element_id,family,amount,share,currency"
    assert "acute_care,urgent_services,18000000.00,0.180000,USD" in lines
    assert len(lines) == 14


DRAWN = {"a": 10.0, "b": 30.0, "c": 60.0}


def test_a_move_rebalances_the_others_and_leaves_the_moved_slider_alone():
    mover, updates = apply_move(DRAWN, {**DRAWN, "a": 20.0}, 100.0)
    assert mover == "a"
    assert updates == pytest.approx({"b": 80 * 30 / 90, "c": 80 * 60 / 90})  # no "a": a newer press in the browser stays


def test_stale_values_from_a_lagging_browser_are_put_back_and_the_largest_change_is_the_move():
    sent = {"a": 20.0, "b": 29.0, "c": 61.0}  # the browser had not drawn the last rebalance of b and c yet
    mover, updates = apply_move(DRAWN, sent, 100.0)
    assert mover == "a"
    assert updates == pytest.approx({"b": 80 * 30 / 90, "c": 80 * 60 / 90})


def test_a_move_past_what_locks_leave_is_cut_back_and_sent_back():
    mover, updates = apply_move(DRAWN, {**DRAWN, "a": 50.0}, 100.0, locked={"c"})
    assert mover == "a"
    assert updates == pytest.approx({"a": 40.0, "b": 0.0})


def test_without_keep_the_total_only_stale_values_are_put_back():
    assert apply_move(DRAWN, {"a": 20.0, "b": 29.0, "c": 60.0}, 100.0, keep_total=False) == ("a", {"b": 30.0})
    assert apply_move(DRAWN, dict(DRAWN), 100.0) == (None, {})
