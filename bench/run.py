"""Benchmarks for `make bench`: each figure is reported with a baseline measured in the same run.

- Engine: one portfolio over 20 years, and 1,000 portfolios in one call, against PySD running the
  exported XMILE on the same portfolios (PySD takes one portfolio per run; allocations are passed
  as run parameters, so the model is translated once).
- Allocate page: server CPU per slider change (AppTest reruns), against a one-slider page and against the page
  before issue 18 (bench/allocate_before.py) and the page with 13 Streamlit sliders (bench/allocate_sliders.py, before
  the allocation board); and on a real server over the websocket, against the same server with Streamlit's default
  post-run GC and against those two pages served the same way (all alternating). A dragged slider's positions are drawn
  in the browser and cost the server nothing; where it is let go is a move.
- The board's copy of the kernel in Chromium (bench/board_model.py), against the engine's compiled kernel.
- First load of Allocate and Vote in Chromium (bench/first_load.py): `make serve` as it is (its compressed static copy,
  Allocate's chart from ui/components/light_chart), and with the copy but the chart from st.plotly_chart, against
  `make serve` before both.
"""

import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from portfolio_engine.model.assumptions import default_assumptions  # noqa: E402
from portfolio_engine.model.catalog import load_catalog  # noqa: E402
from portfolio_engine.model.dynamics import build_model, simulate  # noqa: E402
from portfolio_engine.model.portfolio import load_status_quo  # noqa: E402
from portfolio_engine.model.xmile import to_xmile  # noqa: E402

YEARS = 20
ALLOCATE_BEFORE = ROOT / "bench" / "allocate_before.py"  # today's Allocate page before issue 18, the baseline for its figures
ALLOCATE_SLIDERS = ROOT / "bench" / "allocate_sliders.py"  # the page just before its sliders became one component (issue 18)
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


def model_revision_figures() -> list[tuple[str, float, str, float]]:
    """Issue 11's targets: one central run against the model before the revision (numpy, bench/before_revision.py);
    200 assumption draws and Allocate's band against one central run; the robust optimizer against the plain one."""
    import before_revision

    from portfolio_engine.model.dynamics import simulate_draws
    from portfolio_engine.model.uncertainty import band, draws
    from portfolio_engine.optimizer.constraints import problem_from_dict
    from portfolio_engine.optimizer.optimize import optimize

    catalog = load_catalog()
    status_quo = load_status_quo(catalog)
    assumptions = default_assumptions(catalog)
    model = build_model(catalog, status_quo, assumptions)
    old = before_revision.build_model(catalog, status_quo, assumptions)
    amounts = status_quo.vector(catalog) * np.random.default_rng(11).uniform(0.7, 1.3, len(catalog.ids))
    simulate(model, amounts, YEARS)  # compile (or load the compiled loop) before timing
    central = median_seconds(lambda: simulate(model, amounts, YEARS), 300)
    before = median_seconds(lambda: before_revision.simulate(old, amounts, YEARS), 300)
    ensemble = draws(model, 200)
    many = median_seconds(lambda: simulate_draws(model, ensemble, amounts, YEARS), 30)
    shown = median_seconds(lambda: band(model, amounts, YEARS, 100, outputs=("thriving", "suffering")), 30)
    document = {"budget": 100e6, "objective": {"thriving_at_year": 20}}
    plain = median_seconds(lambda: optimize(problem_from_dict(document)), 3)
    robust = median_seconds(lambda: optimize(problem_from_dict({**document, "robust": True})), 3)
    return [
        ("one portfolio, 20 years, central assumptions", central, "the model before issue 11 (numpy)", before),
        ("200 assumption draws of one portfolio, 20 years", many, "one central run", central),
        ("Allocate's band (100 draws, percentiles, share better)", shown, "one central run", central),
        ("optimize, robust objective (200 draws)", robust, "optimize, central assumptions", plain),
    ]


def optimizer_figures() -> list[tuple[str, float, str, float]]:
    """The issue's constraints with a 20-year horizon; baseline: SLSQP with scipy's own finite differences."""
    from scipy.optimize import minimize

    from portfolio_engine.optimizer.constraints import problem_from_dict
    from portfolio_engine.optimizer.optimize import _starts, frontier, optimize, scorer

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


def data_figures() -> list[tuple[str, float, str, float]]:
    """A seeded 1,000,000-row long file imported into a fresh database (its own process, to read its peak memory);
    baseline: pandas reading the same file with no checks and no database."""
    import json
    import os
    import subprocess

    import pandas as pd
    from big_indicators import write

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.csv"
        write(str(path), 1_000_000)
        env = {**os.environ, "PORTFOLIO_DB": str(Path(folder) / "bench.db"), "PORTFOLIO_MAX_UPLOAD_BYTES": str(path.stat().st_size)}
        result = json.loads(subprocess.run([sys.executable, str(ROOT / "bench" / "import_once.py"), str(path)], env=env,
                                           capture_output=True, text=True, check=True).stdout)
        start = time.perf_counter()
        pd.read_csv(path, dtype=str, keep_default_na=False)
        baseline = time.perf_counter() - start
    print(f"1,000,000-row import: {result['seconds'] / baseline:.1f}x pandas.read_csv of the same file (target: at most 3.5x; "
          f"{result['seconds']:.1f} s, {result['cpu_seconds']:.1f} s of CPU, against {baseline:.1f} s), "
          f"peak memory {result['peak_mib']:.0f} MiB (target: at most 1,024)", file=sys.stderr)
    return [("import 1,000,000 long rows (checks + SQLite)", result["seconds"], "pandas.read_csv alone", baseline)]


def data_page_figures() -> list[tuple[str, float, str, float]]:
    """Data page rerun after choosing another indicator, on the demo city; baseline: the one-slider page."""
    import os

    from streamlit.testing.v1 import AppTest

    from portfolio_engine.community.indicators import import_long
    from portfolio_engine.community.survey import import_survey
    from portfolio_engine.security.access import OPERATOR

    with tempfile.TemporaryDirectory() as folder:
        os.environ["PORTFOLIO_DB"] = str(Path(folder) / "data.db")
        catalog = load_catalog()
        import_long(catalog, ROOT / "portfolio_engine" / "data" / "demo_city" / "indicators.csv", grant=OPERATOR)
        import_survey(catalog, ROOT / "portfolio_engine" / "data" / "demo_city" / "survey.csv", "2024", "riverside", "Riverside", grant=OPERATOR)
        app = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60)
        app.run()
        choices = ["child_poverty", "hs_completion", "thriving_share", "park_access"] * 6
        cpu = []
        for indicator in choices:
            start = time.process_time()
            app.selectbox(key="data_indicator").set_value(indicator).run()
            cpu.append(time.process_time() - start)
        trivial = Path(folder) / "trivial.py"
        trivial.write_text(TRIVIAL_PAGE)
        baseline = page_cpu_per_change(trivial, "x", [8.0, 10.0, 12.0, 9.0] * 6)
    return [("Data page, CPU per indicator change", statistics.median(cpu), "one-slider page", baseline)]


def voting_figures() -> list[tuple[str, float, str, float]]:
    """MES with add1 on a generated city (64 projects, 6,586 voters, seeded), end to end through the command line,
    against pabutools' method_of_equal_shares(voter_budget_increment=1) call alone; Independent Markets on
    100,000 split ballots against the mean of the same ballots."""
    import subprocess

    import numpy as np
    from big_election import pabulib_text
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import method_of_equal_shares

    from portfolio_engine.voting.split_rules import aggregate

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "city.pb"
        path.write_text(pabulib_text(64, 6586, 4_000_000))
        start = time.perf_counter()
        ours = subprocess.run([sys.executable, "-m", "portfolio_engine", "pb", "--rule", "mes-add1", str(path)], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.splitlines()[:-1]
        command = time.perf_counter() - start
        instance, profile = parse_pabulib(str(path))
        start = time.perf_counter()
        theirs = method_of_equal_shares(instance, profile.as_multiprofile(), sat_class=Cost_Sat, voter_budget_increment=1)
        library = time.perf_counter() - start
    same = sorted(ours) == sorted(p.name for p in theirs)
    print(f"MES add1 winners identical to pabutools: {same}", file=sys.stderr)
    ballots = np.random.default_rng(5).dirichlet(np.ones(13), 100_000)
    markets = median_seconds(lambda: aggregate(ballots, "independent-markets", 1e8), 5)
    mean = median_seconds(lambda: aggregate(ballots, "mean", 1e8), 5)
    return [("MES add1, 64 projects x 6,586 voters (pb command, end to end)", command, "pabutools call alone", library),
            ("Independent Markets, 100,000 ballots x 13", markets, "mean of the same ballots", mean)]


def counting_figures() -> list[tuple[str, float, str, float]]:
    """Issue 14: a city's split vote (100,000 stored ballots, SQLite) read and counted with Independent Markets as results
    does it, against how results did it before (bench/big_election.count_before: row dictionaries, JSON per ballot, the
    matrix ballot by ballot, all n values compared at each bisection step); MES add1 on 100,000 voters and 60 projects."""
    import os
    import subprocess

    from big_election import count_before, pabulib_text, store_split_ballots

    from portfolio_engine import storage
    from portfolio_engine.security.access import OPERATOR
    from portfolio_engine.voting import ballot_table, votes

    catalog = load_catalog()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["PORTFOLIO_DB"] = str(Path(folder) / "city.db")
        vote = votes.create_vote(catalog, "City", "split", "independent-markets", 1e8, passcode="bench-passcode", grant=OPERATOR)
        votes.open_vote(vote.id, "bench-passcode")
        store_split_ballots(vote, catalog, 100_000)

        def now() -> dict:
            return votes.count(vote, ballot_table.read(vote, catalog).matrix(), catalog)

        def from_json() -> dict:  # the ballots' JSON lines parsed by Arrow: how counting read them before their numeric copies
            with storage.reading() as db:
                lines = storage.counted_ballot_lines(db, vote.id)
            return votes.count(vote, ballot_table.parse(vote, catalog, lines).matrix(), catalog)
        product, before, json_lines = median_seconds(now, 3), median_seconds(lambda: count_before(vote, catalog, vote.rule), 3), median_seconds(from_json, 3)
        same = np.allclose(list(now()["allocations"].values()), count_before(vote, catalog, vote.rule), rtol=1e-12, atol=1e-3)
        print(f"Independent Markets on 100,000 stored ballots, same result as before issue 14: {same}; "
              f"identical to the count from the JSON: {now() == from_json()}", file=sys.stderr)
        votes.close_vote(vote.id, "bench-passcode")  # closing seals the copies: a count then checks one tag instead of one per ballot
        sealed = median_seconds(now, 3)
        path = Path(folder) / "city.pb"
        mes = {}
        for projects, voters in ((60, 100_000), (64, 6_586)):
            path.write_text(pabulib_text(projects, voters, 4_000_000))
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "portfolio_engine", "pb", "--rule", "mes-add1", str(path)], cwd=ROOT, capture_output=True, check=True)
            mes[voters] = time.perf_counter() - start
    return [("Independent Markets, 100,000 stored split ballots read and counted", product, "the same before issue 14", before),
            ("the same from their numeric copies, vote open (a tag per ballot)", product, "the same from the ballots' JSON (Arrow)", json_lines),
            ("the same from their numeric copies, vote closed (one seal)", sealed, "the same from the ballots' JSON (Arrow)", json_lines),
            ("MES add1, 60 projects x 100,000 voters (pb command, end to end)", mes[100_000], "the same, 64 projects x 6,586 voters", mes[6_586])]


def submission_figures() -> list[tuple[str, float, str, float]]:
    """Ballots cast by 8 concurrent writer processes (800 ballots), seconds per ballot; baseline: one process."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from workers import cast_batch, plain_main

    from portfolio_engine.security.access import OPERATOR
    from portfolio_engine.voting import votes

    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "votes.db")
        os.environ["PORTFOLIO_DB"] = db
        catalog = load_catalog()
        vote = votes.create_vote(catalog, "Benchmark", "split", "mean", 100, passcode="bench-passcode", grant=OPERATOR)
        codes = votes.generate_codes(vote.id, 1000, "bench-passcode")
        votes.open_vote(vote.id, "bench-passcode")
        plain_main()
        with ProcessPoolExecutor(8, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(cast_batch, [db] * 8, [vote.id] * 8, [codes[n:8:8] for n in range(8)]))  # warm the workers' imports
            start = time.perf_counter()
            list(pool.map(cast_batch, [db] * 8, [vote.id] * 8, [codes[8 + n:808:8] for n in range(8)]))
            parallel = (time.perf_counter() - start) / 800
        start = time.perf_counter()
        cast_batch(db, vote.id, codes[808:1000])
        single = (time.perf_counter() - start) / 192
        stored = len(votes.current_ballots(vote.id))
    print(f"Ballots: {1 / parallel:.0f} per second with 8 writers; {stored} of 1,000 stored once each", file=sys.stderr)
    return [("ballot submission, 8 writer processes (per ballot)", parallel, "one writer process (per ballot)", single)]


def page_cpu_per_change(script: Path, key: str, values: list[float]) -> float:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(script), default_timeout=60)
    app.run()
    cpu = []
    for value in values:
        start = time.process_time()
        set_slider(app, key, value).run()
        cpu.append(time.process_time() - start)
    return statistics.median(cpu)


def set_slider(app, key: str, value: float):
    """An AppTest slider move: on the allocation board (one component) the board's message, else the Streamlit slider."""
    from loadtest.scenarios import BOARD, EVENTS

    if app.get("component_instance"):
        app.session_state[BOARD] = {"instance": "bench", "events": [[next(EVENTS), "amount", key.removeprefix("amount:"), value]]}
        return app
    return app.slider(key=key).set_value(value)


def page_figures() -> list[tuple[str, float, str, float]]:
    values = [8.0, 10.0, 12.0, 9.0, 7.0, 11.0] * 8
    with tempfile.TemporaryDirectory() as folder:
        trivial = Path(folder) / "trivial.py"
        trivial.write_text(TRIVIAL_PAGE)
        baseline = page_cpu_per_change(trivial, "x", values)
    allocate = page_cpu_per_change(ROOT / "pages" / "allocate.py", "amount:basic_needs", values)
    paired, sliders, before = paired_page_cpu([ROOT / "pages" / "allocate.py", ALLOCATE_SLIDERS, ALLOCATE_BEFORE], "amount:basic_needs", values)
    return [("Allocate page, CPU per slider change", allocate, "one-slider page", baseline),
            ("Allocate page, CPU per slider change (alternating)", paired, "the page before issue 18 (bench/allocate_before.py)", before),
            ("Allocate page, CPU per slider change (alternating)", paired, "the page with Streamlit sliders (bench/allocate_sliders.py)", sliders)]


def paired_page_cpu(scripts: list[Path], key: str, values: list[float]) -> list[float]:
    """CPU per slider change (AppTest reruns) for each page script, the changes alternating between them so a busy
    shared machine weighs on each alike; the median per script."""
    from streamlit.testing.v1 import AppTest

    apps = [AppTest.from_file(str(script), default_timeout=60) for script in scripts]
    for app in apps:
        app.run()
    cpu: list[list[float]] = [[] for _ in apps]
    for n, value in enumerate(values):
        order = list(zip(apps, cpu, strict=True))
        for app, found in order if n % 2 == 0 else reversed(order):
            start = time.process_time()
            set_slider(app, key, value).run()
            found.append(time.process_time() - start)
    return [statistics.median(found) for found in cpu]



@contextmanager
def served_page(script: Path, env: dict[str, str], folder: Path):
    """(url, pids) of one Streamlit process serving one page script on its own (same config as the app)."""
    import subprocess

    from serving.room import free_port, prepare, stop, wait_until_up

    prepare(env)
    port, log = free_port(), folder / f"{script.stem}.log"
    with open(log, "a") as out:
        process = subprocess.Popen([sys.executable, "-m", "ui.serve", "run", str(script), "--server.address", "127.0.0.1",
                                    "--server.port", str(port), "--server.headless", "true"], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/_stcore/health", process, log)
        yield url, [process.pid]
    finally:
        stop(process)


def server_cpu_per_move(extra_env: dict[str, str], moves: int = 60) -> float:
    """Server CPU per Allocate slider move over Streamlit's websocket, as a browser sends it (a real server)."""
    import asyncio
    import os

    from loadtest.__main__ import cpu_seconds, server
    from loadtest.protocol import Tab
    from loadtest.scenarios import move as slider_move

    async def move(url: str, pids: list[int]) -> float:
        tab = Tab(url)
        await tab.connect()
        await tab.open()
        await slider_move(tab, "basic_needs", 7.0)  # warm
        start = cpu_seconds(pids)
        for n in range(moves):
            await slider_move(tab, "basic_needs", 5.0 + n % 10)
        await tab.close()
        return (cpu_seconds(pids) - start) / moves

    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PORTFOLIO_DB": str(Path(folder) / "portfolio.db"), **extra_env}
        with server("single", 1, env, Path(folder)) as (url, pids, _):
            return asyncio.run(move(url, pids))


def paired_cpu_per_move(scripts: list[Path], rounds: int = 15, moves: int = 8) -> list[float]:
    """Server CPU per Allocate slider move for each page script, each served alone by its own Streamlit process, all at
    once: the rounds alternate between them, so a busy shared machine weighs on each alike; the median round per script."""
    import asyncio
    import os
    from contextlib import ExitStack

    from loadtest.__main__ import cpu_seconds
    from loadtest.protocol import Tab
    from loadtest.scenarios import move

    async def alternate(urls: list[str], pids: list[list[int]]) -> list[float]:
        tabs = [Tab(url) for url in urls]
        for tab in tabs:
            await tab.connect()
            await tab.open()
            await move(tab, "basic_needs", 7.0)  # warm
        per_round: list[list[float]] = [[] for _ in tabs]
        for n in range(rounds):
            for tab, own, found in (zip(tabs, pids, per_round, strict=True) if n % 2 == 0 else reversed(list(zip(tabs, pids, per_round, strict=True)))):
                start = cpu_seconds(own)
                for m in range(moves):
                    await move(tab, "basic_needs", 5.0 + (n * moves + m) % 10)
                found.append((cpu_seconds(own) - start) / moves)
        for tab in tabs:
            await tab.close()
        return [statistics.median(found) for found in per_round]

    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        env = {**os.environ, "PORTFOLIO_DB": str(Path(folder) / "portfolio.db")}
        served = [stack.enter_context(served_page(script, env, Path(folder))) for script in scripts]
        return asyncio.run(alternate([url for url, _ in served], [pids for _, pids in served]))


def server_figures() -> list[tuple[str, float, str, float]]:
    product = server_cpu_per_move({})
    baseline = server_cpu_per_move({"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"})
    allocate = ROOT / "pages" / "allocate.py"
    alone, sliders, before = paired_cpu_per_move([allocate, ALLOCATE_SLIDERS, ALLOCATE_BEFORE])
    return [("Allocate over the websocket, server CPU per slider move", product,
             "same page with Streamlit's default full GC after each run", baseline),
            ("Allocate page served alone, server CPU per slider move", alone, "the page before issue 18, served alone", before),
            ("Allocate page served alone, server CPU per slider move", alone, "the page with Streamlit sliders, served alone", sliders)]


def main() -> None:
    from board_model import board_model_figures
    from drafts_bench import draft_figures

    rows = (engine_figures() + model_revision_figures() + optimizer_figures() + page_figures() + server_figures() + data_figures() + data_page_figures()
            + voting_figures() + counting_figures() + submission_figures())
    rows += board_model_figures()  # issue 18: the browser projects a slider's position itself (bench/board_model.py)
    rows += draft_figures(set_slider)  # issue 16: a participant's draft for the Room page (bench/drafts_bench.py)
    print("| measure | this product | baseline (same run) | baseline time | ratio (baseline / product) |")
    print("|---|---|---|---|---|")
    for name, value, baseline_name, baseline in rows:
        print(f"| {name} | {value * 1000:.2f} ms | {baseline_name} | {baseline * 1000:.2f} ms | {baseline / value:.2f}x |")
    print()
    print(first_load_table())


def first_load_table() -> str:
    """Allocate's and Vote's first load in Chromium through `make serve`, each setup beside the room as it was before its
    compressed static copy (bench/first_load.py), in the same run: bytes transferred by kind and seconds to the first control."""
    import first_load

    return first_load.table(first_load.report())


if __name__ == "__main__":
    main()
