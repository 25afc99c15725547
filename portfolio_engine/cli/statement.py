"""`proposal statement`: a proposal's well-being impact statement, as JSON or a printable HTML page."""

import argparse
import json
from pathlib import Path

from portfolio_engine.cli.parsing import action
from portfolio_engine.errors import InputFormatError
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.record.statement import statement, to_html


def proposal_statement(args: argparse.Namespace) -> str:
    content = statement(load_catalog(), args.workshop, args.proposal)
    text = to_html(content) if args.format == "html" else json.dumps(content, indent=2, ensure_ascii=False, default=str)
    if args.out is None:
        return text
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as err:
        raise InputFormatError(f"--out: cannot write {args.out}: {err.strerror}.") from err
    return json.dumps({"written": str(args.out)})


def register(proposal: argparse._SubParsersAction) -> None:
    """`proposal statement` under the proposal group."""
    p = action(proposal, "statement", "A proposal's well-being impact statement (JSON or printable HTML).", proposal_statement, "--workshop",
               "--proposal", description="What the proposal funds and who funds it against today, what the projection says, each neighborhood "
                                         "with data against its own status quo and past, the indicators that should move and how the community "
                                         "will know in 1, 3 and 5 years, and the stances so far.")
    p.add_argument("--format", choices=["json", "html"], default="json")
    p.add_argument("--out", type=Path, help="file to write instead of standard output")
