"""Command-line commands for resident votes: set-up, codes, casting, paper ballots, results, signed bundles, the vote's audit, purging."""

import argparse
import json
import sys
from pathlib import Path

from portfolio_engine import limits
from portfolio_engine.cli.parsing import action, group
from portfolio_engine.cli.workshop import format_table, read_passcode
from portfolio_engine.errors import InputFormatError, RecordBroken, VerificationFailed
from portfolio_engine.jsonfile import read_json
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.record.ballot_groups import vote_groups as vote_groups_of
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import rules, votes
from portfolio_engine.voting.results import bundle, export_pabulib, integrity, public_key, results, verify_bundle


def _read_text(path: Path) -> str:
    try:
        if Path(path).stat().st_size > limits.MAX_UPLOAD_BYTES:
            raise InputFormatError(f"{path} is larger than {limits.MAX_UPLOAD_BYTES:,} bytes.")
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise InputFormatError(f"Cannot read {path} as UTF-8 text.") from err


def vote_create(args) -> str:
    catalog = load_catalog()
    projects = votes.read_projects(catalog, _read_text(args.projects)) if args.projects else None
    vote = votes.create_vote(catalog, args.title or f"{args.ballot} vote", args.ballot, args.rule, args.budget, args.workshop,
                             read_passcode(args.passcode_file), args.currency, projects, args.split_over, args.min_projects,
                             args.max_projects, args.points, args.min_spend, not args.no_revote, grant=None if args.workshop else OPERATOR,
                             live_results=args.live_results)
    return json.dumps({"id": vote.id})


def vote_state(args) -> str:
    change = votes.open_vote if args.action == "open" else votes.close_vote
    vote = change(args.vote, read_passcode(args.passcode_file))
    return json.dumps({"id": vote.id, "state": vote.state, "rules_hash": vote.rules_hash})


def vote_codes(args) -> str:
    codes = votes.generate_codes(args.vote, args.count, read_passcode(args.passcode_file))
    return format_table([{"code": c} for c in codes], ["code"], "csv")


def vote_cast(args) -> str:
    raw = read_json(args.ballot)
    if not isinstance(raw, dict):
        raise InputFormatError(f"{args.ballot} must hold a JSON object.")
    receipt = votes.cast(load_catalog(), args.vote, args.code, raw, raw.get("neighborhood", ""), raw.get("group", ""), raw.get("why", ""),
                         publish_why=raw.get("publish_why") is True)
    print("Your vote was recorded. Keep your receipt code to check it is counted.", file=sys.stderr)
    return receipt


def vote_import_paper(args) -> str:
    imported = votes.import_paper(load_catalog(), args.vote, _read_text(args.file), read_passcode(args.passcode_file))
    return json.dumps({"imported": imported})


def vote_results(args) -> str:
    outcome = results(args.vote, load_catalog())
    if args.format == "json":
        return json.dumps(outcome, indent=2)
    result = outcome["result"]
    rows = ([{"category": k, "amount": v} for k, v in result.get("allocations", {}).items()] if "allocations" in result
            else [{"project": p, "selected": 1} for p in result.get("selected", [])])
    return format_table(rows, list(rows[0]) if rows else ["category", "amount"], "csv")


def vote_groups(args) -> str:
    """A closed split vote's opinion groups: sizes, mean portfolios and what separates them (record/ballot_groups.py)."""
    return json.dumps(vote_groups_of(args.vote, load_catalog()), indent=2)


def vote_bundle(args) -> str:
    try:
        text = json.dumps(bundle(args.vote, load_catalog()), indent=2)
    except RecordBroken as err:
        raise VerificationFailed(str(err)) from None
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"Wrote {args.out}", file=sys.stderr)
    return ""


def vote_export_pb(args) -> str:
    Path(args.out).write_text(export_pabulib(args.vote), encoding="utf-8")
    print(f"Wrote {args.out}", file=sys.stderr)
    return ""


def vote_verify(args) -> str:
    problems = verify_bundle(read_json(args.bundle), load_catalog(), args.public_key)
    if problems:
        raise VerificationFailed(" ".join(problems))
    if args.public_key is None:
        print("Signed by the key inside the bundle: compare it with the one published with the results, or pass --public-key.",
              file=sys.stderr)
    print("The bundle checks out: signature, rules, ballots and result match.", file=sys.stderr)
    return json.dumps({"ok": True})


def vote_audit(args) -> str:
    votes.get_vote(args.vote)
    check = integrity(args.vote, head=args.head)
    if not check.ok:
        raise VerificationFailed(check.problem)
    print(f"The vote's record is intact: {check.entries} entries, chain head {check.head}.", file=sys.stderr)
    return json.dumps({"ok": True, "entries": check.entries, "chain_head": check.label})


def vote_public_key(args) -> str:
    return public_key(votes.get_vote(args.vote).id)


def vote_receipt(args) -> str:
    return votes.check_receipt(args.vote, args.code)


def vote_purge(args) -> str:
    if args.expired:
        return json.dumps({"purged": votes.purge_expired(OPERATOR, args.days)})
    if not args.vote or not args.passcode_file:
        raise InputFormatError("Give --vote and --passcode-file (or --expired to purge every vote past the retention period).")
    changed = votes.purge(args.vote, read_passcode(args.passcode_file))
    print("Codes and unpublished free text were purged; receipts and the bundle still check out.", file=sys.stderr)
    return json.dumps({"vote": args.vote, "ballots_changed": changed})


def register(commands: argparse._SubParsersAction, parser_class) -> None:
    text = "Resident votes: create, open and close, voter codes, cast, paper ballots, results, bundles."
    sub = group(commands, "vote", text, parser_class)
    p = action(sub, "create", "Create a vote (draft).", vote_create, "--passcode-file", description="Create a vote; prints its id.")
    p.add_argument("--workshop", help="workshop id (its facilitator passcode authorizes); without it the vote has its own passcode")
    p.add_argument("--ballot", choices=votes.BALLOTS, required=True)
    p.add_argument("--rule", required=True, choices=tuple(rules.RULES), metavar="RULE", help=rules.help_text())
    p.add_argument("--budget", type=float, required=True)
    p.add_argument("--title")
    p.add_argument("--currency", default="USD")
    p.add_argument("--projects", type=Path, help="CSV: project_id, name, cost, element")
    p.add_argument("--split-over", choices=["elements", "families"], default="elements")
    p.add_argument("--min-projects", type=int)
    p.add_argument("--max-projects", type=int)
    p.add_argument("--points", type=int)
    p.add_argument("--min-spend", type=float, help="knapsack: minimum spend as a share of the budget")
    p.add_argument("--no-revote", action="store_true", help="a code cannot replace its ballot")
    p.add_argument("--live-results", action="store_true", help="show results on the Results page while the vote is open (default: only once it closes)")
    action(sub, "open", "Open a vote (freezes its rules).", vote_state, "--vote", "--passcode-file")
    action(sub, "close", "Close a vote.", vote_state, "--vote", "--passcode-file")
    p = action(sub, "codes", "Generate one-time voter codes (CSV).", vote_codes, "--vote", "--passcode-file",
               description="Print N new voter codes as CSV.")
    p.add_argument("--count", type=int, required=True)
    p = action(sub, "cast", "Cast a ballot with a voter code; prints the receipt.", vote_cast, "--vote", "--code", description="Cast a ballot.")
    p.add_argument("--ballot", type=Path, required=True, help="JSON: {allocations: {...}} | {projects: [...]} | {points: {...}}")
    p = action(sub, "import-paper", "Import paper ballots (CSV).", vote_import_paper, "--vote", "--passcode-file",
               description="paper_id plus the ballot's columns.")
    p.add_argument("file", type=Path)
    p = action(sub, "results", "Results under the frozen rule (and the others).", vote_results, "--vote", description="Print the results.")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    action(sub, "groups", "Opinion groups among a closed split vote's ballots (sizes and means, no ballot named).", vote_groups, "--vote",
           description="Print the groups as JSON.")
    p = action(sub, "bundle", "Write the results bundle.", vote_bundle, "--vote", description="Rules, anonymized ballots, result and hashes.")
    p.add_argument("--out", type=Path, required=True)
    p = action(sub, "export-pb", "Export a project vote's ballots as a pabulib file.", vote_export_pb, "--vote",
               description="Anonymized .pb export.")
    p.add_argument("--out", type=Path, required=True)
    p = action(sub, "verify", "Check a results bundle's signature and recompute it; exit 1 naming a difference.", vote_verify,
               description="Verify a bundle without any server secret.")
    p.add_argument("bundle", type=Path)
    p.add_argument("--public-key", help="the vote's published key (hex, from the Results page or 'vote public-key')")
    p = action(sub, "audit", "Verify the vote's audit chain; exit 1 naming the first problem.", vote_audit, "--vote",
               description="Check every ballot, code and rule change of a vote against its audit chain.")
    p.add_argument("--head", help="a chain head written down earlier ('entries:hash', e.g. a bundle's record_head)")
    action(sub, "public-key", "Print the key that checks the vote's bundles.", vote_public_key, "--vote",
           description="The vote's Ed25519 public key (hex).")
    action(sub, "receipt", "Whether the ballot with this receipt is counted.", vote_receipt, "--vote", "--code",
           description="Check a receipt code.")
    p = action(sub, "purge", "Retention: forget codes and unpublished free text of a closed vote (audited).", vote_purge,
               description="Purge one closed vote now, or --expired: every vote closed longer than PORTFOLIO_VOTE_RETENTION_DAYS.")
    p.add_argument("--vote")
    p.add_argument("--passcode-file", type=Path)
    p.add_argument("--expired", action="store_true", help="every vote closed longer ago than the retention period (operator)")
    p.add_argument("--days", type=int, help="with --expired: override the retention period")
