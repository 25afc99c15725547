"""`workshop funders set|show`: the region's current portfolio by funder, from and to CSV (funder,sector,element,amount)."""

import argparse
import json
from pathlib import Path

from portfolio_engine.cli.parsing import action
from portfolio_engine.jsonfile import read_json
from portfolio_engine.limits import read_text
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.record import exports
from portfolio_engine.record.funders import (
    CSV_COLUMNS,
    commitments_of,
    list_funders,
    read_csv,
    record_commitments,
    set_funders,
    to_csv_rows,
    to_json,
    with_mandates,
)
from portfolio_engine.record.menu import workshop_catalog
from portfolio_engine.record.workshops import get_workshop


def funders_set(args: argparse.Namespace) -> str:
    from portfolio_engine.cli.workshop import read_passcode  # here, not at the top: cli/workshop registers this module

    catalog = load_catalog()
    stewards = with_mandates(read_csv(catalog, read_text(args.file)), read_json(args.mandates) if args.mandates else None)
    saved = set_funders(catalog, args.workshop, stewards, read_passcode(args.passcode_file))
    return json.dumps(to_json(saved), indent=2, ensure_ascii=False)


def funders_show(args: argparse.Namespace) -> str:
    get_workshop(args.workshop)
    stewards = list_funders(args.workshop)
    if args.format == "json":
        committed = commitments_of(args.workshop)
        return json.dumps({name: {**shown, **({"committed": committed[name]} if name in committed else {})} for name, shown in to_json(stewards).items()},
                          indent=2, ensure_ascii=False)
    catalog = workshop_catalog(load_catalog(), args.workshop)  # ids for machines, the workshop's name beside each (set ignores the extra column)
    names = {e.id: e.name for e in catalog.elements}
    rows = [{**row, "element_name": names[row["element"]]} for row in to_csv_rows(catalog, stewards)]
    return exports.csv_text(rows, [*CSV_COLUMNS[:3], "element_name", CSV_COLUMNS[3]]).rstrip("\n")


def register(workshop: argparse._SubParsersAction, parser_class: type) -> None:
    """`workshop funders set|show` under the workshop group."""
    text = "The region's current portfolio by funder: who brings the money, how much to each element today, under which mandate."
    sub = workshop.add_parser("funders", help=text, description=text).add_subparsers(dest="funders_action", required=True, parser_class=parser_class)
    p = action(sub, "set", "Replace the workshop's funders from CSV (facilitator).", funders_set, "--workshop", "--passcode-file",
               description="Replace the workshop's funders from a CSV file with columns funder,sector,element,amount (one row per funder and "
                           "element). Their element totals must be the workshop's status quo. A funder left out is withdrawn.")
    p.add_argument("--file", type=Path, required=True, help="CSV: funder,sector,element,amount")
    p.add_argument("--mandates", type=Path, help='JSON {"County hospital": {"may_fund": [element ids], "floors": {element id: amount}}}; '
                                                  "a funder not named may fund any element")
    p = action(sub, "show", "Show the workshop's funders.", funders_show, "--workshop")
    p.add_argument("--format", choices=["json", "csv"], default="json", help="csv: funder,sector,element,element_name,amount: names in the workshop's words")


def commitments_record(args: argparse.Namespace) -> str:
    from portfolio_engine.cli.workshop import read_passcode  # here, not at the top: cli/workshop registers this module

    given = read_json(args.file) if args.file else None
    return json.dumps(record_commitments(load_catalog(), args.workshop, given, read_passcode(args.passcode_file)), indent=2, ensure_ascii=False)


def register_commitments(decision: argparse._SubParsersAction) -> None:
    """`decision commitments` under the decision group."""
    p = action(decision, "commitments", "Record each funder's commitment under the latest decision (facilitator).", commitments_record, "--workshop",
               "--passcode-file", description="Record what each funder commits under the latest decision: from --file {funder: {element id: "
                                              "amount}}, or else the split that moves the least money from today. They must fund exactly the "
                                              "decided portfolio, each funder its own amount within its mandate and floors.")
    p.add_argument("--file", type=Path, help="JSON {funder: {element id: amount}}")
