"""Funders in the optimizer: mandates and floors parsed, turned into limits on element totals, and totals split among funders."""

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio_engine.cli.main import main
from portfolio_engine.errors import InfeasibleConstraints, InvalidConstraints, PortfolioError, UnknownElement
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.optimizer.binding_words import sentence
from portfolio_engine.optimizer.constraints import problem_from_dict
from portfolio_engine.optimizer.funders import Funder, check_splittable, group_floors, parse_funders, split
from portfolio_engine.optimizer.optimize import optimize

CATALOG = load_catalog()
IDS = CATALOG.ids
HOSPITAL = {"amount": 30_000_000, "may_fund": ["acute_care", "basic_needs", "addiction_recovery"], "floors": {"acute_care": 20_000_000}}


def test_the_issue_example_parses_with_names_mandates_and_floors():
    funders = parse_funders(CATALOG, {"County hospital": HOSPITAL, "City": {"amount": 70_000_000}}, 100_000_000)
    hospital, city = funders
    assert hospital.may_fund == ("basic_needs", "acute_care", "addiction_recovery") and hospital.floors == {"acute_care": 20_000_000}
    assert city.may_fund is None and all(city.allows(e) for e in IDS) and not hospital.allows("humane_housing")


@pytest.mark.parametrize("raw, message", [
    ({"City": {"amount": 60_000_000}}, r"add up to 60.0 million, 40.0 million less than the budget \(100.0 million\)"),
    ({"City": {"amount": 130_000_000}}, "30.0 million more than the budget"),
    ({"City": {"amount": -5}}, "Funder 'City' amount"),
    ({"City": {"amount": 100_000_000, "may_fund": []}}, "Funder 'City': 'may_fund' must be a non-empty list"),
    ({"City": {"amount": 100_000_000, "floors": {"acute_care": 200_000_000}}}, "Funder 'City': its floors add up to 200.0 million"),
    ({"City": {"amount": 100_000_000, "may_fund": ["humane_housing"], "floors": {"acute_care": 1}}}, "Funder 'City': a floor on acute_care"),
    ({"City": {"budget": 100_000_000}}, "Funder 'City': write it as"),
    ([1], "'funders' must be an object"),
])
def test_bad_funders_are_refused_naming_the_funder(raw, message):
    with pytest.raises(PortfolioError, match=message):  # InvalidConstraints, or InvalidAmount for a bad number
        parse_funders(CATALOG, raw, 100_000_000)


def test_a_mandate_naming_an_unknown_element_names_it():
    with pytest.raises(UnknownElement, match="Unknown element 'parks'"):
        parse_funders(CATALOG, {"City": {"amount": 100_000_000, "may_fund": ["parks"]}}, 100_000_000)


def test_group_floor_is_the_money_that_must_land_inside_a_mandate():
    funders = parse_funders(CATALOG, {"County hospital": HOSPITAL, "City": {"amount": 70_000_000}}, 100_000_000)
    [(mask, amount, names)] = group_floors(CATALOG, funders)
    assert [e for e, m in zip(IDS, mask, strict=True) if m] == ["basic_needs", "acute_care", "addiction_recovery"]
    assert amount == 30_000_000 and names == "County hospital"


def test_totals_that_leave_a_funder_no_room_cannot_be_split_and_the_funder_is_named():
    funders = parse_funders(CATALOG, {"County hospital": HOSPITAL, "City": {"amount": 70_000_000}}, 100_000_000)
    totals = np.full(len(IDS), 100_000_000 / len(IDS))  # only about 23 million in the hospital's three elements
    with pytest.raises(InfeasibleConstraints, match="County hospital"):
        split(CATALOG, funders, totals)
    upper = np.full(len(IDS), 100_000_000.0)
    upper[[IDS.index("basic_needs"), IDS.index("acute_care"), IDS.index("addiction_recovery")]] = 5_000_000
    with pytest.raises(InfeasibleConstraints, match="County hospital must spend 30.0 million on Basic needs for health and safety, Acute care"):
        check_splittable(CATALOG, funders, np.zeros(len(IDS)), upper)


@st.composite
def funded_portfolios(draw):
    """Funders with random mandates and a random feasible funder x element table (in whole cents); the totals are its column sums."""
    count = draw(st.integers(1, 5))
    table = np.zeros((count, len(IDS)))
    funders = []
    for f in range(count):
        mandate = draw(st.one_of(st.none(), st.lists(st.sampled_from(IDS), min_size=1, max_size=5, unique=True)))
        allowed = [i for i, e in enumerate(IDS) if mandate is None or e in mandate]
        for i in allowed:
            table[f, i] = draw(st.integers(0, 20_000_000_00)) / 100
        floors = {IDS[i]: round(table[f, i] * draw(st.floats(0, 1)), 2) for i in allowed if draw(st.booleans())}
        funders.append(Funder(f"Funder {f}", float(table[f].sum()), None if mandate is None else tuple(mandate), floors))
    return tuple(funders), table.sum(axis=0)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(funded_portfolios())
def test_money_never_lands_where_a_funder_may_not_spend_it(case):
    funders, totals = case
    found = split(CATALOG, funders, totals)
    for funder in funders:
        assert all(funder.allows(e) for e, amount in found[funder.name].items() if amount > 0)
        assert abs(sum(found[funder.name].values()) - funder.amount) <= 1.0
        assert all(found[funder.name][e] >= floor - 0.01 for e, floor in funder.floors.items())
    for i, element in enumerate(IDS):
        assert round(sum(found[f.name].get(element, 0.0) for f in funders), 2) == round(totals[i], 2)
    check_splittable(CATALOG, funders, totals, totals)  # the totals themselves meet every group floor


def _document(funders, **extra):
    return {"budget": 100_000_000, "objective": {"thriving_at_year": 10}, "funders": funders, **extra}


def test_the_optimizer_returns_who_funds_what_and_names_the_funder_whose_floor_binds():
    hospital = {**HOSPITAL, "floors": {"acute_care": 25_000_000}}
    result = optimize(problem_from_dict(_document({"County hospital": hospital, "City": {"amount": 70_000_000}})), starts=2)
    by_funder = result.allocations_by_funder
    assert set(by_funder) == {"County hospital", "City"} and result.to_dict()["allocations_by_funder"] == by_funder
    for element, amount in result.allocations.items():
        assert round(by_funder["County hospital"].get(element, 0.0) + by_funder["City"][element], 2) == round(amount, 2)
    assert set(by_funder["County hospital"]) == {"basic_needs", "acute_care", "addiction_recovery"}
    assert by_funder["County hospital"]["acute_care"] >= 25_000_000 - 0.01
    names = {e.id: e.name for e in CATALOG.elements}
    assert any(sentence(b, names).startswith("Binding: the County hospital's floor on Acute care (25.0 million)") for b in result.binding)


def test_a_mandate_that_keeps_the_money_in_a_few_elements_is_explained_with_its_funder():
    narrow = {"amount": 60_000_000, "may_fund": ["acute_care", "public_safety"]}  # more than those two would get
    result = optimize(problem_from_dict(_document({"County hospital": narrow, "City": {"amount": 40_000_000}})), starts=2)
    assert result.allocations["acute_care"] + result.allocations["public_safety"] >= 60_000_000 - 1
    names = {e.id: e.name for e in CATALOG.elements}
    assert any("the County hospital's mandate, which spends all its money on Acute care, Criminal justice, violence and emergencies (60.0 million)"
               in sentence(b, names) for b in result.binding)


def test_funders_that_do_not_add_up_to_the_budget_are_refused_before_any_solving():
    with pytest.raises(InvalidConstraints, match="10.0 million less than the budget"):
        problem_from_dict(_document({"City": {"amount": 90_000_000}}))


def test_a_floor_the_funders_cannot_reach_is_reported_infeasible_naming_who_keeps_it():
    document = _document({"County hospital": HOSPITAL, "City": {"amount": 70_000_000}}, ceilings={"acute_care": 10_000_000})
    with pytest.raises(InfeasibleConstraints, match="County hospital's floor on Acute care"):
        optimize(problem_from_dict(document))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(st.sampled_from(IDS), min_size=1, max_size=4, unique=True), st.integers(1, 30)), min_size=1, max_size=3))
def test_the_optimizer_never_puts_a_funders_money_where_its_mandate_forbids(mandates):
    funders = {f"Funder {n}": {"amount": share * 1_000_000, "may_fund": mandate} for n, (mandate, share) in enumerate(mandates)}
    funders["City"] = {"amount": 100_000_000 - sum(f["amount"] for f in funders.values())}
    result = optimize(problem_from_dict(_document(funders)), starts=1)
    for name, raw in funders.items():
        spent = result.allocations_by_funder[name]
        assert all(element in raw.get("may_fund", IDS) for element, amount in spent.items() if amount > 0)
        assert abs(sum(spent.values()) - raw["amount"]) <= 1.0


def test_the_command_line_prints_allocations_by_funder_and_exits_2_naming_the_difference(capsys, tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(_document({"County hospital": HOSPITAL, "City": {"amount": 70_000_000}})))
    assert main(["optimize", "--constraints", str(path), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["allocations_by_funder"]) == {"County hospital", "City"}
    path.write_text(json.dumps(_document({"County hospital": HOSPITAL, "City": {"amount": 60_000_000}})))
    assert main(["optimize", "--constraints", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "10.0 million less than the budget" in err
