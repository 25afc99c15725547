import pytest

from portfolio_engine.optimizer.constraints import problem_from_dict
from portfolio_engine.record.comparison import agreement, constraint_checks, distance, side_by_side


@pytest.fixture
def portfolios(status_quo):
    shifted = dict(status_quo.allocations, acute_care=12e6, humane_housing=14e6)
    return {"Status quo": status_quo.allocations, "Housing first": shifted}


def test_side_by_side_gives_amounts_shares_and_differences(catalog, portfolios):
    table = side_by_side(catalog, portfolios).set_index("element")
    assert table.loc["acute_care", "Housing first: amount"] == 12e6
    assert table.loc["acute_care", "Housing first: vs Status quo"] == -6e6
    assert table.loc["humane_housing", "Housing first: share"] == pytest.approx(0.14)


def test_agreement_lists_the_most_divided_element_first(catalog, portfolios):
    table = agreement(catalog, portfolios)
    assert set(table["element"][:2]) == {"acute_care", "humane_housing"}
    assert table["spread"].iloc[-1] == 0


def test_distance_is_l1(portfolios):
    assert distance(portfolios["Housing first"], portfolios["Status quo"]) == 12e6


def test_constraint_checks_say_which_are_met_and_by_how_much_they_miss(portfolios):
    problem = problem_from_dict({"budget": 100e6, "floors": {"acute_care": 15e6}, "family_floors": {"urgent_services": 50e6},
                                 "owners": {"floors.acute_care": "County hospital"}})
    checks = {c["constraint"]: c for c in constraint_checks(problem, portfolios["Housing first"])}
    assert checks["floors.acute_care"]["met"] is False and checks["floors.acute_care"]["miss"] == 3e6
    assert checks["floors.acute_care"]["owner"] == "County hospital"
    assert checks["family_floors.urgent_services"]["met"] is True
    assert all(c["met"] for c in constraint_checks(problem, portfolios["Status quo"]))


@pytest.mark.parametrize(("constraint", "limit", "words"), [
    ("floors.acute_care", 12e6, "At least 12.00 million for Acute care"),
    ("ceilings.humane_housing", 9.5e6, "At most 9.50 million for Humane housing"),
    ("locks.acute_care", 20e6, "Acute care kept at 20.00 million"),
    ("max_change.basic_needs", 4.5e6, "Basic needs for health and safety within the limit on change from the status quo (4.50 million at the edge)"),
    ("family_floors.vital_conditions", 40e6, "At least 40.00 million for vital conditions together"),
    ("something.else", 1.0, "something.else"),
])
def test_constraints_read_as_sentences_with_names(catalog, constraint, limit, words):
    from portfolio_engine.optimizer.wording import constraint_words

    assert constraint_words(catalog, constraint, limit, (1e6, "million")) == words
