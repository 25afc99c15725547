"""Uncertainty draws (issue 11, item 6) and reference behaviour G: the status quo's band is a point, bands widen with time."""

import numpy as np
import pytest

from portfolio_engine.errors import InvalidAmount, InvalidAssumptions
from portfolio_engine.model.assumptions import with_overrides
from portfolio_engine.model.dynamics import build_model
from portfolio_engine.model.uncertainty import band, draws

SMALL = 64  # enough draws for the properties below, few enough to keep the suite fast


def test_g_the_status_quo_band_is_a_point(model):
    result = band(model, model.status_quo, 20, SMALL)
    changes = result.table.filter(like="_change_p")
    assert (changes.abs().to_numpy() < 1e-6).all()
    assert result.share_better == 0.0


def test_g_bands_widen_with_the_horizon(model, shift, catalog):
    table = band(model, shift(0.10, "urgent_services", "vital_conditions").vector(catalog), 20, SMALL).table
    width = (table["thriving_change_p90"] - table["thriving_change_p10"]).to_numpy()
    assert width[1] < width[5] < width[10] < width[20]


def test_draws_vary_the_levels_and_are_reproducible(model, shift, catalog):
    amounts = shift(0.10, "urgent_services", "vital_conditions").vector(catalog)
    first, again = band(model, amounts, 10, SMALL, seed=3), band(model, amounts, 10, SMALL, seed=3)
    assert first.table.equals(again.table)
    assert (first.table["thriving_p90"] - first.table["thriving_p10"] > 0.01).all()
    other = band(model, amounts, 10, SMALL, seed=4).table
    assert not np.allclose(other["thriving_change_p50"], first.table["thriving_change_p50"])


def test_share_better_counts_draws_that_beat_the_status_quo(model, shift, catalog):
    better = band(model, shift(0.10, "urgent_services", "vital_conditions").vector(catalog), 20, SMALL).share_better
    worse = band(model, shift(0.10, "vital_conditions", "urgent_services").vector(catalog), 20, SMALL).share_better
    assert better > 0.8 and worse < 0.2


def test_every_draw_stays_inside_the_ranges(model, assumptions):
    ensemble = draws(model, SMALL)
    assert ensemble.size == SMALL
    low, high = assumptions.ranges["substitution_elasticity"]
    rho = ensemble.params[:, 11]  # kernel.RHO
    assert (rho >= 1 - 1 / low - 1e-12).all() and (rho <= 1 - 1 / high + 1e-12).all()
    assert rho.std() > 0


def test_every_constant_but_the_time_step_has_a_range(assumptions):
    assert set(assumptions.ranges) == set(assumptions.constants) - {"dt"}
    assert set(assumptions.element_ranges) == {"delay_years", "lift", "steady", "prevent", "restore"}


@pytest.mark.parametrize("count", [0, -5, 10_001])
def test_draws_out_of_range_are_refused(model, count):
    with pytest.raises(InvalidAmount, match="draws"):
        band(model, model.status_quo, 5, count)


@pytest.mark.parametrize(("override", "message"), [
    ({"constants": {"slip_rate": {"low": 0.2, "high": 0.1}}}, "slip_rate.*above high"),
    ({"constants": {"slip_rate": {"low": 0.2, "high": 0.3}}}, "slip_rate.*outside its range"),
    ({"constants": {"dt": {"low": 0.1, "high": 0.5}}}, "dt.*no range"),
    ({"element_ranges": {"lift": {"low": 1.2, "high": 0.8}}}, "lift.*above high"),
    ({"element_ranges": {"speed": {"low": 0.5, "high": 2}}}, "speed.*unknown field"),
])
def test_bad_ranges_are_refused_naming_the_field(catalog, assumptions, override, message):
    with pytest.raises(InvalidAssumptions, match=message):
        with_overrides(assumptions, catalog, override)


def test_narrower_ranges_give_a_narrower_band(catalog, status_quo, assumptions, shift):
    narrow = {"constants": {k: {"low": v, "high": v} for k, v in assumptions.constants.items() if k != "dt"},
              "element_ranges": {f: {"low": 1.0, "high": 1.0} for f in assumptions.element_ranges}}
    model = build_model(catalog, status_quo, with_overrides(assumptions, catalog, narrow))
    table = band(model, shift(0.10, "urgent_services", "vital_conditions").vector(catalog), 10, 8).table
    assert np.allclose(table["thriving_p10"], table["thriving_p90"])


def test_draws_split_across_threads_give_the_same_numbers_when_sessions_run_at_once(model, shift, catalog):
    """Many rows run on several threads (dynamics._integrate); several sessions at once must not disturb each other."""
    from concurrent.futures import ThreadPoolExecutor

    from portfolio_engine.model.dynamics import ROWS_PER_THREAD, Ensemble, _run

    amounts = np.atleast_2d(shift(0.10, "urgent_services", "vital_conditions").vector(catalog))
    count = 2 * ROWS_PER_THREAD  # the whole run is split, its pieces of 16 are not
    ensemble = draws(model, count)
    split = _run(model, amounts, 10, None, ensemble)
    serial = np.concatenate([_run(model, amounts, 10, None, Ensemble(*(part[a:a + 16] for part in
                             (ensemble.params, ensemble.weights, ensemble.gain, ensemble.equilibria))))
                             for a in range(0, count, 16)], axis=3)
    assert np.array_equal(split, serial)
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda _: _run(model, amounts, 10, None, ensemble), range(4)))
    assert all(np.array_equal(split, other) for other in together)
