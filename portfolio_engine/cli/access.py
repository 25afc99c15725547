"""Command-line commands for who may write: the data steward's passcode and sign-in locks.

The operator at the command line holds the database file, so these need no passcode of their own.
"""

import argparse
import json

from portfolio_engine.cli.parsing import action, group
from portfolio_engine.cli.workshop import read_passcode
from portfolio_engine.security import access


def steward_set(args) -> str:
    path = access.set_steward(read_passcode(args.passcode_file), replace=args.replace)
    return json.dumps({"steward_file": str(path)})


def _scope(args) -> str:
    if args.workshop:
        return f"facilitator:{args.workshop}"
    return f"vote:{args.vote}" if args.vote else args.scope


def signin_list(args) -> str:
    counters, log = access.attempts(_scope(args))
    return json.dumps({"clients": counters, "log": log}, indent=2)


def signin_unlock(args) -> str:
    cleared = access.lift(access.OPERATOR, _scope(args), args.client)
    return json.dumps({"cleared": cleared})


def register(commands: argparse._SubParsersAction, parser_class) -> None:
    sub = group(commands, "steward", "Set the instance's data steward passcode (needed to import community data, create workshops and votes).",
                parser_class)
    p = action(sub, "set", "Store the steward passcode's hash (PORTFOLIO_STEWARD_FILE or steward.hash beside the database).", steward_set,
               "--passcode-file", description="Read the passcode from the first line of a file and store its salted scrypt hash.")
    p.add_argument("--replace", action="store_true", help="replace an existing steward passcode")

    sub = group(commands, "signin", "Show or lift sign-in waits and locks (after repeated wrong passcodes or codes).", parser_class)
    for name, run, help_ in (("list", signin_list, "Failure counters and the latest attempts of a scope."),
                             ("unlock", signin_unlock, "Lift the waits and locks of a scope (one client with --client).")):
        p = action(sub, name, help_, run)
        where = p.add_mutually_exclusive_group(required=True)
        where.add_argument("--workshop", help="a workshop's facilitator sign-in")
        where.add_argument("--vote", help="a standalone vote's passcode sign-in")
        where.add_argument("--scope", choices=["steward", "join"], help="the data steward's sign-in, or join codes")
        if name == "unlock":
            p.add_argument("--client", help="only this client (as listed)")
