"""Backup and restore commands: `backup --out FILE` and `restore FILE [--replace]`, on either engine (storage/backup.py).

Both print the rows per table as JSON on standard output and one line on standard error. The key is never in a backup.
"""

import argparse
import json
import sys
from pathlib import Path

from portfolio_engine import storage

HELP = {
    "backup": ("Write the whole database to one file (a SQLite database; the key is not in it).",
               "Copy every table to FILE: SQLite's online backup for a SQLite database, one consistent snapshot of a PostgreSQL one. "
               "The file restores on either engine. Keep the key (PORTFOLIO_SECRET or its file) apart from it: docs/deploy.md."),
    "restore": ("Restore a backup file into the database (refused on one holding records, unless --replace).",
                "Make the database (PORTFOLIO_DB, or DATABASE_URL's server) hold exactly the backup's records, in one transaction. "
                "Afterwards check with `audit verify` and `vote audit`; the key must be the one the backup was made under."),
}


def cmd_backup(args: argparse.Namespace) -> str:
    counts = storage.backup.backup(args.out)
    print(f"Backed up {sum(counts.values())} rows in {len(counts)} tables from {storage.describe()} to {args.out}.", file=sys.stderr)
    return json.dumps(counts, indent=2)


def cmd_restore(args: argparse.Namespace) -> str:
    counts = storage.backup.restore(args.file, replace=args.replace)
    print(f"Restored {sum(counts.values())} rows in {len(counts)} tables from {args.file.name} into {storage.describe()}.", file=sys.stderr)
    return json.dumps(counts, indent=2)


def register(commands) -> None:
    p = commands.add_parser("backup", help=HELP["backup"][0], description=HELP["backup"][1])
    p.add_argument("--out", type=Path, required=True, help="the backup file to write (replaced only once complete)")
    p.set_defaults(run=cmd_backup)
    p = commands.add_parser("restore", help=HELP["restore"][0], description=HELP["restore"][1])
    p.add_argument("file", type=Path, help="a file written by `backup`")
    p.add_argument("--replace", action="store_true", help="replace everything the database holds (otherwise only an empty database is restored into)")
    p.set_defaults(run=cmd_restore)
