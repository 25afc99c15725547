"""Benchmarks for `make bench`: each figure is reported with a baseline measured in the same run.

- Engine: one portfolio over 20 years, and 1,000 portfolios in one call, against PySD running the
  exported XMILE on the same portfolios (PySD takes one portfolio per run; allocations are passed
  as run parameters, so the model is translated once).
- Allocate page: server CPU per slider change (AppTest reruns), against a one-slider page.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portfolio_engine.assumptions import default_assumptions  # noqa: E402
from portfolio_engine.catalog import load_catalog  # noqa: E402
from portfolio_engine.dynamics import build_model, simulate  # noqa: E402
from portfolio_engine.portfolio import load_status_quo  # noqa: E402
from portfolio_engine.xmile import to_xmile  # noqa: E402

YEARS = 20
TRIVIAL_PAGE = """
import streamlit as st
value = st.slider("x", 0.0, 100.0, 5.0, step=0.5, key="x")
st.write(value)
"""


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def portfolios(n: int, seed: int = 7) -> np.ndarray:
    catalog = load_catalog()
    base = load_status_quo(catalog).vector(catalog)
    return base * np.random.default_rng(seed).uniform(0.5, 1.5, (n, len(base)))


def engine_figures() -> list[tuple[str, float, str, float]]:
    import pysd

    catalog = load_catalog()
    status_quo = load_status_quo(catalog)
    model = build_model(catalog, status_quo, default_assumptions(catalog))
    many = portfolios(1000)
    single = median_seconds(lambda: simulate(model, status_quo.vector(catalog), YEARS), 300)
    batch = median_seconds(lambda: simulate(model, many, YEARS), 15)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.xmile"
        path.write_text(to_xmile(model, status_quo.vector(catalog), stop=YEARS))
        sd_model = pysd.read_xmile(str(path))
        timestamps = list(range(YEARS + 1))

        def pysd_run(row):
            params = {f"allocation_{i}": float(v) for i, v in zip(catalog.ids, row, strict=True)}
            return sd_model.run(params=params, return_timestamps=timestamps, return_columns=["Thriving"])

        pysd_single = median_seconds(lambda: pysd_run(status_quo.vector(catalog)), 30)
        start = time.perf_counter()
        results = [pysd_run(row) for row in many]
        pysd_batch = time.perf_counter() - start
    engine = simulate(model, many, YEARS).outputs["thriving"][:, 0, :]
    worst = max(np.abs(r["Thriving"].to_numpy() - engine[i]).max() for i, r in enumerate(results))
    print(f"PySD and engine agree on all 1,000 portfolios within {worst:.1e}", file=sys.stderr)
    return [
        ("one portfolio, 20 years", single, "PySD, same portfolio", pysd_single),
        ("1,000 portfolios, one call", batch, "PySD, 1,000 runs", pysd_batch),
    ]


def optimizer_figures() -> list[tuple[str, float, str, float]]:
    """The issue's constraints with a 20-year horizon; baseline: SLSQP with scipy's own finite differences."""
    from scipy.optimize import minimize

    from portfolio_engine.constraints import problem_from_dict
    from portfolio_engine.optimize import _starts, frontier, optimize, scorer

    document = {"budget": 100e6, "objective": {"thriving_at_year": 20}, "floors": {"acute_care": 15e6},
                "ceilings": {"public_safety": 20e6}, "family_floors": {"urgent_services": 45e6},
                "locks": {"humane_housing": 9e6}, "max_change": 0.25}
    problem = problem_from_dict(document)
    single = median_seconds(lambda: optimize(problem), 5)
    trace = median_seconds(lambda: frontier(problem, ("suffering_years", "thriving_at_year"), 15), 3)

    score = scorer(problem)
    budget = problem.budget
    start = _starts(problem, 1)[0] / budget

    def plain():  # one simulation per objective call; scipy perturbs each element in turn
        minimize(lambda y: -float(score(y * budget)[0]), start, method="SLSQP",
                 bounds=list(zip(problem.lower / budget, problem.upper / budget, strict=True)),
                 constraints=[{"type": "eq", "fun": lambda y: y.sum() - 1.0}], options={"maxiter": 200, "ftol": 1e-12})

    baseline = median_seconds(plain, 3)
    return [
        ("optimize, 13 elements, 20 years (4 starts)", single, "SLSQP, scipy finite differences, 1 start", baseline),
        ("frontier, 15 points", trace, "SLSQP, scipy finite differences, 1 start", baseline),
    ]


def page_cpu_per_change(script: Path, key: str, values: list[float]) -> float:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(script), default_timeout=60)
    app.run()
    cpu = []
    for value in values:
        start = time.process_time()
        app.slider(key=key).set_value(value).run()
        cpu.append(time.process_time() - start)
    return statistics.median(cpu)


def page_figures() -> list[tuple[str, float, str, float]]:
    values = [8.0, 10.0, 12.0, 9.0, 7.0, 11.0] * 8
    with tempfile.TemporaryDirectory() as folder:
        trivial = Path(folder) / "trivial.py"
        trivial.write_text(TRIVIAL_PAGE)
        baseline = page_cpu_per_change(trivial, "x", values)
    allocate = page_cpu_per_change(ROOT / "pages" / "allocate.py", "amount:basic_needs", values)
    return [("Allocate page, CPU per slider change", allocate, "one-slider page", baseline)]


def main() -> None:
    rows = engine_figures() + optimizer_figures() + page_figures()
    print("| measure | this product | baseline (same run) | baseline time | ratio (baseline / product) |")
    print("|---|---|---|---|---|")
    for name, value, baseline_name, baseline in rows:
        print(f"| {name} | {value * 1000:.2f} ms | {baseline_name} | {baseline * 1000:.2f} ms | {baseline / value:.2f}x |")


if __name__ == "__main__":
    main()
