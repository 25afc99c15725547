"""The optimizer's numbers in words (issue 16, fix 7): objectives in their own units, changes as percentages."""

import pytest

from portfolio_engine.optimizer.reading import relative, term_sentence, value_words

MILLION = (1e6, "million")


@pytest.mark.parametrize(("label", "value", "base", "words"), [
    ("thriving_at_year (20 years)", 0.5628, 0.5261, "More people thriving at the horizon (year 20): 56.3% (status quo 52.6%)"),
    ("suffering_years (10 years)", 0.3612, 0.36, "Fewer people-years of suffering (over 10 years): 36.12 person-years per 100 residents (status quo 36.00 "),
    ("urgent_cost (20 years)", 1.19e9, 1.2e9, "(over 20 years): 1,190.0 million (status quo 1,200.0 million)"),
])
def test_each_objective_reads_in_its_own_unit(label, value, base, words):
    assert words in term_sentence(label, value, base, MILLION)
    assert "_" not in term_sentence(label, value, base, MILLION).split(":")[0], "no ids where people read"


def test_the_combined_objective_reads_as_an_average_relative_change():
    assert relative(0.0709, 1.0) == "+7.09%"
    assert relative(-0.03, 3.0) == "-1.00%"
    assert value_words("equity", 0.4, MILLION) == "40.0%"
