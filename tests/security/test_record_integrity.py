"""Issue 15, the workshop record: storage that cannot be injected, an audit chain without blind spots, keys,
no secrets in exports, and storage errors that say what happened (findings 4, 6, 7, 10, 11 and 12)."""

import sqlite3

import pytest

from portfolio_engine import keys, storage
from portfolio_engine.errors import PortfolioError


@pytest.fixture(autouse=True)
def fresh_key_check():
    """Each test starts like a new process: the key file is checked again."""
    keys._checked.clear()
    yield
    keys._checked.clear()


# Finding 11: a lost key is never silently replaced.

def test_a_missing_key_file_on_a_database_with_an_audit_record_stops_with_a_restore_message(workshop, private_database):
    key = private_database.with_name("secret.key")
    key.unlink()
    keys._checked.clear()  # the next process
    with pytest.raises(keys.KeyMissing, match="secret.key is missing but this database has an audit record: restore the key from your backup"):
        keys.secret_key()
    assert not key.exists()


@pytest.mark.parametrize("content", ["", "\n", "abc123", "z" * 64])
def test_an_empty_short_or_damaged_key_file_is_refused(workshop, private_database, content):
    private_database.with_name("secret.key").write_text(content)
    keys._checked.clear()
    with pytest.raises(keys.KeyMissing, match="restore the key from your backup"):
        keys.secret_key()


def test_a_short_environment_key_is_refused(monkeypatch):
    monkeypatch.setenv("PORTFOLIO_SECRET", "short")
    with pytest.raises(keys.KeyMissing, match="PORTFOLIO_SECRET is too short"):
        keys.secret_key()


def test_a_brand_new_database_still_gets_a_key(private_database):
    assert len(keys.secret_key()) == 64
    assert private_database.with_name("secret.key").exists()


# Finding 12 (full disk) and finding 10 (a lock timeout is not an unreadable file).

def test_a_full_disk_says_the_disk_is_full_even_when_sqlite_already_rolled_back(workshop):
    """SQLite ends the transaction itself on SQLITE_FULL; the failing ROLLBACK used to hide the real error."""
    with pytest.raises(storage.DiskFull, match="The disk is full"), storage.writing() as db:
        db.execute("ROLLBACK")  # what SQLite does by itself when the disk fills during a commit
        raise sqlite3.OperationalError("database or disk is full")


def test_a_database_that_cannot_grow_says_the_disk_is_full(workshop, monkeypatch):
    """SQLITE_FULL for real: the connection may not add a page to the file."""
    plain = storage.connect

    def no_room(path=None):
        db = plain(path)
        db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
        return db

    monkeypatch.setattr(storage, "connect", no_room)
    with pytest.raises(storage.DiskFull, match="The disk is full: nothing was saved"), storage.writing() as db:
        for n in range(200):
            db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", [f"filler-{n}", "x" * 4000])
    monkeypatch.setattr(storage, "connect", plain)
    with storage.reading() as db:
        assert not db.execute("SELECT COUNT(*) FROM meta WHERE key LIKE 'filler-%'").fetchone()[0]


@pytest.fixture
def locked(private_database, monkeypatch):
    """Another process holds the write lock; waits are short."""
    storage.migrate()
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(private_database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield
    holder.execute("ROLLBACK")
    holder.close()


def test_a_lock_timeout_says_busy_and_never_to_move_the_database_aside(locked):
    for attempt in (storage.migrate, lambda: storage.writing().__enter__()):
        with pytest.raises(storage.DatabaseBusy) as refused:
            attempt()
        assert str(refused.value) == "The database is busy; please try again in a moment. Nothing was changed."
        assert "move it aside" not in str(refused.value) and "unreadable" not in str(refused.value)


def test_only_a_damaged_file_is_called_unreadable(private_database):
    private_database.write_bytes(b"not a database" * 300)
    with pytest.raises(PortfolioError, match="unreadable or not a Commons Portfolio database"):
        storage.migrate()
