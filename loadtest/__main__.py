"""`make load`: a room of participants and a wave of residents against one Streamlit process and
against `make serve` (several processes behind nginx), side by side, on loopback only.

Each setup gets its own temporary database with an open vote and one voter code per resident.
Participants open Allocate and move a slider every 5 to 10 seconds; residents arrive spread over
the window, type their code, tick projects and submit: after the room phase by default, during it
in the `evening` scenarios (participants arriving over 10 s, residents voting while the room moves). The report gives latencies, reruns per
second, server CPU and memory per session, errors and crossed results, and checks every ballot
was stored exactly once.
"""

import argparse
import asyncio
import json
import os
import resource
import secrets
import statistics
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import psutil

from portfolio_engine import storage
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.portfolio import load_status_quo
from portfolio_engine.record.proposals import list_proposals
from portfolio_engine.record.workshops import Workshop, create_workshop
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting.votes import check_receipt, create_vote, generate_codes, open_vote
from serving.room import free_port, serve_room, start_streamlit, stop, wait_until_up

from .protocol import Tab
from .scenarios import Expected, RoomTally, Tally, participant, resident

PROJECTS = [  # a small participatory budget: costed projects tied to portfolio elements
    ("p1", "Bus shelters on the east side", 120_000, "reliable_transportation"),
    ("p2", "Tenant legal help desk", 200_000, "humane_housing"),
    ("p3", "Youth summer jobs", 250_000, "meaningful_work"),
    ("p4", "Library evening hours", 90_000, "lifelong_learning"),
    ("p5", "Community fridge network", 60_000, "basic_needs"),
    ("p6", "Neighborhood festival fund", 40_000, "belonging_civic_muscle"),
    ("p7", "Tree planting on heat islands", 150_000, "stable_environment"),
]
MODES = {  # name: (several processes behind nginx?, extra environment)
    "single": (False, {}),
    "room": (True, {}),
    # Baseline: one process with Streamlit's default full garbage collection after every run (see .streamlit/config.toml).
    "single-gc": (False, {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"}),
    # Two app hosts (127.0.0.2 and 127.0.0.3, half the workers each) behind one nginx, sharing the PostgreSQL server of --database-url.
    "hosts": (True, {}),
}
HOSTS = ["127.0.0.2", "127.0.0.3"]
LIMITS = {"users": 1000, "residents": 2000, "seconds": 1800, "window": 1800}
DEFAULTS = {"users": 150, "ramp": 30.0, "residents": 300, "window": 300.0, "together": False}
SCENARIOS = {  # name: what it changes from DEFAULTS; options given on the command line still win
    "default": {},
    # A harsher evening: everyone arrives within 10 s and residents vote while the room moves its sliders.
    "evening": {"ramp": 10.0, "residents": 150, "window": 50.0, "together": True},
    "evening-300": {"users": 300, "ramp": 10.0, "residents": 300, "window": 50.0, "together": True},
    # The last evening of a city vote through the Vote page: residents only, 5 arriving per second for a minute (what 2 cores carry).
    "city-evening": {"users": 0, "residents": 300, "window": 60.0},
}


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def processes(pids: list[int]) -> list[psutil.Process]:
    found = [psutil.Process(p) for p in pids]
    return found + [c for p in found for c in p.children(recursive=True)]


def cpu_seconds(pids: list[int]) -> float:
    return sum(sum(p.cpu_times()[:2]) for p in processes(pids))


def rss(pids: list[int]) -> int:
    return sum(p.memory_info().rss for p in processes(pids))


def prepare_workshop(db: Path | None) -> Workshop:
    """An open workshop that participants join by its code, in this setup's own database."""
    storage.migrate(db)
    catalog = load_catalog()
    return create_workshop(catalog, "Load test room", 100_000_000, secrets.token_urlsafe(12), load_status_quo(catalog), path=db,
                           grant=OPERATOR)[0]


def prepare_vote(db: Path | None, residents: int) -> tuple[str, list[str]]:
    """An open approval vote with one voter code per resident, in this setup's own database."""
    passcode = secrets.token_urlsafe(12)
    storage.migrate(db)
    projects = [{"id": i, "name": n, "cost": float(c), "element": e} for i, n, c, e in PROJECTS]
    vote = create_vote(load_catalog(), "Load test: neighborhood projects", "approval", "mes", 500_000, passcode=passcode, grant=OPERATOR,
                       projects=projects, allow_revote=False, path=db)
    open_vote(vote.id, passcode, db)
    return vote.id, generate_codes(vote.id, residents, passcode, db)


@contextmanager
def server(mode: str, workers: int, env: dict[str, str], folder: Path):
    """(url, pids, backend urls) of one Streamlit process, or of a room of `workers` processes behind nginx."""
    if not MODES[mode][0]:
        port = free_port()
        log = folder / "streamlit.log"
        process = start_streamlit(port, env, log)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(f"{url}/_stcore/health", process, log)
            yield url, [process.pid], [url]
        finally:
            stop(process)
    else:
        hosts = HOSTS if mode == "hosts" else None
        with serve_room("127.0.0.1", free_port(), max(1, workers // len(hosts)) if hosts else workers, env, folder / "room", app_hosts=hosts) as room:
            yield room.url, room.pids, [f"http://{b}" for b in room.backends]


def summary(tally: Tally) -> dict:
    values = tally.latencies
    return {"count": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95), "p99": percentile(values, 99),
            "errors": len(tally.errors), "crossed": tally.crossed, "first_errors": tally.errors[:5]}


async def warm_up(backends: list[str], vote_id: str) -> None:
    """Open Allocate and Vote once on every process, so memory per session does not count the first run's imports."""
    for url in backends:
        tab = Tab(url)
        await tab.connect()
        await tab.open()
        if vote_id:
            await tab.open("vote", f"vote={vote_id}")
        await tab.close()


async def room_phase(url: str, pids: list[int], args: argparse.Namespace, db: Path | None, workshop: Workshop) -> dict:
    users, think, ramp = args.users, tuple(args.think), args.ramp
    engine = Expected()
    tally = RoomTally()
    moves = tally.moves
    memory_before = rss(pids)
    until = time.monotonic() + ramp + args.seconds
    every = max(1, users // args.proposers) if args.proposers else 0  # which participants join and save a proposal

    async def delayed(n: int) -> None:
        await asyncio.sleep(ramp * n / users)
        joins = every and n % every == 0 and n // every < args.proposers
        await participant(url, n, until, think, engine, tally, workshop.join_code if joins else None)

    tasks = [asyncio.create_task(delayed(n)) for n in range(users)]
    await asyncio.sleep(ramp + min(think[0], args.seconds))  # everyone has loaded: memory per session
    memory_after = rss(pids)
    cpu_start, moves_start, measured_from = cpu_seconds(pids), len(moves.latencies), time.monotonic()
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - measured_from
    titles = Counter(p["title"] for p in list_proposals(workshop.id, db))
    return {
        "users": users, "moves": summary(moves), "page_loads": summary(tally.loads),
        "proposals": {**summary(tally.proposals), "confirmed": len(tally.saved), "stored": sum(titles[t] > 0 for t in tally.saved),
                      "stored_more_than_once": sum(n > 1 for n in titles.values())},
        "reruns_per_second": (len(moves.latencies) - moves_start) / elapsed,
        "server_cpu_cores": (cpu_seconds(pids) - cpu_start) / elapsed,
        "memory_per_session_mib": (memory_after - memory_before) / users / 2**20,
        "server_memory_mib": memory_after / 2**20,
    }


@contextmanager
def shared_server(mode: str, database_url: str | None):
    """For the hosts mode, the PostgreSQL server every host (and this process, which makes the codes) uses, and one key they all read."""
    if mode != "hosts":
        yield
        return
    if not database_url:
        raise SystemExit("The hosts mode needs --database-url postgresql://... (an empty database the hosts share).")
    saved = {name: os.environ.get(name) for name in ("DATABASE_URL", "PORTFOLIO_SECRET")}
    os.environ.update({"DATABASE_URL": database_url, "PORTFOLIO_SECRET": secrets.token_urlsafe(32)})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def vote_phase(url: str, pids: list[int], db: Path | None, vote_id: str, codes: list[str], window: float, think: tuple[float, float]) -> dict:
    ballots, receipts = Tally(), {}
    gap = window / len(codes)
    cpu_start, started = cpu_seconds(pids), time.monotonic()
    await asyncio.gather(*(resident(url, n, vote_id, code, [p[0] for p in PROJECTS], n * gap, think, ballots, receipts)
                           for n, code in enumerate(codes)))
    cpu, elapsed = cpu_seconds(pids) - cpu_start, time.monotonic() - started
    with storage.reading(db) as connection:
        rows = storage.select(connection, "ballots", vote_id=vote_id)
    per_code = Counter(row["code_hash"] for row in rows)
    counted = sum(1 for receipt in receipts.values() if check_receipt(vote_id, receipt, db).startswith("This ballot is counted"))
    return {"residents": len(codes), "submissions": summary(ballots), "stored": len(rows), "server_cpu_cores": cpu / elapsed,
            "server_cpu_per_ballot": cpu / max(1, len(ballots.latencies)), "ballots_per_second": len(ballots.latencies) / elapsed,
            "stored_more_than_once": sum(1 for n in per_code.values() if n > 1), "receipts_counted": counted}


def measure(mode: str, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"portfolio-load-{mode}-") as folder, shared_server(mode, args.database_url):
        os.environ["PORTFOLIO_DB"] = str(Path(folder) / "portfolio.db")  # this process makes the voter codes: same database and key as the servers
        db = None if mode == "hosts" else Path(os.environ["PORTFOLIO_DB"])  # None: the database the settings name (the shared server)
        os.environ.pop("PORTFOLIO_SECRET_FILE", None)
        env = {**os.environ, **MODES[mode][1]}
        workshop = prepare_workshop(db)
        vote_id, codes = prepare_vote(db, args.residents) if args.residents else ("", [])
        with server(mode, args.workers, env, Path(folder)) as (url, pids, backends):
            asyncio.run(warm_up(backends, vote_id))
            result = {"mode": mode, "processes": len(backends)}  # Streamlit processes (nginx aside)
            if args.together and args.users and args.residents:
                result["room"], result["vote"] = asyncio.run(together(url, pids, args, db, workshop, vote_id, codes))
                return result
            if args.users:
                result["room"] = asyncio.run(room_phase(url, pids, args, db, workshop))
            if args.residents:
                result["vote"] = asyncio.run(vote_phase(url, pids, db, vote_id, codes, args.window, tuple(args.resident_think)))
        return result


async def together(url: str, pids: list[int], args: argparse.Namespace, db: Path | None, workshop: Workshop, vote_id: str,
                   codes: list[str]) -> tuple[dict, dict]:
    """The room phase and the vote at the same time: residents arrive over the window while participants move sliders."""
    room, vote = await asyncio.gather(room_phase(url, pids, args, db, workshop),
                                      vote_phase(url, pids, db, vote_id, codes, args.window, tuple(args.resident_think)))
    return room, vote


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:,.0f} ms"


def table(results: list[dict], client_cpu: float) -> str:
    """The side-by-side report (markdown)."""
    head = "| measure | " + " | ".join(f"{r['mode']} ({r['processes']} process{'es' if r['processes'] > 1 else ''})" for r in results) + " |"
    lines = [head, "|---|" + "---|" * len(results)]

    def row(name: str, get) -> None:
        lines.append(f"| {name} | " + " | ".join(get(r) for r in results) + " |")

    if all("room" in r for r in results):
        row("participants", lambda r: str(r["room"]["users"]))
        row("slider moves answered", lambda r: str(r["room"]["moves"]["count"]))
        for q in ("p50", "p95", "p99"):
            row(f"slider to result {q}", lambda r, q=q: ms(r["room"]["moves"][q]))
        row("errors / crossed results", lambda r: f"{sum(r['room'][k]['errors'] for k in ('moves', 'page_loads', 'proposals'))} / "
            f"{r['room']['moves']['crossed']}")
        row("page load p95", lambda r: ms(r["room"]["page_loads"]["p95"]))
        row("reruns per second", lambda r: f"{r['room']['reruns_per_second']:.1f}")
        row("server CPU (cores busy)", lambda r: f"{r['room']['server_cpu_cores']:.2f}")
        row("memory per session", lambda r: f"{r['room']['memory_per_session_mib']:.2f} MiB")
        row("proposals confirmed / stored / stored twice", lambda r: f"{r['room']['proposals']['confirmed']} / "
            f"{r['room']['proposals']['stored']} / {r['room']['proposals']['stored_more_than_once']}")
        row("proposal save p95 (open form, save)", lambda r: ms(r["room"]["proposals"]["p95"]))
    if all("vote" in r for r in results):
        row("ballots submitted / stored / stored twice", lambda r: f"{r['vote']['submissions']['count']} / {r['vote']['stored']} / "
            f"{r['vote']['stored_more_than_once']}")
        row("receipts found in the count", lambda r: f"{r['vote']['receipts_counted']} of {r['vote']['residents']}")
        for q in ("p50", "p95", "p99"):
            row(f"ballot submission {q}", lambda r, q=q: ms(r["vote"]["submissions"][q]))
        row("ballot errors", lambda r: str(r["vote"]["submissions"]["errors"]))
        row("ballots per second (whole vote phase)", lambda r: f"{r['vote']['ballots_per_second']:.1f}")
        row("server CPU per ballot (page, code, ticks, submit)", lambda r: ms(r["vote"]["server_cpu_per_ballot"]))
    lines.append(f"\nLoad client (same machine) CPU: {client_cpu:.1f} s.")
    return "\n".join(lines)


def bounded(name: str, kind=float):
    def parse(text: str):
        value = kind(text)
        if not 0 <= value <= LIMITS[name]:
            raise argparse.ArgumentTypeError(f"{name} must be between 0 and {LIMITS[name]}")
        return value
    return parse


def arguments(argv: list[str] | None = None) -> tuple[argparse.Namespace, list[str]]:
    """The command line with the scenario's values filled in where no option was given, and the modes to run."""
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=list(SCENARIOS), default="default",
                        help="default: residents vote after the room phase; evening: 150 participants arriving over 10 s and 150 "
                             "residents voting during the room phase; evening-300: the same with 300 participants and 300 residents; "
                             "city-evening: no room, 300 residents voting over 60 s (5 per second)")
    parser.add_argument("--users", type=bounded("users", int), help="participants on Allocate (default 150)")
    parser.add_argument("--seconds", type=bounded("seconds"), default=60, help="how long they move sliders after the ramp")
    parser.add_argument("--ramp", type=float, help="seconds over which participants arrive (default 30; 10 in the evening scenarios)")
    parser.add_argument("--think", type=float, nargs=2, default=(5, 10), help="seconds between a participant's moves")
    parser.add_argument("--proposers", type=bounded("users", int), default=30,
                        help="participants who join the workshop and save a proposal after their second move (default 30)")
    parser.add_argument("--residents", type=bounded("residents", int), help="residents who vote (default 300; 150 in the evening scenario)")
    parser.add_argument("--window", type=bounded("window"), help="seconds over which residents arrive (default 300; 50 in the evening scenarios)")
    parser.add_argument("--resident-think", type=float, nargs=2, default=(1, 4), help="seconds between a resident's actions")
    parser.add_argument("--modes", default="single,room", help=f"comma-separated, from: {', '.join(MODES)}")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="Streamlit processes in the room")
    parser.add_argument("--out", type=Path, default=Path("var/load"), help="folder for report.md and report.json")
    parser.add_argument("--database-url", help="the hosts mode's PostgreSQL server: postgresql://... (an empty database)")
    args = parser.parse_args(argv)
    for name, value in {**DEFAULTS, **SCENARIOS[args.scenario]}.items():
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    modes = [m.strip() for m in args.modes.split(",")]
    if unknown := [m for m in modes if m not in MODES]:
        parser.error(f"unknown mode {', '.join(unknown)}; modes: {', '.join(MODES)}")
    return args, modes


def main(argv: list[str] | None = None) -> None:
    args, modes = arguments(argv)
    results = [measure(mode, args) for mode in modes]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    report = f"Scenario: {args.scenario}{' (residents vote during the room phase)' if args.together else ''}.\n\n"
    report += table(results, usage.ru_utime + usage.ru_stime)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(results, indent=2))
    (args.out / "report.md").write_text(report + "\n")
    print(report)


if __name__ == "__main__":
    main()
