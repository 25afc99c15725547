"""Command line: `python -m portfolio_engine ...`. Each command parses, calls the engine, prints.

Results go to standard output, messages to standard error; exit 0 on success, 2 on bad input.
"""

import argparse
import csv
import io
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from portfolio_engine import storage
from portfolio_engine.cli import access, backup, count, indicators, votes, workshop
from portfolio_engine.cli import projection as projection_options
from portfolio_engine.cli.pipes import emit
from portfolio_engine.demo import DEMO_PASSCODE, DEMO_STEWARD, seed_demo, seed_demo_city, seed_demo_steward
from portfolio_engine.errors import PortfolioError, UsageError, VerificationFailed
from portfolio_engine.model.assumptions import default_assumptions, read_assumptions
from portfolio_engine.model.batch import read_batch
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.communities import read_start
from portfolio_engine.model.dynamics import Projection, Start, build_model, simulate
from portfolio_engine.model.milestones import milestones
from portfolio_engine.model.portable import portable
from portfolio_engine.model.portfolio import apply_move, load_status_quo, make_portfolio, parse_amount, read_portfolio
from portfolio_engine.model.uncertainty import SEED
from portfolio_engine.model.xmile import to_xmile
from portfolio_engine.optimizer.constraints import read_problem
from portfolio_engine.optimizer.optimize import frontier, optimize
from portfolio_engine.security.keys import secret_key

LEAN = ("pb", "aggregate")  # counting commands: no database, and routed before heavy imports (__main__)


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see --help)")


def _model(args: argparse.Namespace):
    catalog = load_catalog()
    assumptions = read_assumptions(catalog, args.assumptions) if args.assumptions else default_assumptions(catalog)
    return build_model(catalog, load_status_quo(catalog), assumptions)


def cmd_catalog(args: argparse.Namespace) -> str:
    catalog = load_catalog()
    rows = [
        {"id": e.id, "family": e.family, "name": e.name, "definition": e.definition, "description": e.description, "items": list(e.items)}
        for e in catalog.elements
    ]
    if args.format == "json":
        return json.dumps(rows, indent=2)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({**r, "items": "; ".join(r["items"])} for r in rows)
    return out.getvalue().rstrip("\n")


def cmd_status_quo(args: argparse.Namespace) -> str:
    return json.dumps(load_status_quo(load_catalog()).to_dict(), indent=2)


def cmd_move(args: argparse.Namespace) -> str:
    catalog = load_catalog()
    portfolio = read_portfolio(catalog, args.portfolio) if args.portfolio else load_status_quo(catalog)
    for element in [args.element, *args.lock]:
        catalog.index(element)
    amount = parse_amount(args.amount, "--amount")
    if amount > portfolio.budget:
        raise UsageError(f"--amount {amount:,.2f} is above the budget {portfolio.budget:,.2f}")
    before = dict(portfolio.allocations)
    after = {**before, args.element: amount}
    _, updates = apply_move(before, after, portfolio.budget, set(args.lock), not args.no_keep_total)
    return json.dumps(make_portfolio(catalog, {**after, **updates}, None, portfolio.currency).to_dict(), indent=2)


def _rows_and_milestones(frame: pd.DataFrame, projection: Projection, start: Start | None) -> str:
    """The rows and, next to them, the milestones of run 0 against the status quo (run 1): one object, or one per community
    (in people too when the communities file gives populations)."""
    people = start.population if start is not None and start.population is not None else [None] * len(projection.communities)
    reached = {name: milestones(projection.frame(0, c), projection.frame(1, c), people[c]).to_dict() for c, name in enumerate(projection.communities)}
    return json.dumps({"rows": frame.to_dict("records"), "milestones": reached if start is not None else reached[projection.communities[0]]}, indent=2)


def cmd_simulate(args: argparse.Namespace) -> str:
    if (args.portfolio is None) == (args.batch is None):
        raise UsageError("simulate needs exactly one of --portfolio FILE.json or --batch FILE.csv")
    model = _model(args)
    start = read_start(args.start) if args.start else None
    targeting = projection_options.targeting_for(args, model, start)
    if args.portfolio:
        portfolio = read_portfolio(model.catalog, args.portfolio)
        if args.draws:
            return projection_options.with_draws(args, model, portfolio.vector(model.catalog), start, targeting)
        projection = simulate(model, np.vstack([portfolio.vector(model.catalog), model.status_quo]), args.years, start, args.shock, targeting)
        frame = pd.concat([projection.frame(0, c).assign(community=name) for c, name in enumerate(projection.communities)])
        if start is None:
            frame = frame.drop(columns="community")
        if args.format == "json":
            return _rows_and_milestones(frame, projection, start)
    else:
        if args.draws or targeting is not None:
            raise UsageError("--draws and --targeting work with --portfolio, one portfolio at a time")
        names, matrix = read_batch(model.catalog, args.batch)
        projection = simulate(model, matrix, args.years, start, args.shock)
        frame = pd.concat([projection.at_year(args.years, c).assign(name=names, year=args.years, community=community)
                           for c, community in enumerate(projection.communities)])
        frame = frame[["name", "year", "community", *projection.outputs]]
        if start is None:
            frame = frame.drop(columns="community")
    if args.format == "json":
        return json.dumps(frame.to_dict("records"), indent=2)
    return frame.to_csv(index=False, float_format="%.10g").rstrip("\n")


def cmd_optimize(args: argparse.Namespace) -> str:
    problem = read_problem(args.constraints)
    if args.start:
        problem = replace(problem, start=read_start(args.start))
    if args.frontier:
        kinds = tuple(k.strip() for k in args.frontier.split(","))
        if len(kinds) != 2:
            raise UsageError("--frontier takes two objective kinds separated by a comma, e.g. suffering_years,thriving_at_year")
        return json.dumps(frontier(problem, kinds, args.points), indent=2)
    return json.dumps(optimize(problem).to_dict(), indent=2)


def cmd_export_xmile(args: argparse.Namespace) -> str:
    model = _model(args)
    portfolio = read_portfolio(model.catalog, args.portfolio) if args.portfolio else load_status_quo(model.catalog)
    text = to_xmile(model, portfolio.vector(model.catalog), stop=args.years)
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as err:
        raise UsageError(f"Cannot write {args.out}: {err.strerror}.") from err
    print(f"Wrote {args.out}", file=sys.stderr)
    return ""


def cmd_export_model_tables(args: argparse.Namespace) -> str:
    model = _model(args)
    start = read_start(args.start) if args.start else None
    return json.dumps(portable(model, args.draws, args.seed, start))


def cmd_init_db(args: argparse.Namespace) -> str:
    version = storage.migrate()
    secret_key()  # a database with records and no key stops here, at start, not at the first write
    print(f"Database ready at {storage.describe()} (schema version {version}).", file=sys.stderr)
    return ""


def cmd_seed_demo(args: argparse.Namespace) -> str:
    catalog = load_catalog()
    workshop_id = seed_demo(catalog, load_status_quo(catalog))
    if workshop_id:
        print(f"Demo workshop {workshop_id} created; facilitator passcode: {DEMO_PASSCODE}", file=sys.stderr)
    else:
        print("Workshops already exist; no demo added.", file=sys.stderr)
    if seed_demo_steward():
        print(f"Demo data steward passcode set: {DEMO_STEWARD} (replace it before real use: docs/deploy.md).", file=sys.stderr)
    if seed_demo_city(catalog):
        print("Demo city (synthetic indicators and survey) imported.", file=sys.stderr)
    return ""


def _years(value: str) -> int:
    try:
        years = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of years") from None
    if not 0 <= years <= 200:
        raise argparse.ArgumentTypeError(f"years must be between 0 and 200, got {years}")
    return years


COMMANDS = {
    "catalog": ("List the portfolio elements.", "List the 13 portfolio elements with family, name, description and sub-items."),
    "status-quo": ("Print the illustrative status-quo portfolio as JSON.", "Print the shipped illustrative status-quo portfolio as JSON."),
    "move": ("Move one element, keeping the total as the Allocate sliders do.",
             "Set one element's amount and rebalance the other unlocked elements in proportion, so the total stays on budget "
             "(unless --no-keep-total); prints the new portfolio as JSON."),
    "simulate": ("Project one portfolio, or a batch of portfolios.",
                 "Project a portfolio year by year, or many portfolios (one CSV row each) to one year. Illustrative, uncalibrated dynamics."),
    "export-xmile": ("Export the model to XMILE (Stella, Vensim, PySD).",
                     "Write the model for one portfolio (the status quo by default) as an XMILE 1.0 file: Euler, dt 0.25, years 0 to 30."),
    "export-model-tables": ("Print the model's tables for the browser's copy of the kernel, as JSON.",
                            "Print what Allocate's board runs in the browser: the kernel's parameters for the central assumptions and "
                            "for each uncertainty draw, the status quo and the first community's start (portfolio_engine/model/portable.py)."),
    "optimize": ("Propose a portfolio under constraints, or a trade-off frontier.",
                 "Find the best portfolio under a constraints file (budget, objective, floors, ceilings, locks, family limits, "
                 "max_change, owners), with binding constraints and marginal values; or a frontier between two objectives."),
    "seed-demo": ("Add the demo workshop when the database has none.", "Seed an invented demo workshop (first start of make run)."),
    "init-db": ("Create or migrate the database (PORTFOLIO_DB or var/portfolio.db).", "Create the SQLite database if missing and apply pending migrations."),
}


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m portfolio_engine", description="Commons Portfolio engine: the well-being portfolio, its dynamics and exports.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub = {name: commands.add_parser(name, help=summary, description=text) for name, (summary, text) in COMMANDS.items()}

    sub["catalog"].add_argument("--format", choices=["json", "csv"], default="json", help="output format (default json)")
    sub["catalog"].set_defaults(run=cmd_catalog)
    sub["status-quo"].set_defaults(run=cmd_status_quo)

    p = sub["move"]
    p.add_argument("--portfolio", type=Path, help="portfolio JSON (default: the status quo)")
    p.add_argument("--element", required=True, help="element id to move")
    p.add_argument("--amount", required=True, help="its new amount, in currency units")
    p.add_argument("--lock", action="append", default=[], help="element id kept as it is (repeatable)")
    p.add_argument("--no-keep-total", action="store_true", help="change only this element; the budget becomes the new total")
    p.set_defaults(run=cmd_move)

    p = sub["simulate"]
    p.add_argument("--portfolio", type=Path, help="portfolio JSON: {budget, currency, allocations: {id: amount}}")
    p.add_argument("--batch", type=Path, help="CSV with a name column and one column per element id; each row's budget is its total")
    p.add_argument("--years", type=_years, default=20, help="horizon in years (default 20)")
    p.add_argument("--format", choices=["csv", "json"], default="csv", help="output format (default csv)")
    p.add_argument("--assumptions", type=Path, help="JSON file overriding constants and element effects")
    p.add_argument("--start", type=Path, help="communities file: one run per community from its own starting point")
    projection_options.add_arguments(p)
    p.set_defaults(run=cmd_simulate)

    p = sub["export-xmile"]
    p.add_argument("--out", type=Path, required=True, help="file to write")
    p.add_argument("--portfolio", type=Path, help="portfolio JSON (default: the status quo)")
    p.add_argument("--years", type=_years, default=30, help="stop time in years (default 30)")
    p.add_argument("--assumptions", type=Path, help="JSON file overriding constants and element effects")
    p.set_defaults(run=cmd_export_xmile)

    p = sub["export-model-tables"]
    p.add_argument("--assumptions", type=Path, help="JSON file overriding constants and element effects")
    p.add_argument("--start", type=Path, help="communities file: the first community's start (default: the status quo's equilibrium)")
    p.add_argument("--draws", type=projection_options.draw_count, default=100, help="uncertainty draws (default 100, as Allocate's band)")
    p.add_argument("--seed", type=int, default=SEED, help="seed of the draws (default: the engine's fixed seed)")
    p.set_defaults(run=cmd_export_model_tables)

    p = sub["optimize"]
    p.add_argument("--constraints", type=Path, required=True, help="constraints JSON (see docs/optimizer.md)")
    p.add_argument("--format", choices=["json"], default="json", help="output format (json)")
    p.add_argument("--frontier", help="two objective kinds, e.g. suffering_years,thriving_at_year")
    p.add_argument("--points", type=int, default=15, help="frontier points (default 15)")
    p.add_argument("--start", type=Path, help="communities file: several starting points (overrides the constraints' communities)")
    p.set_defaults(run=cmd_optimize)

    sub["init-db"].set_defaults(run=cmd_init_db)
    sub["seed-demo"].set_defaults(run=cmd_seed_demo)
    count.register(commands)
    workshop.register(commands, _Parser)
    indicators.register(commands, _Parser)
    votes.register(commands, _Parser)
    access.register(commands, _Parser)
    backup.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        if args.command not in ("init-db", *LEAN):
            storage.migrate()
        output = args.run(args)
    except VerificationFailed as err:
        print(f"Verification failed: {err}", file=sys.stderr)
        return 1
    except PortfolioError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 2
    return emit(output) if output else 0  # quiet when piped into head (cli/pipes.py)
