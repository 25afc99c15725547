"""Tamper detection: changes behind the application's back (a plain connection to either engine) are named."""

import json
import re

import pytest

from portfolio_engine import storage
from portfolio_engine.record import audit
from tests.postgres import raw_connection, stored_bytes


def verify(workshop_id):
    with storage.reading() as db:
        return audit.verify(db, workshop_id)


def tamper(path, sql, *params):
    with raw_connection(path) as conn:
        conn.execute(sql, params)
        conn.commit()


def test_untouched_history_verifies(history):
    result = verify(history[0])
    assert result.ok and result.entries == 9 and len(result.head) == 64


def test_every_write_is_audited_with_who_what_before_and_after(history, private_database):
    rows = raw_connection(private_database).execute("SELECT seq, actor, action, before IS NOT NULL, after IS NOT NULL FROM audit_log ORDER BY seq").fetchall()
    assert [r[2] for r in rows] == ["workshop.create", "participant.join", "participant.join", "participant.join", "proposal.create",
                                    "stance.add", "workshop.deciding", "decision.record", "workshop.decided"]
    assert rows[4][1] == "Ana" and rows[6][3] == 1


@pytest.mark.parametrize(("sql", "message"), [
    ("UPDATE proposals SET rationale = 'Rewritten later'", r"Audit entry 5 \(proposal.create p-\w+\): the stored proposal differs"),
    ("UPDATE stances SET stance = 'block'", r"Audit entry 6 \(stance.add s-\w+\): the stored stance differs"),
    ("UPDATE decisions SET rationale = 'Other'", r"Audit entry 8 \(decision.record d-\w+\): the stored decision differs"),
    ("DELETE FROM stances", "Audit entry 6 .*: the stance it records was deleted"),
    ("UPDATE audit_log SET actor = 'Mallory' WHERE seq = 5", "Audit entry 5 .*: its content was changed"),
    ("DELETE FROM audit_log WHERE seq = 3", "Audit entry 3 is missing"),
    ("UPDATE audit_log SET after = replace(after, 'Stable', 'Bold') WHERE seq = 5", "Audit entry 5 .*: its content was changed"),
])
def test_tampering_is_named(history, private_database, sql, message):
    tamper(private_database, sql)
    result = verify(history[0])
    assert not result.ok
    assert re.search(message, result.problem), result.problem


def test_a_row_inserted_behind_the_applications_back_is_found(history, private_database):
    tamper(private_database, "INSERT INTO stances SELECT 's-forged', workshop_id, proposal_id, participant_id, 'support', 'x', created_at FROM stances")
    assert "s-forged has no audit entry" in verify(history[0]).problem


def test_rewriting_the_chain_without_the_key_is_detected(history, private_database, monkeypatch):
    """Someone with the database but not the key recomputes hashes with a key of their own."""
    tamper(private_database, "UPDATE proposals SET rationale = 'Forged'")
    monkeypatch.setenv("PORTFOLIO_SECRET", "an-attackers-guessed-key")
    with storage.writing() as db:
        rows = storage.select(db, "audit_log", order="seq", workshop_id=history[0])
        db.execute("DELETE FROM audit_log")
        for row in rows:
            after = row["after"].replace('"rationale":"Stable"', '"rationale":"Forged"') if row["after"] else None
            audit.append(db, row["workshop_id"], row["actor"], row["action"], row["entity"], row["entity_id"],
                         json.loads(row["before"]) if row["before"] else None, json.loads(after) if after else None)
    monkeypatch.delenv("PORTFOLIO_SECRET")
    assert "its content was changed" in verify(history[0]).problem


def test_the_key_is_not_in_the_database(history, private_database):
    key = (private_database.parent / "secret.key").read_text().strip()
    assert key.encode() not in stored_bytes(private_database)


def test_a_secret_fields_digest_follows_the_key(monkeypatch):
    """Digests are kept per key and value (a vote's blank 'why' is digested once per check): a new key never reuses an old digest."""
    from portfolio_engine.security.keys import keyed_hash

    monkeypatch.setenv("PORTFOLIO_SECRET", "the-first-installation-key")
    first = audit.secret_digest("")
    assert first == audit.DIGEST + keyed_hash("secret-field:")
    monkeypatch.setenv("PORTFOLIO_SECRET", "the-second-installation-key")
    assert audit.secret_digest("") == audit.DIGEST + keyed_hash("secret-field:") != first
