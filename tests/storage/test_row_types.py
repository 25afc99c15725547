"""Each table's row type is its contract: its fields are the columns of a freshly migrated database, in order, typed as stored."""

import sqlite3
from typing import get_type_hints

from portfolio_engine import storage
from portfolio_engine.storage.row_types import ROW_TYPES
from tests.postgres import raw_connection

PYTHON_TYPES = {"TEXT": str, "REAL": float, "INTEGER": int, "text": str, "double precision": float, "bigint": int, "BLOB": bytes, "bytea": bytes}
SERVER_COLUMNS = ("SELECT c.column_name, c.data_type, c.is_nullable = 'NO', EXISTS (SELECT 1 FROM information_schema.key_column_usage k "
                  "JOIN information_schema.table_constraints t ON t.constraint_name = k.constraint_name AND t.table_schema = k.table_schema "
                  "WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_schema = c.table_schema AND k.table_name = c.table_name "
                  "AND k.column_name = c.column_name) FROM information_schema.columns c "
                  "WHERE c.table_schema = current_schema() AND c.table_name = ? AND c.column_name <> 'rowid' ORDER BY c.ordinal_position")


def declared_columns(conn, table: str) -> list[tuple[str, str, bool, bool]]:
    """Each column of a table, in order: name, declared type, not null, part of the primary key (on either engine)."""
    if isinstance(conn, sqlite3.Connection):
        return [(name, declared, bool(notnull), bool(pk)) for _, name, declared, notnull, _, pk in conn.execute(f"PRAGMA table_info({table})")]
    return conn.execute(SERVER_COLUMNS, [table]).fetchall()


def column_types(conn, table: str) -> dict[str, object]:
    """Each column of a table (in order) with the field type it needs: nullable columns admit None (a primary key never is null)."""
    found = {}
    for name, declared, notnull, pk in declared_columns(conn, table):
        kind = PYTHON_TYPES[declared]
        found[name] = kind if notnull or pk else kind | None
    return found


def table_names(conn) -> set[str]:
    if isinstance(conn, sqlite3.Connection):
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {row[0] for row in conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}


def mismatches(path) -> dict[str, tuple[dict, dict]]:
    """The tables whose columns differ from their row type's fields: table -> (columns, fields)."""
    with raw_connection(path) as conn:
        tables = table_names(conn) - {"meta", "schema_migrations"}
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
