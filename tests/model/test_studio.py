import pytest

from portfolio_engine.model.studio import compare_with_status_quo, display_unit


def test_comparison_of_the_status_quo_with_itself_is_zero(model, status_quo, catalog):
    comparison = compare_with_status_quo(model, status_quo.vector(catalog), 20)
    assert comparison.difference.drop(columns="year").abs().to_numpy().max() < 1e-12
    assert comparison.headline()["thriving_change"] == pytest.approx(0, abs=1e-12)


def test_headline_reports_the_chosen_and_realized_vital_share(model, catalog, shift):
    numbers = compare_with_status_quo(model, shift(0.1, "urgent_services", "vital_conditions").vector(catalog), 20).headline()
    assert numbers["chosen_vital_share"] == pytest.approx(0.45)
    assert numbers["realized_vital_share"] < 0.45
    assert numbers["thriving_change"] > 0 and numbers["years"] == 20


@pytest.mark.parametrize(("budget", "unit"), [(100e6, "million"), (250_000, "thousand"), (900, "")])
def test_display_unit_keeps_numbers_short(budget, unit):
    assert display_unit(budget)[1] == unit


def test_a_comparison_holds_read_only_columns_and_makes_its_tables_on_demand(model, catalog, shift):
    """Issue 18: a run shared between sessions (ui/opening.py) cannot be changed in place by one of them; the tables
    (pandas) are made only when asked for and hold the same numbers as the columns the page reads."""
    comparison = compare_with_status_quo(model, shift(0.1, "urgent_services", "vital_conditions").vector(catalog), 20)
    chosen, base = comparison.columns
    with pytest.raises(ValueError):
        base["thriving"][0] = 0.5
    with pytest.raises(ValueError):
        chosen["year"][0] = 7
    assert "chosen" not in vars(comparison), "no table until one is asked for"
    assert list(comparison.chosen["thriving"]) == list(chosen["thriving"]) and list(comparison.status_quo["year"]) == list(range(21))
    assert comparison.difference["thriving"].iloc[-1] == pytest.approx(chosen["thriving"][-1] - base["thriving"][-1])
