import sqlite3

import pytest

from portfolio_engine import storage
from portfolio_engine.errors import StorageError, UnknownColumn
from tests.postgres import raw_connection


def test_migrate_creates_the_database_and_is_idempotent(private_database):
    assert storage.migrate() == len(storage.MIGRATIONS)
    assert storage.migrate() == len(storage.MIGRATIONS)
    assert storage.schema_version() == len(storage.MIGRATIONS)
    with raw_connection(private_database) as conn:
        assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == len(storage.MIGRATIONS)


@pytest.mark.engines("sqlite")
def test_a_sqlite_file_is_in_wal_mode(private_database):
    storage.migrate()
    with sqlite3.connect(private_database) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.engines("sqlite")
def test_portfolio_db_variable_chooses_the_file(private_database, tmp_path, monkeypatch):
    other = tmp_path / "sub" / "other.db"
    monkeypatch.setenv("PORTFOLIO_DB", str(other))
    storage.migrate()
    assert other.exists() and not private_database.exists()


@pytest.mark.engines("sqlite")
def test_a_corrupt_file_gives_a_clear_message_and_is_left_alone(private_database):
    private_database.write_bytes(b"this is not a database" * 100)
    before = private_database.read_bytes()
    with pytest.raises(StorageError, match="not a Commons Portfolio database"):
        storage.migrate()
    assert private_database.read_bytes() == before


def test_a_failing_migration_rolls_back(monkeypatch):
    def broken(db):
        db.execute("CREATE TABLE half_done (x INTEGER)")
        raise sqlite3.OperationalError("disk full")

    monkeypatch.setattr(storage.migrations, "MIGRATIONS", storage.MIGRATIONS + (storage.Migration("broken", broken),))
    with pytest.raises(StorageError):
        storage.migrate()
    db = storage.connect()
    assert "half_done" not in db.table_names()
    assert "schema_migrations" not in db.table_names()


@pytest.mark.parametrize("write", [
    lambda db: storage.insert(db, "workshops", {"id": "w-1", "name) VALUES ('x'); UPDATE workshops SET passcode_hash = 'x'; --": 1}),
    lambda db: storage.update(db, "workshops", "w-1", {"name = (SELECT passcode_hash FROM workshops) --": "x"}),
    lambda db: storage.select(db, "workshops", **{"1 = 1 OR id": "x"}),
    lambda db: storage.select(db, "workshops", order="(SELECT passcode_hash FROM workshops)"),
])
def test_only_the_tables_own_column_names_reach_sql(write):
    storage.migrate()
    with pytest.raises(UnknownColumn, match="is not a field of"), storage.writing() as db:
        write(db)
    with storage.reading() as db:
        assert db.execute("SELECT COUNT(*) FROM workshops").fetchone()[0] == 0


def test_a_column_added_by_a_later_migration_is_accepted(private_database):
    storage.migrate()
    with storage.writing() as db:
        storage.select(db, "stances")  # the schema of stances is now cached
        db.execute("ALTER TABLE stances ADD COLUMN extra TEXT")
        storage.update(db, "stances", "s-1", {"extra": "e"})
        assert storage.select(db, "stances", order="extra", extra="e") == []
    storage.database._SCHEMA.pop("stances")  # other tests' databases have no such column
