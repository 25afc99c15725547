"""Milestones against the status quo: hand-made runs with known answers, and the shipped model."""

import numpy as np
import pandas as pd
import pytest

from portfolio_engine.i18n import gettext, number
from portfolio_engine.model.assumptions import default_assumptions
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.dynamics import build_model
from portfolio_engine.model.milestones import HEADLINES, Milestones, headline, headline_case, milestones
from portfolio_engine.model.portfolio import load_status_quo
from portfolio_engine.model.studio import compare_with_status_quo


def run(thriving, suffering, **extra) -> pd.DataFrame:
    return pd.DataFrame({"year": range(len(thriving)), "thriving": thriving, "suffering": suffering, **extra})


FLAT = run([0.5] * 6, [0.1] * 6)


def test_worse_before_better_has_the_peak_and_the_first_years():
    chosen = run([0.5, 0.5, 0.49, 0.51, 0.52, 0.53], [0.1, 0.11, 0.12, 0.1, 0.09, 0.08])
    m = milestones(chosen, FLAT)
    assert (m.thriving_above_year, m.suffering_below_year, m.extra_suffering_peak_year) == (3, 4, 2)
    assert m.extra_suffering_peak_points == pytest.approx(2.0)
    assert m.extra_suffering_share_years == pytest.approx(0.03)  # trapezoid over 0, .01, .02, 0: .005 + .015 + .01
    assert headline(m) == ("Worse before better: suffering peaks in year 2 at +2.00 points and falls below the status quo's in year 4; "
                           "thriving rises above the status quo's in year 3.")


def test_the_same_run_is_never_better_and_never_worse():
    m = milestones(FLAT, FLAT.copy())
    assert (m.thriving_above_year, m.suffering_below_year, m.extra_suffering_peak_year) == (None, None, None)
    assert m.extra_suffering_peak_points == m.extra_suffering_share_years == 0
    assert headline(m) == "Not better than the status quo within 5 years."


def test_better_from_the_start_and_better_and_worse():
    better = milestones(run([0.5, 0.5, 0.51, 0.52, 0.53, 0.54], [0.1, 0.09, 0.09, 0.08, 0.08, 0.08]), FLAT)
    assert headline(better) == "Better from the start: suffering falls below the status quo's in year 1; thriving rises above the status quo's in year 2."
    mixed = milestones(run([0.5, 0.51, 0.52, 0.53, 0.54, 0.55], [0.1, 0.1, 0.101, 0.1, 0.1, 0.1]), FLAT)
    assert headline(mixed) == ("Better and worse: thriving rises above the status quo's in year 1, but suffering peaks in year 2 at +0.10 points "
                               "and stays above the status quo's through year 5.")
    worse = milestones(run([0.5, 0.49, 0.49, 0.49, 0.49, 0.49], [0.1, 0.12, 0.1, 0.1, 0.1, 0.1]), FLAT)
    assert headline(worse) == "Not better than the status quo within 5 years: suffering peaks in year 1 at +2.00 points."


def reached(above: int | None, below: int | None, peak: int | None) -> Milestones:
    return Milestones(horizon=20, thriving_above_year=above, suffering_below_year=below, extra_suffering_peak_points=0.25 if peak else 0.0,
                      extra_suffering_peak_year=peak, extra_suffering_share_years=0.0)


@pytest.mark.parametrize(("above", "below", "peak", "case", "sentence"), [
    (None, None, None, "not_better", "Not better than the status quo within 20 years."),
    (None, None, 3, "not_better_peak", "Not better than the status quo within 20 years: suffering peaks in year 3 at +0.25 points."),
    (6, 4, None, "better_start", "Better from the start: suffering falls below the status quo's in year 4; thriving rises above the status quo's in year 6."),
    (None, 4, None, "better_start_suffering", "Better from the start: suffering falls below the status quo's in year 4."),
    (6, None, None, "better_start_thriving", "Better from the start: thriving rises above the status quo's in year 6."),
    (6, None, 3, "better_and_worse", "Better and worse: thriving rises above the status quo's in year 6, but suffering peaks in year 3 at +0.25 points "
                                     "and stays above the status quo's through year 20."),
    (None, 4, 3, "worse_before_better", "Worse before better: suffering peaks in year 3 at +0.25 points and falls below the status quo's in year 4."),
    (6, 4, 3, "worse_before_better_thriving", "Worse before better: suffering peaks in year 3 at +0.25 points and falls below the status quo's in year 4; "
                                              "thriving rises above the status quo's in year 6."),
])
def test_each_headline_is_one_whole_sentence(above, below, peak, case, sentence):
    m = reached(above, below, peak)
    assert headline_case(m) == case
    assert headline(m) == sentence


def test_the_headline_in_spanish_uses_its_words_and_decimal_comma():
    words = {case: gettext(text, "es") for case, text in HEADLINES.items()}
    assert all(words[case] != HEADLINES[case] for case in HEADLINES)  # every sentence is translated
    said = headline(reached(None, 4, 3), words, lambda v: ("+" if v > 0 else "") + number(v, "es", 2))
    assert "+0,25" in said and "año 3" in said and "año 4" in said, said


def test_people_figures_need_a_population_and_unmet_need_an_output():
    chosen = run([0.5] * 3, [0.1, 0.12, 0.1])
    base = run([0.5] * 3, [0.1] * 3)
    without = milestones(chosen, base).to_dict()
    assert not {"extra_suffering_peak_people", "extra_suffering_people_years", "unmet_need_total"} & set(without)
    m = milestones(chosen.assign(unmet_need=[0.0, 0.02, 0.02]), base.assign(unmet_need=[0.0, 0.01, 0.0]), population=10_000)
    assert m.extra_suffering_peak_people == pytest.approx(200)
    assert m.extra_suffering_people_years == pytest.approx(200)  # 0.02 share-years x 10,000 people
    assert m.unmet_need_total == pytest.approx(0.03)
    assert m.unmet_need_change == pytest.approx(0.02)


def test_shipped_model_ten_percent_from_urgent_to_vital_dips_then_gains():
    catalog = load_catalog()
    model = build_model(catalog, load_status_quo(catalog), default_assumptions(catalog))
    sq, budget = model.status_quo, model.status_quo.sum()
    shifted = sq - np.where(model.urgent, sq, 0) / sq[model.urgent].sum() * 0.1 * budget + np.where(model.vital, sq, 0) / sq[model.vital].sum() * 0.1 * budget
    comparison = compare_with_status_quo(model, shifted, 20)
    m = milestones(comparison.chosen, comparison.status_quo)
    assert m.extra_suffering_peak_year is not None and m.extra_suffering_peak_points > 0
    assert m.suffering_below_year is not None and m.suffering_below_year > m.extra_suffering_peak_year
    assert m.thriving_above_year is not None and m.horizon == 20
    assert headline(m).startswith("Worse before better: suffering peaks in year ")
    same = compare_with_status_quo(model, sq, 20)
    assert headline(milestones(same.chosen, same.status_quo)) == "Not better than the status quo within 20 years."
