"""Command-line commands for workshops, proposals, stances, decisions and the audit trail.

An operator's tool: facilitator actions take --passcode-file; `proposal save` and `stance add` act
for the participant they name. Exit 0 on success, 1 when a verification fails, 2 on bad input or a
refused action.
"""

import argparse
import json
import sys
from pathlib import Path

from portfolio_engine.cli import ends, funders, menu, statement
from portfolio_engine.cli.parsing import group
from portfolio_engine.errors import InputFormatError, NotFound, PortfolioError, VerificationFailed
from portfolio_engine.jsonfile import read_json
from portfolio_engine.limits import read_text
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.portfolio import load_status_quo, read_portfolio
from portfolio_engine.optimizer.constraints import read_document
from portfolio_engine.record import exports
from portfolio_engine.record.decisions import record_decision
from portfolio_engine.record.funders import read_funding_csv
from portfolio_engine.record.menu import workshop_catalog
from portfolio_engine.record.proposals import ORIGINS, STANCES, add_stance, list_proposals, save_proposal
from portfolio_engine.record.room import QUANTILES
from portfolio_engine.record.workshops import change_state, create_workshop, get_workshop, join, list_workshops, participant_by_name
from portfolio_engine.security import access
from portfolio_engine.services import reports
from portfolio_engine.services.room import room
from portfolio_engine.services.unit_of_work import unit_of_work
from portfolio_engine.services.workshops import chain_head, verify_workshop


def read_passcode(path: Path) -> str:
    """The first line of a passcode file (passcodes never go on the command line, where others can see them)."""
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()[0].strip()
    except (OSError, IndexError, UnicodeDecodeError) as err:
        raise InputFormatError(f"Cannot read a passcode from {path}.") from err


def _json_file(path: Path | None) -> dict | None:
    if path is None:
        return None
    value = read_json(path)
    if not isinstance(value, dict):
        raise InputFormatError(f"{path} must hold a JSON object.")
    return value


def format_table(rows: list[dict], columns: list[str], fmt: str) -> str:
    """Rows for standard output: JSON, or CSV with these columns (formulas neutralized)."""
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False)
    return exports.csv_text(rows, columns).rstrip("\n")


def workshop_create(args) -> str:
    catalog = load_catalog()
    status_quo = read_portfolio(catalog, args.status_quo) if args.status_quo else load_status_quo(catalog)
    constraints = read_document(args.constraints) if args.constraints else None  # files it names are read and put inline
    if constraints is not None and not isinstance(constraints, dict):
        raise InputFormatError(f"{args.constraints} must hold a JSON object.")
    workshop, _ = create_workshop(catalog, args.name, args.budget, read_passcode(args.passcode_file), status_quo, args.currency,
                                  constraints, args.deviation_threshold, grant=access.OPERATOR)
    return json.dumps({"id": workshop.id, "join_code": workshop.join_code})


def workshop_list(args) -> str:
    rows = [{"id": w.id, "name": w.name, "state": w.state, "budget": w.budget, "currency": w.currency, "created_at": w.created_at}
            for w in list_workshops()]
    return format_table(rows, ["id", "name", "state", "budget", "currency", "created_at"], args.format)


def workshop_show(args) -> str:
    w = get_workshop(args.workshop)
    with unit_of_work() as db:
        head = chain_head(db, w.id)
    return json.dumps({"id": w.id, "name": w.name, "state": w.state, "budget": w.budget, "currency": w.currency,
                       "join_code": w.join_code, "deviation_threshold": w.deviation_threshold, "proposals": len(list_proposals(w.id)),
                       "chain_head": head.partition(":")[2], "head": head}, indent=2)


def workshop_export(args) -> str:
    catalog = load_catalog()
    with unit_of_work() as db:
        if args.format == "json":
            text = reports.workshop_json(db, args.workshop)
        elif args.format == "html":
            text = reports.workshop_report(db, catalog, args.workshop)
        elif args.out:
            written = reports.write_record_tables(db, catalog, args.workshop, Path(args.out))
            print(f"Wrote {len(written)} tables to {args.out}", file=sys.stderr)
            return ""
        else:
            text = reports.proposals_table(db, catalog, args.workshop)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"Wrote {args.out}", file=sys.stderr)
        return ""
    return text.rstrip("\n")


def workshop_room(args) -> str:
    """Where the room is: per element the quantiles of the participants' current shares, and the opinion groups (no names unless --names)."""
    catalog = workshop_catalog(load_catalog(), args.workshop)  # names in the workshop's words beside the ids
    with unit_of_work() as db:
        view = room(db, catalog, args.workshop)
    elements = [{k: e[k] for k in ("id", "name", "family", "status_quo", "residents", "spread", "agreement")} | e["quantiles"] for e in view["elements"]]
    if args.format == "csv":
        return exports.csv_text(elements, ["id", "name", "family", *QUANTILES, "status_quo", "residents", "spread", "agreement"]).rstrip("\n")
    groups = [{"label": g["label"], "members": g["size"], "mean": g["mean"], "mean_shares": g["mean_shares"], "projection": g.get("projection")}
              | ({"names": [view["names"][m] for m in g["members"]]} if args.names else {}) for g in view["groups"]]
    return json.dumps({"workshop": args.workshop, "participants": view["participants"], "years": view["years"], "elements": elements,
                       "groups": groups, "separating": view["separating"]}, indent=2, ensure_ascii=False)


def workshop_import(args) -> str:
    document = read_json(args.file)
    return json.dumps({"id": exports.import_document(document, read_passcode(args.passcode_file), grant=access.OPERATOR)})


def workshop_state(args) -> str:
    workshop = change_state(args.workshop, args.to, read_passcode(args.passcode_file))
    return json.dumps({"id": workshop.id, "state": workshop.state})


def proposal_save(args) -> str:
    catalog = load_catalog()
    if args.portfolio is None and args.funding is None:
        raise InputFormatError("Give the proposal's --portfolio (element totals), its --funding table (who funds what), or both.")
    allocations = read_portfolio(catalog, args.portfolio).allocations if args.portfolio else None
    funding = read_funding_csv(read_text(args.funding)) if args.funding else None
    person = participant_by_name(args.workshop, args.author)
    if person is None:
        get_workshop(args.workshop)
        person, _ = join(args.workshop, args.author, args.organization or "", args.sector or "")
    proposal = save_proposal(catalog, args.workshop, person["id"], args.title, args.rationale, allocations,
                             origin=args.origin, origin_details=_json_file(args.origin_details), parent_id=args.parent, reason=args.reason,
                             funding=funding)
    return json.dumps({"id": proposal["id"], "version": proposal["version"]})


def proposal_list(args) -> str:
    get_workshop(args.workshop)
    rows = list_proposals(args.workshop)
    if args.format == "json":
        keep = ["id", "version", "parent_id", "author", "organization", "sector", "title", "rationale", "origin", "allocations", "by_funder", "notes",
                "created_at"]
        return json.dumps([{k: r[k] for k in keep} for r in rows], indent=2, ensure_ascii=False)
    with unit_of_work() as db:
        return reports.proposals_table(db, load_catalog(), args.workshop).rstrip("\n")


def proposal_compare(args) -> str:
    from portfolio_engine.record.comparison import agreement, distance, side_by_side
    from portfolio_engine.record.decisions import resident_aggregate

    catalog = load_catalog()
    workshop = get_workshop(args.workshop)
    proposals = {p["id"]: p for p in list_proposals(args.workshop)}
    wanted = [p.strip() for p in args.proposals.split(",") if p.strip()]
    unknown = [p for p in wanted if p != "status_quo" and p not in proposals]
    if unknown or not 2 <= len(wanted) <= 6:
        raise InputFormatError(f"Compare 2 to 6 portfolios: proposal ids or status_quo (unknown: {', '.join(unknown) or 'none'}).")
    picked = {p: (workshop.status_quo_portfolio(catalog).allocations if p == "status_quo" else proposals[p]["allocations"]) for p in wanted}
    table = side_by_side(catalog, picked)
    table.insert(1, "name", [e.name for e in workshop_catalog(catalog, args.workshop).elements])  # the workshop's words beside each id
    if args.format == "csv":
        return table.to_csv(index=False).rstrip("\n")
    aggregate = resident_aggregate(args.workshop)
    return json.dumps({"side_by_side": table.to_dict("records"), "agreement": agreement(catalog, picked).to_dict("records"),
                       "distance_from_resident_vote": {p: distance(a, aggregate["allocations"]) for p, a in picked.items()} if aggregate else None},
                      indent=2)


def stance_add(args) -> str:
    person = participant_by_name(args.workshop, args.participant)
    if person is None:
        get_workshop(args.workshop)
        raise NotFound(f"No participant named '{args.participant}' in this workshop (participants join, or save a proposal, first).")
    row = add_stance(args.workshop, args.proposal, person["id"], args.stance, args.reason)
    return json.dumps({"id": row["id"]})


def decision_record(args) -> str:
    decision = record_decision(args.workshop, args.proposal, args.rationale, read_passcode(args.passcode_file),
                               _json_file(args.justifications), args.reason)
    return json.dumps({"id": decision["id"], "chain_head": decision["chain_head"]})


def audit_verify(args) -> str:
    with unit_of_work() as db:
        result = verify_workshop(db, args.workshop, args.head)
    if not result.ok:
        raise VerificationFailed(result.problem)
    print(f"Audit trail intact: {result.entries} entries, chain head {result.label}.", file=sys.stderr)
    return json.dumps({"ok": True, "entries": result.entries, "chain_head": result.head, "head": result.label})


def register(commands: argparse._SubParsersAction, parser_class) -> None:
    """Add the workshop, proposal, stance, decision and audit command groups."""
    groups = {
        "workshop": "Create, list, show, export, import workshops and move them through their lifecycle.",
        "proposal": "Save and list proposals (saved portfolios with a rationale).",
        "stance": "Record a participant's stance on a proposal.",
        "decision": "Record the negotiated decision (facilitator).",
        "audit": "Verify a workshop's audit trail.",
    }
    sub = {}
    for name, text in groups.items():
        sub[name] = group(commands, name, text, parser_class)
    funders.register(sub["workshop"], parser_class)
    ends.register(sub["workshop"], parser_class)
    menu.register(sub["workshop"], parser_class)
    funders.register_commitments(sub["decision"])
    statement.register(sub["proposal"])

    p = sub["workshop"].add_parser("create", help="Create a workshop (prints id and join code).", description="Create a workshop.")
    p.add_argument("--name", required=True)
    p.add_argument("--budget", type=float, required=True)
    p.add_argument("--passcode-file", type=Path, required=True, help="file whose first line is the facilitator passcode (8+ characters)")
    p.add_argument("--currency", default="USD")
    p.add_argument("--status-quo", type=Path, help="status-quo portfolio JSON (scaled to the budget)")
    p.add_argument("--constraints", type=Path, help="optimizer constraints JSON for this workshop")
    p.add_argument("--deviation-threshold", type=float, default=0.01, help="share of the budget a decision may depart from the resident vote unexplained")
    p.set_defaults(run=workshop_create)
    p = sub["workshop"].add_parser("list", help="List workshops.", description="List workshops.")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.set_defaults(run=workshop_list)
    p = sub["workshop"].add_parser("show", help="Show one workshop.", description="Show one workshop with its chain head.")
    p.add_argument("--workshop", required=True)
    p.set_defaults(run=workshop_show)
    p = sub["workshop"].add_parser("export", help="Export a workshop as JSON, CSV or HTML.", description="Export a workshop.")
    p.add_argument("--workshop", required=True)
    p.add_argument("--format", choices=["json", "csv", "html"], default="json")
    p.add_argument("--out", help="file to write (a folder for --format csv: every table)")
    p.set_defaults(run=workshop_export)
    p = sub["workshop"].add_parser("room", help="Where the room is: participants' current sliders and opinion groups.",
                                   description="Per element the spread of the participants' current sliders (shares of their totals: quantiles, "
                                               "status quo, residents' vote, agreement); opinion groups with their size, mean portfolio and projection.")
    p.add_argument("--workshop", required=True)
    p.add_argument("--format", choices=["json", "csv"], default="json", help="csv: one row per element")
    p.add_argument("--names", action="store_true", help="name each group's members (the room view hides names by default)")
    p.set_defaults(run=workshop_room)
    p = sub["workshop"].add_parser("import", help="Import a workshop exported as JSON.",
                                   description="Import a JSON export under a new id. Exports carry no credentials: give the imported "
                                               "workshop a new facilitator passcode; participants sign in again.")
    p.add_argument("file", type=Path)
    p.add_argument("--passcode-file", type=Path, required=True, help="file whose first line is the new facilitator passcode (8+ characters)")
    p.set_defaults(run=workshop_import)
    p = sub["workshop"].add_parser("state", help="Move a workshop along its lifecycle.", description="Change a workshop's state (facilitator).")
    p.add_argument("--workshop", required=True)
    p.add_argument("--to", required=True, choices=["open", "deciding", "decided", "archived"])
    p.add_argument("--passcode-file", type=Path, required=True)
    p.set_defaults(run=workshop_state)

    p = sub["proposal"].add_parser("save", help="Save a proposal for the named participant.", description="Save a proposal.")
    for flag in ("--workshop", "--author", "--title", "--rationale"):
        p.add_argument(flag, required=True)
    p.add_argument("--organization", default="")
    p.add_argument("--sector", default="")
    p.add_argument("--portfolio", type=Path, help="JSON portfolio: the element totals (optional with --funding, whose totals it must equal)")
    p.add_argument("--funding", type=Path, help="CSV funder,element,amount: who funds what, each of the workshop's funders its own amount "
                                                "within its mandate; the element totals are the portfolio")
    p.add_argument("--origin", choices=ORIGINS, default="manual")
    p.add_argument("--origin-details", type=Path, help="JSON file with the origin's inputs (optimizer constraints, vote and rule, merged ids)")
    p.add_argument("--parent", help="id of the proposal this is a new version of")
    p.add_argument("--reason", help="why this version (required after the decision)")
    p.set_defaults(run=proposal_save)
    p = sub["proposal"].add_parser("list", help="List saved proposals.", description="List saved proposals.")
    p.add_argument("--workshop", required=True)
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.set_defaults(run=proposal_list)

    p = sub["proposal"].add_parser("compare", help="Compare 2 to 6 portfolios side by side.",
                                   description="Amounts, shares, differences from the first, agreement per element, distance from the residents' vote.")
    p.add_argument("--workshop", required=True)
    p.add_argument("--proposals", required=True, help="comma-separated proposal ids (or status_quo)")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.set_defaults(run=proposal_compare)

    p = sub["stance"].add_parser("add", help="Add a stance.", description="Record a stance: support, live_with, concerns or block.")
    for flag in ("--workshop", "--proposal", "--participant", "--reason"):
        p.add_argument(flag, required=True)
    p.add_argument("--stance", required=True, choices=STANCES)
    p.set_defaults(run=stance_add)

    p = sub["decision"].add_parser("record", help="Record the decision.", description="Record the decision (facilitator).")
    for flag in ("--workshop", "--proposal", "--rationale"):
        p.add_argument(flag, required=True)
    p.add_argument("--justifications", type=Path, help="JSON {element: why} for departures from the resident vote")
    p.add_argument("--reason", help="why a recorded decision is revised")
    p.add_argument("--passcode-file", type=Path, required=True)
    p.set_defaults(run=decision_record)

    p = sub["audit"].add_parser("verify", help="Verify the audit trail.", description="Exit 1 naming the first broken entry.")
    p.add_argument("--workshop", required=True)
    p.add_argument("--head", help="a chain head written down earlier (entries:hash, from 'workshop show' or the HTML report): "
                                  "exit 1 if newest entries were removed since")
    p.set_defaults(run=audit_verify)


__all__ = ["register", "VerificationFailed", "PortfolioError"]
