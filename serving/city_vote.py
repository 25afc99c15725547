"""The last evening of a city-wide vote, at the engine: ballots arriving at a steady rate from several processes.

    python -m serving.city_vote --rate 30 --seconds 120 --workers 4                     # the SQLite file (a fresh one)
    python -m serving.city_vote --rate 30 --seconds 120 --database-url postgresql://...  # a PostgreSQL server (an empty database)

Ballots are split ballots cast through `votes.cast`, as the Vote page casts them, on an open-loop schedule (ballot n is
due at n / rate seconds, late or not), so a slow database shows as growing submission times rather than a lower rate.
The report gives p50/p95/p99 submission time, errors, ballots stored exactly once, receipts found, CPU of this machine,
then the time and memory to count the stored ballots with every rule (`results`). It measures the storage and the
engine without Streamlit's websocket in between (`make load` measures that, on one machine).
"""

import argparse
import json
import multiprocessing
import os
import resource
import secrets
import statistics
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlsplit

import psutil

ELEMENTS = ("humane_housing", "acute_care", "basic_needs", "lifelong_learning")


def _cast_due(vote_id: str, codes: list[str], due: list[float]) -> list[tuple[float, str | None, str]]:
    """Cast each code's ballot at its due time (seconds on the monotonic clock): (seconds taken, receipt or None, error)."""
    from portfolio_engine.errors import PortfolioError
    from portfolio_engine.model.catalog import load_catalog
    from portfolio_engine.voting.votes import cast

    catalog = load_catalog()
    done = []
    for n, (code, when) in enumerate(zip(codes, due, strict=True)):
        time.sleep(max(0.0, when - time.monotonic()))
        share = 10 + (n * 7) % 80
        started = time.perf_counter()
        try:
            receipt = cast(catalog, vote_id, code, {"allocations": {ELEMENTS[n % 4]: share, ELEMENTS[(n + 1) % 4]: 100 - share}})
            done.append((time.perf_counter() - started, receipt, ""))
        except PortfolioError as err:
            done.append((time.perf_counter() - started, None, str(err)[:120]))
    return done


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


def run(rate: float, seconds: float, workers: int) -> dict:
    """Set up an open vote with one code per ballot, cast them on schedule, check what was stored, count it."""
    from portfolio_engine import storage
    from portfolio_engine.model.catalog import load_catalog
    from portfolio_engine.security.access import OPERATOR
    from portfolio_engine.voting import votes
    from portfolio_engine.voting.results import results

    catalog = load_catalog()
    storage.migrate()
    passcode = secrets.token_urlsafe(12)
    vote = votes.create_vote(catalog, "City vote: the last evening", "split", "mean", 100_000_000, passcode=passcode, grant=OPERATOR)
    total = int(rate * seconds)
    codes = [c for start in range(0, total, 100_000) for c in votes.generate_codes(vote.id, min(100_000, total - start), passcode)]
    votes.open_vote(vote.id, passcode)
    start = time.monotonic() + 5.0  # the workers have started and loaded the engine by then
    due = [start + n / rate for n in range(total)]
    app_before, server_before = _children_cpu(), _server_cpu()
    pool = multiprocessing.get_context("spawn").Pool(workers)
    parts = pool.starmap(_cast_due, [(vote.id, codes[w::workers], due[w::workers]) for w in range(workers)])
    elapsed = time.monotonic() - start
    server_cpu = _server_cpu() - server_before  # while the workers' connections (server processes) still live
    pool.close()
    pool.join()  # waited for: their CPU time is now this process's children's
    app_cpu = _children_cpu() - app_before
    outcome = [item for part in parts for item in part]
    acknowledged = [receipt for _, receipt, _ in outcome if receipt]
    stored = votes.current_ballots(vote.id)
    found = sum("This ballot is counted" in votes.check_receipt(vote.id, r) for r in acknowledged)
    times = [t for t, _, _ in outcome]
    counted = time.perf_counter()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    counting = results(vote.id, catalog)
    count_seconds = time.perf_counter() - counted
    return {
        "engine": storage.describe(), "rate": rate, "seconds": round(elapsed, 1), "ballots": total, "workers": workers,
        "p50_ms": round(percentile(times, 50) * 1000, 1), "p95_ms": round(percentile(times, 95) * 1000, 1),
        "p99_ms": round(percentile(times, 99) * 1000, 1), "mean_ms": round(statistics.fmean(times) * 1000, 1) if times else None,
        "errors": len(outcome) - len(acknowledged), "first_errors": sorted({e for _, _, e in outcome if e})[:3],
        "stored": len(stored), "stored_once": len({b["code_hash"] for b in stored}) == len(stored) == len(acknowledged),
        "receipts_found": found, "app_cpu_cores": round(app_cpu / elapsed, 2), "database_server_cpu_cores": round(server_cpu / elapsed, 2),
        "count_seconds": round(count_seconds, 2), "count_rules": [counting["result"].get("rule"), *counting["other_rules"]],
        "count_peak_rss_mib": round(max(rss_before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024),
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
    parser.add_argument("--count-only", type=int, metavar="BALLOTS", help="only time counting this many synthetic split ballots with each rule")
    args = parser.parse_args(argv)
    if not (0 < args.rate <= 1000 and 0 < args.seconds <= 3600 and 1 <= args.workers <= 64 and args.rate * args.seconds <= 200_000):
        parser.error("rate 0-1000 per second, seconds 0-3600, workers 1-64, and at most 200,000 ballots")
    with tempfile.TemporaryDirectory(prefix="portfolio-city-") as folder:
        os.environ["PORTFOLIO_DB"] = str(Path(folder) / "portfolio.db")
        os.environ["PORTFOLIO_SECRET"] = secrets.token_hex(16)  # the workers (spawned) read the same key
        os.environ.pop("DATABASE_URL", None)
        if args.database_url:
            os.environ["DATABASE_URL"] = args.database_url
        report = count_only(args.count_only) if args.count_only else run(args.rate, args.seconds, args.workers)
        print(json.dumps(report, indent=2))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
