"""Backups that restore, on both engines: a round trip after which the audit chains and the vote verify, and a refusal to mix."""

import json
import sqlite3

import pytest

from portfolio_engine import storage
from portfolio_engine.cli.main import main
from portfolio_engine.errors import StorageError
from portfolio_engine.record import audit
from portfolio_engine.record.proposals import list_proposals
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import votes

PASS = "vote-passcode"


@pytest.fixture
def record(catalog, history):
    """A decided workshop and a closed split vote with three ballots (one replaced): (workshop id, vote id, receipts)."""
    vote = votes.create_vote(catalog, "Priorities", "split", "mean", 1_000_000, passcode=PASS, grant=OPERATOR)
    codes = votes.generate_codes(vote.id, 3, PASS)
    votes.open_vote(vote.id, PASS)
    receipts = [votes.cast(catalog, vote.id, code, {"allocations": {"humane_housing": s, "acute_care": 100 - s}})
                for code, s in zip(codes, (30, 60, 90), strict=True)]
    votes.close_vote(vote.id, PASS)
    return history[0], vote.id, receipts


def verified(chain_id: str, path=None) -> bool:
    with storage.reading(path) as db:
        return audit.verify(db, chain_id).ok


def test_a_backup_restores_into_a_new_sqlite_database_and_every_chain_verifies(record, tmp_path):
    workshop_id, vote_id, receipts = record
    counts = storage.backup.backup(tmp_path / "backup.db")
    assert counts["audit_log"] > 0 and counts["ballots"] == 3
    fresh = tmp_path / "restored" / "portfolio.db"
    assert storage.backup.restore(tmp_path / "backup.db", path=fresh) == counts
    assert verified(workshop_id, fresh) and verified(vote_id, fresh)
    with storage.reading(fresh) as db:
        assert [p["id"] for p in storage.select(db, "proposals", workshop_id=workshop_id)] == [p["id"] for p in list_proposals(workshop_id)]
    assert all("This ballot is counted" in votes.check_receipt(vote_id, r) for r in receipts)


def vote_ids() -> set[str]:
    with storage.reading() as db:
        return {v["id"] for v in storage.select(db, "votes")}


def test_a_restore_refuses_a_database_with_records_unless_told_to_replace(record, catalog, tmp_path):
    workshop_id, vote_id, _ = record
    storage.backup.backup(tmp_path / "backup.db")
    later = votes.create_vote(catalog, "After the backup", "split", "mean", 1_000, passcode=PASS, grant=OPERATOR)
    with pytest.raises(StorageError, match="already holds records.*--replace"):
        storage.backup.restore(tmp_path / "backup.db")
    assert later.id in vote_ids()  # refused: nothing changed
    storage.backup.restore(tmp_path / "backup.db", replace=True)
    assert vote_ids() == {vote_id}
    assert verified(workshop_id) and verified(vote_id)
    assert len(votes.current_ballots(vote_id)) == 3


def test_an_older_backup_gains_the_columns_added_since(record, tmp_path):
    workshop_id, vote_id, _ = record
    storage.backup.backup(tmp_path / "backup.db")
    with sqlite3.connect(tmp_path / "backup.db") as conn:  # as a backup made before the last migration would be
        last = storage.MIGRATIONS[-1].name
        conn.execute("DELETE FROM schema_migrations WHERE name = ?", [last])
    fresh = tmp_path / "restored.db"
    storage.backup.restore(tmp_path / "backup.db", path=fresh)
    assert storage.schema_version(fresh) == len(storage.MIGRATIONS) and verified(workshop_id, fresh) and verified(vote_id, fresh)


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 50])
def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(record, tmp_path, content):
    (tmp_path / "bad.db").write_bytes(content)
    with pytest.raises(StorageError, match="not a (Commons Portfolio|readable) backup"):
        storage.backup.restore(tmp_path / "bad.db", replace=True)
    assert verified(record[0])


def test_the_command_line_backs_up_and_restores(record, tmp_path, capsys):
    workshop_id, vote_id, _ = record
    assert main(["backup", "--out", str(tmp_path / "b.db")]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["ballots"] == 3 and err.startswith("Backed up ")
    assert main(["restore", str(tmp_path / "b.db")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "--replace" in err
    assert main(["restore", str(tmp_path / "b.db"), "--replace"]) == 0
    assert main(["audit", "verify", "--workshop", workshop_id]) == 0 and main(["vote", "audit", "--vote", vote_id]) == 0


@pytest.mark.engines("postgresql")
def test_an_installation_moves_from_sqlite_to_postgresql_and_back(record, tmp_path):
    workshop_id, vote_id, _ = record
    storage.backup.backup(tmp_path / "from_server.db")
    sqlite_file = tmp_path / "portfolio.sqlite"
    storage.backup.restore(tmp_path / "from_server.db", path=sqlite_file)
    storage.backup.backup(tmp_path / "from_sqlite.db", path=sqlite_file)  # SQLite's online backup API
    storage.backup.restore(tmp_path / "from_sqlite.db", replace=True)  # into the server
    assert verified(workshop_id) and verified(vote_id) and len(votes.current_ballots(vote_id)) == 3
