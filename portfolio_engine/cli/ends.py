"""`workshop ends set|show`: the outcomes the room agrees matter, and how much (docs/funders.md, section "Shared ends")."""

import argparse
import json
from pathlib import Path

from portfolio_engine.cli.parsing import action
from portfolio_engine.jsonfile import read_json
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.record.decisions import resident_aggregate
from portfolio_engine.record.ends import ENDS, ends_from_vote, ends_history, objective, parse_ends, set_ends
from portfolio_engine.record.workshops import get_workshop


def ends_set(args: argparse.Namespace) -> str:
    from portfolio_engine.cli.workshop import read_passcode  # here, not at the top: cli/workshop registers this module

    revision = bool(ends_history(args.workshop))
    if args.from_vote:
        ends, because = ends_from_vote(load_catalog(), args.workshop, args.from_vote)
        reason = f"{args.reason} ({because})" if args.reason else because
    else:
        ends, reason = parse_ends(read_json(args.file)), args.reason
    row = set_ends(args.workshop, ends, reason, read_passcode(args.passcode_file))
    return json.dumps({"id": row["id"], "revision": revision, "ends": ends.sentence(), "reason": row["reason"]}, ensure_ascii=False)


def ends_show(args: argparse.Namespace) -> str:
    get_workshop(args.workshop)
    history = ends_history(args.workshop)
    if not history:
        return json.dumps({"current": None, "history": [], "objective": None})
    current = history[-1]["ends"]
    vote = resident_aggregate(args.workshop)
    goal, left_out = objective(current, vote["allocations"] if vote else None)
    return json.dumps({"current": {**current.to_dict(), "in_words": current.sentence()},
                       "history": [{**h["ends"].to_dict(), "reason": h["reason"], "created_at": h["created_at"]} for h in history],
                       "objective": goal, "left_out": left_out}, indent=2, ensure_ascii=False)


def register(workshop: argparse._SubParsersAction, parser_class: type) -> None:
    """`workshop ends set|show` under the workshop group."""
    text = "Shared ends first: the outcomes the room agrees matter and how much; they become the optimizer's default objective."
    sub = workshop.add_parser("ends", help=text, description=text).add_subparsers(dest="ends_action", required=True, parser_class=parser_class)
    p = action(sub, "set", "Record the room's ends (facilitator); a change later is a revision with a reason.", ends_set, "--workshop",
               "--passcode-file", description='Record the ends from a JSON file {"years": 20, "weights": {end: weight}}. Ends: '
                                              + "; ".join(f"{k} ({w})" for k, w in ENDS.items()) + ". A change after the first needs --reason. "
                                              "Or propose them from a closed resident split vote (--from-vote): each family's share of the points "
                                              "weighs the end it serves (vital conditions: thriving; urgent services: less suffering; belonging and "
                                              "civic muscle: closing gaps), recorded with the vote's fingerprint as the reason.")
    given = p.add_mutually_exclusive_group(required=True)
    given.add_argument("--file", type=Path, help='JSON {"years": 20, "weights": {"suffering_years": 2, "thriving_at_year": 1}}')
    given.add_argument("--from-vote", metavar="VOTE_ID", help="a closed split vote of this workshop")
    p.add_argument("--reason", help="why the ends change (required for every version after the first)")
    action(sub, "show", "Show the agreed ends, their history and the optimizer objective they give.", ends_show, "--workshop")
