"""Counting commands, kept lean to start (no pandas, scipy or database): `pb` and `aggregate`.

`python -m portfolio_engine pb ...` and `aggregate ...` are routed here before anything heavy loads.
"""

import argparse
import csv
import io
import json
import math
import sys
from pathlib import Path

from portfolio_engine.cli.pipes import emit
from portfolio_engine.errors import InputFormatError, PortfolioError
from portfolio_engine.limits import MAX_AMOUNT, read_text
from portfolio_engine.voting import rules


def cmd_pb(args: argparse.Namespace) -> str:
    from portfolio_engine.voting import pabulib
    from portfolio_engine.voting.project_rules import run

    election = pabulib.read(args.file)
    selected = run(election, args.rule, args.satisfaction)
    total = sum(election.cost(p) for p in selected)
    total_text = str(total.numerator) if total.denominator == 1 else str(float(total))
    return "\n".join([*selected, f"total_cost: {total_text}"])


def _share(cell: str, where: str) -> float:
    """One ballot value: a finite number from 0 to MAX_AMOUNT (ballots are divided by their own totals, docs/voting.md)."""
    try:
        number = float(cell.strip() or 0)
    except ValueError:
        raise InputFormatError(f"{where}: {cell.strip()[:40]!r} is not a number.") from None
    if not 0 <= number <= MAX_AMOUNT:  # also refuses NaN and infinities
        raise InputFormatError(f"{where}: {cell.strip()[:40]!r} must be from 0 to {MAX_AMOUNT:g}.")
    return number


def read_split_ballots(text: str) -> tuple[list[str], list[list[float]]]:
    """Categories and one row per voter; bad rows are refused naming the line and the problem."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        raise InputFormatError(f"The ballot file is not a readable CSV file: {err}.") from None
    if not rows or "voter_id" not in [c.strip() for c in rows[0]]:
        raise InputFormatError("The ballot file needs a voter_id column and one column per category.")
    header = [c.strip() for c in rows[0]]
    voter_column = header.index("voter_id")
    categories = [c for n, c in enumerate(header) if n != voter_column]
    seen: dict[str, int] = {}
    ballots = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        voter = row[voter_column].strip() if voter_column < len(row) else ""
        if voter in seen:
            raise InputFormatError(f"Line {line}: voter {voter!r} already voted on line {seen[voter]}.")
        seen[voter] = line
        if len(row) > len(header):
            raise InputFormatError(f"Line {line}: {len(row)} fields but the header has {len(header)} (a stray comma?).")
        cells = [c for n, c in enumerate(row) if n != voter_column]
        values = [_share(cell, f"Line {line}, column '{category}'") for category, cell in zip(categories, cells, strict=False)]
        values += [0.0] * (len(categories) - len(values))
        if sum(values) <= 0:
            raise InputFormatError(f"Line {line}: voter {voter!r} gave nothing to any category.")
        ballots.append(values)
    if not ballots:
        raise InputFormatError("The ballot file has no ballots.")
    return categories, ballots


def cmd_aggregate(args: argparse.Namespace) -> str:
    import numpy as np

    from portfolio_engine.voting.split_rules import aggregate

    categories, ballots = read_split_ballots(read_text(args.file))
    if not math.isfinite(args.budget) or args.budget <= 0:
        raise InputFormatError("The budget must be a number above 0.")
    amounts = aggregate(np.array(ballots), args.rule, args.budget)
    return json.dumps(dict(zip(categories, (float(a) for a in amounts), strict=True)), indent=2)


def _rule_help(ballot: str) -> str:
    """Each rule with its plain words (argparse expands %% signs, so they are escaped)."""
    return " ".join(f"{name}: {rules.RULES[name].words}" for name in rules.names(ballot)).replace("%", "%%")


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("pb", help="Count a pabulib .pb election (greedy or Method of Equal Shares).",
                            description="Print the selected project ids, one per line, then total_cost.")
    p.add_argument("file", type=Path)
    p.add_argument("--rule", choices=rules.names("knapsack"), required=True, help=_rule_help("knapsack"))
    p.add_argument("--satisfaction", choices=["cost", "points"], default="cost",
                   help="cost: a project's cost for each voter whose ballot lists it; points: the points a cumulative ballot gives it")
    p.set_defaults(run=cmd_pb)
    p = commands.add_parser("aggregate", help="Aggregate split ballots (a CSV with voter_id and one column per category).",
                            description="Print {category: amount} under the rule, adding up to the budget.")
    p.add_argument("file", type=Path)
    p.add_argument("--rule", choices=rules.names("split"), required=True, help=_rule_help("split"))
    p.add_argument("--budget", type=float, required=True)
    p.set_defaults(run=cmd_aggregate)


def main(argv: list[str], parser_class: type[argparse.ArgumentParser]) -> int:
    """Parse and run a counting command without loading the rest of the engine."""
    parser = parser_class(prog="python -m portfolio_engine")
    register(parser.add_subparsers(dest="command", required=True, parser_class=parser_class))
    try:
        args = parser.parse_args(argv)
        output = args.run(args)
    except PortfolioError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 2
    return emit(output)  # quiet when piped into head (cli/pipes.py)
