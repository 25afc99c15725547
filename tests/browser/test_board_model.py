"""The browser's copy of the kernel (allocation_board/frontend/model.js) gives the engine's numbers, in Chromium.

The board runs it on every slider position, so any drift between the two copies would show a room a projection the
engine would not make. Each case runs the same tables through both and compares every output, every year."""

import json
from pathlib import Path

import numpy as np
import pytest

from portfolio_engine.model.assumptions import default_assumptions
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.dynamics import OUTPUTS, Start, build_model, simulate
from portfolio_engine.model.portable import portable
from portfolio_engine.model.portfolio import load_status_quo, rebalance
from portfolio_engine.model.uncertainty import band

MODEL_JS = Path(__file__).parents[2] / "ui" / "components" / "allocation_board" / "frontend" / "model.js"
DRAWS = 24
TOLERANCE = 1e-10  # the same operations in the same order; only pow's last bit may differ between the two libraries


@pytest.fixture(scope="module")
def model():
    catalog = load_catalog()
    return build_model(catalog, load_status_quo(catalog), default_assumptions(catalog))


@pytest.fixture(scope="module")
def page(browser):
    page = browser.new_page()
    page.set_content("<!doctype html><title>model</title>")
    page.add_script_tag(path=str(MODEL_JS))
    yield page
    page.close()


def mixes(model) -> list[np.ndarray]:
    """The status quo, random mixes of the same budget, a mix with no urgent services and one with nothing at all."""
    rng = np.random.default_rng(7)
    budget = model.status_quo.sum()
    shares = rng.dirichlet(np.ones(len(model.status_quo)), size=3)
    no_urgent = np.where(model.urgent, 0.0, model.status_quo) * 1.3
    return [model.status_quo, *(shares * budget), no_urgent, np.zeros(len(model.status_quo))]


def in_browser(page, tables: dict, amounts: np.ndarray, years: int) -> dict:
    return page.evaluate("([tables, amounts, years]) => ({run: portfolioModel.simulate(tables, amounts, years),"
                         " band: portfolioModel.band(tables, amounts, years)})", [tables, amounts.tolist(), years])


def assert_same(browser_run: dict, engine_run: dict) -> None:
    for name in ("year", *OUTPUTS):
        np.testing.assert_allclose(browser_run[name], engine_run[name], rtol=TOLERANCE, atol=TOLERANCE, err_msg=name)


@pytest.mark.parametrize("years", [10, 20])
def test_runs_and_bands_match_the_engine_from_the_equilibrium(page, model, years):
    tables = json.loads(json.dumps(portable(model, DRAWS)))  # as the page receives them
    for amounts in mixes(model):
        found = in_browser(page, tables, amounts, years)
        assert_same(found["run"], simulate(model, amounts, years).columns(0))
        expected = band(model, amounts, years, DRAWS, outputs=("thriving", "suffering"))
        assert_same_band(found["band"], expected)


@pytest.mark.parametrize("anchored", [False, True])
def test_runs_and_bands_match_the_engine_from_a_city_start(page, model, anchored):
    start = Start(("city", "other"), np.array([0.41, 0.5]), np.array([0.52, 0.45]), np.array([0.07, 0.05]), np.array([0.85, 1.1]),
                  np.array([1000.0, 3000.0]), anchored=anchored)
    tables = json.loads(json.dumps(portable(model, DRAWS, start=start)))
    for amounts in mixes(model)[:3]:
        found = in_browser(page, tables, amounts, 15)
        assert_same(found["run"], simulate(model, amounts, 15, start).columns(0))
        assert_same_band(found["band"], band(model, amounts, 15, DRAWS, start=start, outputs=("thriving", "suffering")))


def assert_same_band(found: dict, expected) -> None:
    assert found["draws"] == expected.draws and found["seed"] == expected.seed
    assert found["share_better"] == pytest.approx(expected.share_better)
    for name in expected.table.columns:
        np.testing.assert_allclose(found["table"][name], expected.table[name], rtol=TOLERANCE, atol=TOLERANCE, err_msg=name)


def test_keep_the_total_matches_the_engine(page, model):
    ids = list(model.catalog.ids)
    amounts = dict(zip(ids, (model.status_quo / 1e6).tolist(), strict=True))
    budget = sum(amounts.values())
    cases = [(ids[0], 40.0, []), (ids[3], 0.0, [ids[1], ids[2]]), (ids[5], budget * 2, ids[6:]), (ids[7], 3.0, [i for i in ids if i != ids[7]])]
    for changed, value, locked in cases:
        moved = {**amounts, changed: value}
        found = page.evaluate("([a, c, b, l]) => portfolioModel.rebalance(a, c, b, new Set(l))", [moved, changed, budget, locked])
        assert found == pytest.approx(rebalance(moved, changed, budget, set(locked)))


def test_tables_of_another_layout_are_refused(page, model):
    tables = {**json.loads(json.dumps(portable(model, 0))), "version": 99}
    with pytest.raises(Exception, match="version 99"):
        page.evaluate("([t, a]) => portfolioModel.simulate(t, a, 5)", [tables, model.status_quo.tolist()])
