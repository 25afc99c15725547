"""The board's copy of the kernel in Chromium (ui/components/allocation_board/frontend/model.js) against the engine's
compiled kernel on the same tables: what a slider's position costs the browser, which now projects it itself."""

import json
import time
from pathlib import Path

import numpy as np

from portfolio_engine.model.assumptions import default_assumptions
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.dynamics import build_model, simulate
from portfolio_engine.model.portable import portable
from portfolio_engine.model.portfolio import load_status_quo
from portfolio_engine.model.uncertainty import band

MODEL_JS = Path(__file__).parents[1] / "ui" / "components" / "allocation_board" / "frontend" / "model.js"
CHROMIUM = "/usr/bin/chromium"
ROUNDS = 200
# In the browser: the mean time of a call over `rounds` mixes, after a few to warm the JIT.
TIMED = """([tables, amounts, rounds, draws]) => {
  const call = (k) => { const x = amounts.map((v) => v * (1 + k * 1e-3));
    return draws ? portfolioModel.band(tables, x, 20) : portfolioModel.simulate(tables, x, 20); };
  for (let k = 0; k < 10; k++) call(k);
  const started = performance.now();
  for (let k = 0; k < rounds; k++) call(k);
  return (performance.now() - started) / rounds / 1000;
}"""


def _engine(call, rounds: int) -> float:
    call(0)
    started = time.process_time()
    for k in range(rounds):
        call(k)
    return (time.process_time() - started) / rounds


def board_model_figures() -> list[tuple[str, float, str, float]]:
    from playwright.sync_api import sync_playwright

    catalog = load_catalog()
    model = build_model(catalog, load_status_quo(catalog), default_assumptions(catalog))
    amounts = model.status_quo * np.linspace(0.8, 1.2, len(model.status_quo))
    tables = json.loads(json.dumps(portable(model, 100)))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.set_content("<!doctype html><title>model</title>")
        page.add_script_tag(path=str(MODEL_JS))
        run_js = page.evaluate(TIMED, [tables, amounts.tolist(), ROUNDS, 0])
        band_js = page.evaluate(TIMED, [tables, amounts.tolist(), ROUNDS // 10, 100])
        browser.close()
    run_py = _engine(lambda k: simulate(model, amounts * (1 + k * 1e-3), 20), ROUNDS)
    band_py = _engine(lambda k: band(model, amounts * (1 + k * 1e-3), 20, 100, outputs=("thriving", "suffering")), ROUNDS // 10)
    return [("Board's kernel in Chromium: one 20-year run (a dragged slider's position)", run_js, "engine's compiled run, CPU", run_py),
            ("Board's kernel in Chromium: band of 100 draws", band_js, "engine's compiled band, CPU", band_py)]
