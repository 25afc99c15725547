import sqlite3

import pytest

from portfolio_engine import storage
from portfolio_engine.errors import StorageError


def test_migrate_creates_the_database_and_is_idempotent(private_database):
    assert storage.migrate() == len(storage.MIGRATIONS)
    assert storage.migrate() == len(storage.MIGRATIONS)
    assert storage.schema_version() == len(storage.MIGRATIONS)
    with sqlite3.connect(private_database) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == len(storage.MIGRATIONS)


def test_portfolio_db_variable_chooses_the_file(private_database, tmp_path, monkeypatch):
    other = tmp_path / "sub" / "other.db"
    monkeypatch.setenv("PORTFOLIO_DB", str(other))
    storage.migrate()
    assert other.exists() and not private_database.exists()


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

    monkeypatch.setattr(storage, "MIGRATIONS", storage.MIGRATIONS + (("broken", broken),))
    with pytest.raises(StorageError):
        storage.migrate()
    db = storage.connect()
    assert "half_done" not in db.table_names()
    assert "schema_migrations" not in db.table_names()
