"""The last evening of a city-wide vote, at the engine: ballots arriving at a steady rate from several processes.

    python -m serving.city_vote --rate 30 --seconds 120 --workers 4                     # the SQLite file (a fresh one)
    python -m serving.city_vote --rate 30 --seconds 120 --database-url postgresql://...  # a PostgreSQL server (an empty database)
    python -m serving.city_vote --rate 30 --seconds 600 --earlier 82000 --ballot knapsack  # the last evening of 100,000 ballots

Ballots are split or knapsack ballots cast through `votes.cast`, as the Vote page casts them, on an open-loop schedule
(ballot n is due at n / rate seconds, and its time runs from then), so a slow database shows as growing submission times
rather than a lower rate. A ballot refused with the retry-able message (a database restarted or busy) is submitted again a second
later, as a resident presses Submit again, up to three times. `--earlier` first imports that many ballots of the days
before on paper (10,000 per import, each an audited entry as a cast ballot is), so the evening ends on a city's count.
The report gives p50/p95/p99 submission time, errors, ballots stored exactly once, receipts found, CPU of this machine,
then the time and peak memory of `python -m portfolio_engine vote results` on all stored ballots (every rule, the record
check included). It measures the storage and the engine without Streamlit's websocket in between (`make load` does).
"""

import argparse
import json
import multiprocessing
import os
import random
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

import psutil

ELEMENTS = ("humane_housing", "acute_care", "basic_needs", "lifelong_learning")
BUDGET = 100_000_000
TRIES = 4  # the first submission and three more after a retry-able refusal
EARLIER_BATCH = 10_000  # paper ballots per import


def projects(budget: float = BUDGET, count: int = 60) -> list[dict]:
    """A knapsack vote's projects: seeded costs from 0.5 to about 12 % of the budget, each under one of four elements."""
    rng = random.Random(7)
    return [{"id": f"p{n:02d}", "name": f"Project {n}", "cost": float(round(budget * rng.uniform(0.005, 0.12))),
             "element": ELEMENTS[n % 4]} for n in range(count)]


def ballot(kind: str, n: int, offered: list[dict], budget: float = BUDGET) -> dict:
    """Resident n's ballot: a split over two elements, or (knapsack) popular projects picked in turn while they fit the budget."""
    if kind == "split":
        share = 10 + (n * 7) % 80
        return {"allocations": {ELEMENTS[n % 4]: share, ELEMENTS[(n + 1) % 4]: 100 - share}}
    rng = random.Random(n)
    chosen, spent = [], 0.0
    for project in rng.choices(offered, weights=[1 / (1 + i) for i in range(len(offered))], k=rng.randint(1, 8)):
        if project["id"] not in chosen and spent + project["cost"] <= budget:
            chosen.append(project["id"])
            spent += project["cost"]
    return {"projects": chosen}


def _submit(catalog, vote_id: str, code: str, content: dict) -> tuple[str | None, str, int]:
    """Cast one ballot, again a second later after a retry-able refusal: (receipt or None, last error, tries)."""
    from portfolio_engine.errors import DatabaseBusy, PortfolioError
    from portfolio_engine.voting.votes import cast

    for tries in range(1, TRIES + 1):
        try:
            return cast(catalog, vote_id, code, content), "", tries
        except DatabaseBusy as err:
            error = str(err)[:120]
            time.sleep(1.0)
        except PortfolioError as err:
            return None, str(err)[:120], tries
    return None, error, TRIES


@contextmanager
def _bare_main() -> Iterator[None]:
    """Start processes without the caller's main script: a spawned process first re-runs it, and a caller that ran a
    Streamlit page (AppTest does) would have every casting process run that page, die and be started again forever."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _load_engine(pause: float) -> None:
    """A casting process's start: the engine and the catalog loaded before the first ballot is due (a task, not a pool
    initializer: a failure here reaches the caller instead of restarting the process forever)."""
    from portfolio_engine.model.catalog import load_catalog
    from portfolio_engine.voting import votes  # noqa: F401 - imported for its load time

    load_catalog()
    time.sleep(pause)  # holds this process, so the next task starts another one


def _cast_due(vote_id: str, kind: str, budget: float, numbers: list[int], codes: list[str], due: list[float]) -> list[tuple[float, str | None, str, int]]:
    """Cast each code's ballot at its due time (seconds on the monotonic clock): (seconds from the due time to the answer, receipt
    or None, error, tries). A process still busy with earlier ballots starts late, and the wait counts, as a queue would."""
    from portfolio_engine.model.catalog import load_catalog

    catalog = load_catalog()
    offered = projects(budget)
    done = []
    for n, code, when in zip(numbers, codes, due, strict=True):
        time.sleep(max(0.0, when - time.monotonic()))
        receipt, error, tries = _submit(catalog, vote_id, code, ballot(kind, n, offered, budget))
        done.append((time.monotonic() - when, receipt, error, tries))  # from when the resident pressed Submit: a late start counts
    return done


def _import_earlier(catalog, vote, passcode: str, count: int) -> float:
    """The days before the evening: `count` ballots imported on paper, EARLIER_BATCH per import; returns the seconds taken."""
    from portfolio_engine.voting import votes

    columns = vote.categories(catalog)
    offered = projects(vote.budget)
    started = time.perf_counter()
    for first in range(0, count, EARLIER_BATCH):
        lines = [",".join(["paper_id", *columns])]
        for n in range(first, min(count, first + EARLIER_BATCH)):
            content = ballot(vote.ballot, -1 - n, offered, vote.budget)  # numbers the evening's residents do not use
            cells = ([str(content["allocations"].get(c, 0)) for c in columns] if vote.ballot == "split"
                     else ["x" if c in content["projects"] else "" for c in columns])
            lines.append(",".join([f"paper-{n}", *cells]))
        votes.import_paper(catalog, vote.id, "\n".join(lines) + "\n", passcode)
    return time.perf_counter() - started


def vote_results(vote_id: str) -> dict:
    """`python -m portfolio_engine vote results` in its own process: seconds, peak memory, the rules counted, the record check."""
    started = time.perf_counter()
    with subprocess.Popen([sys.executable, "-m", "portfolio_engine", "vote", "results", "--vote", vote_id, "--format", "json"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        out, err = process.stdout.read(), process.stderr.read()  # type: ignore[union-attr]
        _, status, usage = os.wait4(process.pid, 0)  # this process's own resource use, peak memory included
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode:
        raise RuntimeError(f"vote results failed: {err.decode()[-500:]}")
    outcome = json.loads(out)
    return {"count_seconds": round(seconds, 2), "count_peak_rss_mib": round(usage.ru_maxrss / 1024), "count_ballots": outcome["turnout"]["ballots"],
            "count_record_ok": outcome["record"]["ok"], "count_rules": [outcome["result"].get("rule"), *outcome["other_rules"]],
            "count_no_result": sorted(r for r, o in [("frozen", outcome["result"]), *outcome["other_rules"].items()] if "no_result" in o)}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _server_cpu() -> float:
    """CPU seconds of the PostgreSQL server on this machine listening on DATABASE_URL's port, with its backends (0 for SQLite)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return 0.0
    port = f"-p {urlsplit(url).port or 5432}"
    for process in psutil.process_iter(["name", "cmdline"]):
        if (process.info["name"] or "").startswith("postgres") and port in " ".join(process.info["cmdline"] or []):
            with suppress(psutil.Error):
                return sum(sum(p.cpu_times()[:2]) for p in [process, *process.children(recursive=True)])
    return 0.0  # a server on another machine: measure it there


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def run(rate: float, seconds: float, workers: int, kind: str = "split", earlier: int = 0, budget: float = BUDGET) -> dict:
    """Set up an open vote with one code per evening ballot, import the earlier ballots, cast the evening's on schedule,
    check what was stored, count it all with `vote results`."""
    from portfolio_engine import storage
    from portfolio_engine.model.catalog import load_catalog
    from portfolio_engine.security.access import OPERATOR
    from portfolio_engine.voting import votes

    catalog = load_catalog()
    storage.migrate()
    passcode = secrets.token_urlsafe(12)
    rule = "mean" if kind == "split" else "mes-add1"
    vote = votes.create_vote(catalog, "City vote: the last evening", kind, rule, budget, passcode=passcode, grant=OPERATOR,
                             projects=projects(budget) if kind == "knapsack" else None)
    total = int(rate * seconds)
    codes = [c for start in range(0, total, 100_000) for c in votes.generate_codes(vote.id, min(100_000, total - start), passcode)]
    votes.open_vote(vote.id, passcode)
    earlier_seconds = _import_earlier(catalog, vote, passcode, earlier)
    app_before, server_before = _children_cpu(), _server_cpu()
    with _bare_main():
        pool = multiprocessing.get_context("spawn").Pool(workers)
    pool.map(_load_engine, [0.2] * workers * 2, chunksize=1)  # answered once the workers have started and loaded the engine
    start = time.monotonic() + 1.0
    print(f"The evening starts at {time.strftime('%H:%M:%S', time.localtime(time.time() + 1.0))}.", file=sys.stderr, flush=True)
    due = [start + n / rate for n in range(total)]
    numbers = list(range(total))
    parts = pool.starmap(_cast_due, [(vote.id, kind, budget, numbers[w::workers], codes[w::workers], due[w::workers]) for w in range(workers)])
    elapsed = time.monotonic() - start
    server_cpu = _server_cpu() - server_before  # while the workers' connections (server processes) still live
    pool.close()
    pool.join()  # waited for: their CPU time is now this process's children's
    app_cpu = _children_cpu() - app_before
    outcome = [item for part in parts for item in part]
    acknowledged = [receipt for _, receipt, _, _ in outcome if receipt]
    online = [b for b in votes.current_ballots(vote.id) if not b["paper"]]
    found = sum("This ballot is counted" in votes.check_receipt(vote.id, r) for r in acknowledged)
    times = [t for t, _, _, _ in outcome]
    return {
        "engine": storage.describe(), "ballot": kind, "rate": rate, "seconds": round(elapsed, 1), "ballots": total, "workers": workers,
        "earlier_paper_ballots": earlier, "earlier_import_seconds": round(earlier_seconds, 1),
        "p50_ms": round(percentile(times, 50) * 1000, 1), "p95_ms": round(percentile(times, 95) * 1000, 1),
        "p99_ms": round(percentile(times, 99) * 1000, 1), "mean_ms": round(statistics.fmean(times) * 1000, 1) if times else None,
        "errors": len(outcome) - len(acknowledged), "first_errors": sorted({e for _, _, e, _ in outcome if e})[:3],
        "submitted_again": sum(1 for *_, tries in outcome if tries > 1),
        "stored": len(online), "stored_once": len({b["code_hash"] for b in online}) == len(online) == len(acknowledged),
        "receipts_found": found, "app_cpu_cores": round(app_cpu / elapsed, 2), "database_server_cpu_cores": round(server_cpu / elapsed, 2),
        **vote_results(vote.id),
    }


def count_only(ballots: int) -> dict:
    """Seconds each split rule takes to count `ballots` synthetic split ballots (the count alone: no database, no record check)."""
    import random

    from portfolio_engine import storage
    from portfolio_engine.errors import PortfolioError
    from portfolio_engine.model.catalog import load_catalog
    from portfolio_engine.security.access import OPERATOR
    from portfolio_engine.voting import votes
    from portfolio_engine.voting.rules import names

    catalog = load_catalog()
    storage.migrate()
    vote = votes.create_vote(catalog, "Counting", "split", "mean", 100_000_000, passcode=secrets.token_urlsafe(12), grant=OPERATOR)
    elements = vote.categories(catalog)
    rng = random.Random(1)
    contents = []
    for _ in range(ballots):
        chosen = rng.sample(elements, rng.randint(len(elements) // 2, len(elements)))
        contents.append({"allocations": {e: 100 / len(chosen) for e in chosen}})
    seconds = {}
    for rule in names("split"):
        started = time.perf_counter()
        with suppress(PortfolioError):  # a rule that gives no allocation for these ballots has still counted them
            votes.count(vote, contents, catalog, rule)
        seconds[rule] = round(time.perf_counter() - started, 3)
    return {"ballots": ballots, "seconds_per_rule": seconds, "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m serving.city_vote", description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=30.0, help="ballots per second (default 30)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the peak lasts (default 60)")
    parser.add_argument("--workers", type=int, default=4, help="processes casting ballots, as app processes would (default 4)")
    parser.add_argument("--database-url", help="a PostgreSQL server's empty database (default: a fresh SQLite file)")
    parser.add_argument("--ballot", choices=["split", "knapsack"], default="split", help="the evening's ballots (default split)")
    parser.add_argument("--earlier", type=int, default=0, metavar="BALLOTS", help="ballots of the days before, imported on paper first (default 0)")
    parser.add_argument("--count-only", type=int, metavar="BALLOTS", help="only time counting this many synthetic split ballots with each rule")
    args = parser.parse_args(argv)
    if not (0 < args.rate <= 1000 and 0 < args.seconds <= 3600 and 1 <= args.workers <= 64 and args.earlier >= 0
            and args.rate * args.seconds + args.earlier <= 200_000):
        parser.error("rate 0-1000 per second, seconds 0-3600, workers 1-64, and at most 200,000 ballots with the earlier ones")
    with tempfile.TemporaryDirectory(prefix="portfolio-city-") as folder:
        os.environ["PORTFOLIO_DB"] = str(Path(folder) / "portfolio.db")
        os.environ["PORTFOLIO_SECRET"] = secrets.token_hex(16)  # the workers (spawned) read the same key
        os.environ.pop("DATABASE_URL", None)
        if args.database_url:
            os.environ["DATABASE_URL"] = args.database_url
        report = count_only(args.count_only) if args.count_only else run(args.rate, args.seconds, args.workers, args.ballot, args.earlier)
        print(json.dumps(report, indent=2))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
