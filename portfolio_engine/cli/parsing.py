"""The one parser helper of the command line: command groups and their actions, declared the same way everywhere."""

import argparse
from collections.abc import Callable
from pathlib import Path


def group(commands: argparse._SubParsersAction, name: str, text: str, parser_class: type) -> argparse._SubParsersAction:
    """A command group (`vote`, `indicators`, ...) whose actions are its subcommands."""
    parser = commands.add_parser(name, help=text, description=text)
    return parser.add_subparsers(dest="action", required=True, parser_class=parser_class)


def action(sub: argparse._SubParsersAction, name: str, help_text: str, run: Callable[[argparse.Namespace], str],
           *required: str, description: str | None = None) -> argparse.ArgumentParser:
    """One action of a group, running `run`, with the named options required (`--...-file` options are paths)."""
    parser = sub.add_parser(name, help=help_text, description=description or help_text)
    for option in required:
        parser.add_argument(option, required=True, **({"type": Path} if option.endswith("-file") else {}))
    parser.set_defaults(run=run)
    return parser
