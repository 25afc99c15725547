"""`workshop menu set|show`: a workshop's local menu (its words for the elements, local programs, its word for well-being)."""

import argparse
import json
from pathlib import Path

from portfolio_engine import i18n
from portfolio_engine.cli.parsing import action
from portfolio_engine.jsonfile import read_json
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.record.menu import WORD, current_menu, localized, set_menu
from portfolio_engine.record.workshops import get_workshop


def menu_set(args: argparse.Namespace) -> str:
    from portfolio_engine.cli.workshop import read_passcode  # here, not at the top: cli/workshop registers this module

    menu = set_menu(load_catalog(), args.workshop, read_json(args.file), args.reason, read_passcode(args.passcode_file))
    return json.dumps(menu.to_dict(), indent=2, ensure_ascii=False)


def menu_show(args: argparse.Namespace) -> str:
    """The workshop's catalog in its own words (as `catalog --format json`), with its word for well-being and its programs."""
    get_workshop(args.workshop)
    menu = current_menu(args.workshop)
    catalog = localized(load_catalog(), menu, args.language)
    elements = [{"id": e.id, "family": e.family, "name": e.name, "definition": e.definition, "description": e.description, "items": list(e.items)}
                for e in catalog.elements]
    return json.dumps({"word": menu.word if menu else WORD, "elements": elements, "line_items": menu.to_dict()["line_items"] if menu else []},
                      indent=2, ensure_ascii=False)


def register(workshop: argparse._SubParsersAction, parser_class: type) -> None:
    """`workshop menu set|show` under the workshop group."""
    text = "A workshop's local menu: its words for the elements, their definitions and items, local programs, its word for well-being."
    sub = workshop.add_parser("menu", help=text, description=text).add_subparsers(dest="menu_action", required=True, parser_class=parser_class)
    p = action(sub, "set", "Save the workshop's menu (facilitator); a change later needs a reason.", menu_set, "--workshop", "--passcode-file",
               description='Save the menu from a JSON file {"word": "flourishing", "elements": {id: {"name", "definition", "items", '
                           '"translations": {lang: {"name", ...}}}}, '
                           '"line_items": [{"element": id, "name": ..., "cost": amount, "neighborhood": ...}]}. Ids stay the catalog\'s.')
    p.add_argument("--file", type=Path, required=True)
    p.add_argument("--reason", help="why the menu changes (required for every version after the first)")
    p = action(sub, "show", "Show the workshop's catalog in its own words.", menu_show, "--workshop")
    p.add_argument("--language", choices=list(i18n.languages()), help="as a page in this language shows it: the menu's wording in it, "
                                                                       "else the menu's own, else the catalog's translation")
