"""Command-line commands for community indicators: import, list, export, communities."""

import argparse
import json
import sys
from pathlib import Path

from portfolio_engine.cli.parsing import group
from portfolio_engine.community.importers import IMPORT_KINDS, ImportOptions
from portfolio_engine.community.indicators import catalog_of_indicators, export_long, values
from portfolio_engine.errors import InputFormatError
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.communities import communities_from_values
from portfolio_engine.security import access


def indicators_import(args) -> str:
    """The operator (who holds the database file) imports a named file."""
    options = ImportOptions(args.period, args.geo_id, args.geo_name)
    summary = IMPORT_KINDS[args.kind].run(load_catalog(), args.file, access.OPERATOR, options)
    if not summary.changed:
        print("This file was imported before: nothing changed.", file=sys.stderr)
    result = summary.to_dict()
    result.pop("changed")
    return json.dumps(result)


def indicators_list(args) -> str:
    table = catalog_of_indicators()
    if args.format == "json":
        return json.dumps(table.to_dict("records"), indent=2, ensure_ascii=False)
    return table.to_csv(index=False).rstrip("\n")


def indicators_export(args) -> str:
    return export_long().rstrip("\n")


def indicators_communities(args) -> str:
    catalog = load_catalog()
    document = communities_from_values(values(), set(catalog.in_family("vital_conditions")))
    try:
        Path(args.out).write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    except OSError as err:
        raise InputFormatError(f"Cannot write {args.out}: {err.strerror}.") from err
    print(f"Wrote {len(document['communities'])} communities to {args.out}", file=sys.stderr)
    return ""


def indicators_view(args) -> str:
    from portfolio_engine.community.views import by_group, latest_by_place, strengths_and_gaps, trend

    rows = values(args.indicator)
    if rows.empty:
        raise InputFormatError(f"No values for indicator '{args.indicator}' (see `indicators list`).")
    place = values(geo_id=args.place)
    city = values(geo_id=args.city) if args.city else place.iloc[0:0]
    strengths, gaps = strengths_and_gaps(place, city)
    view = {"trend": trend(rows, args.place).to_dict("records"), "by_group": by_group(rows, args.place).to_dict("records"),
            "places": {level: latest_by_place(rows, level).to_dict("records") for level in ("neighborhood", "tract", "ward", "zip")},
            "strengths": strengths.to_dict("records"), "gaps": gaps.to_dict("records")}
    return json.dumps(view, indent=2, default=str)


def register(commands: argparse._SubParsersAction, parser_class) -> None:
    text = "Import, list and export community indicators; build the projection's communities file."
    sub = group(commands, "indicators", text, parser_class)
    p = sub.add_parser("import", help="Import a long-format, City Health Dashboard or survey CSV.",
                       description="Import a file (all or nothing); prints a JSON summary.")
    p.add_argument("file", type=Path)
    p.add_argument("--kind", choices=tuple(IMPORT_KINDS), required=True, help="; ".join(f"{k.name}: {k.words}" for k in IMPORT_KINDS.values()))
    p.add_argument("--period", help="survey period label (default: this year)")
    p.add_argument("--geo-id", default="city", help="survey: the whole survey's place id (default city)")
    p.add_argument("--geo-name", default="Whole city", help="survey: the whole survey's place name")
    p.set_defaults(run=indicators_import)
    p = sub.add_parser("list", help="List the imported indicators.", description="List the imported indicators.")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.set_defaults(run=indicators_list)
    p = sub.add_parser("export", help="Export every stored value in the long format (CSV).",
                       description="Export values as long CSV (text cells starting with = + - @ or a tab get a leading ' so spreadsheets "
                                   "do not run them).")
    p.add_argument("--format", choices=["long"], default="long")
    p.set_defaults(run=indicators_export)
    p = sub.add_parser("view", help="A place against its own past: trend, groups, places, strengths and gaps (JSON).",
                       description="What the Data page shows, as JSON.")
    p.add_argument("--indicator", required=True)
    p.add_argument("--place", required=True, help="geo_id of the place")
    p.add_argument("--city", help="geo_id of the whole city, for strengths and gaps against it")
    p.set_defaults(run=indicators_view)
    p = sub.add_parser("communities", help="Write the communities file for --start.", description="Neighborhood starting points.")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(run=indicators_communities)
