"""Each table's row type is its contract: its fields are the columns of a freshly migrated database, in order, typed as stored."""

import sqlite3
from typing import get_type_hints

from portfolio_engine import storage
from portfolio_engine.storage.row_types import ROW_TYPES

PYTHON_TYPES = {"TEXT": str, "REAL": float, "INTEGER": int}


def column_types(conn: sqlite3.Connection, table: str) -> dict[str, object]:
    """Each column of a table (in order) with the field type it needs: nullable columns admit None (a primary key never is null)."""
    found = {}
    for _, name, declared, notnull, _, pk in conn.execute(f"PRAGMA table_info({table})"):
        kind = PYTHON_TYPES[declared]
        found[name] = kind if notnull or pk else kind | None
    return found


def mismatches(path) -> dict[str, tuple[dict, dict]]:
    """The tables whose columns differ from their row type's fields: table -> (columns, fields)."""
    with sqlite3.connect(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} - {"meta", "schema_migrations"}
        assert tables == set(ROW_TYPES)
        pairs = {table: (column_types(conn, table), get_type_hints(ROW_TYPES[table])) for table in sorted(tables)}
    return {table: (columns, fields) for table, (columns, fields) in pairs.items() if list(columns.items()) != list(fields.items())}


def test_each_row_type_has_its_tables_columns_in_order_and_types(private_database):
    storage.migrate()
    assert mismatches(private_database) == {}


def test_a_column_added_without_its_field_fails_the_contract(private_database, monkeypatch):
    extra = storage.Migration("test: proposals get a summary", storage.migrations.script("ALTER TABLE proposals ADD COLUMN summary TEXT"))
    monkeypatch.setattr(storage.migrations, "MIGRATIONS", storage.MIGRATIONS + (extra,))
    storage.migrate()
    assert list(mismatches(private_database)) == ["proposals"]


def test_rows_are_read_by_column_name_into_the_row_types_keys(workshop):
    with storage.reading() as db:
        row = storage.select_one(db, "workshops", id=workshop["workshop"].id)
    assert row is not None and list(row) == list(get_type_hints(ROW_TYPES["workshops"]))
