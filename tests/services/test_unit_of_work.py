"""A unit of work: reads see one snapshot; writes commit together or not at all."""

import sqlite3

import pytest

from portfolio_engine import storage
from portfolio_engine.record.exports import report_record
from portfolio_engine.record.proposals import proposals_in, save_proposal
from portfolio_engine.services.reports import workshop_report
from portfolio_engine.services.unit_of_work import unit_of_work


def save(catalog, workshop, status_quo, title):
    return save_proposal(catalog, workshop["workshop"].id, workshop["ana"]["id"], title, "Why", status_quo.allocations)


def test_a_read_sees_one_snapshot_while_others_write(catalog, workshop, status_quo):
    workshop_id = workshop["workshop"].id
    save(catalog, workshop, status_quo, "First")
    with unit_of_work() as db:
        before = proposals_in(db, workshop_id)
        save(catalog, workshop, status_quo, "Written meanwhile")  # another connection commits
        assert proposals_in(db, workshop_id) == before
    with unit_of_work() as db:
        assert [p["title"] for p in proposals_in(db, workshop_id)] == ["First", "Written meanwhile"]


def test_a_plain_reading_connection_is_no_snapshot(catalog, workshop, status_quo):
    """Why the unit of work opens a transaction: without one, each read sees the latest commit (the old per-function connections)."""
    workshop_id = workshop["workshop"].id
    save(catalog, workshop, status_quo, "First")
    with storage.reading() as db:
        proposals_in(db, workshop_id)
        save(catalog, workshop, status_quo, "Written meanwhile")
        assert len(proposals_in(db, workshop_id)) == 2


def test_a_failed_write_leaves_nothing(workshop):
    workshop_id = workshop["workshop"].id
    with pytest.raises(RuntimeError), unit_of_work(write=True) as db:
        storage.update(db, "workshops", workshop_id, {"name": "Renamed"})
        raise RuntimeError("stop")
    with unit_of_work() as db:
        assert storage.select_one(db, "workshops", id=workshop_id)["name"] == "Riverside budget workshop"


def test_the_report_reads_one_connection_not_six(catalog, workshop, status_quo, monkeypatch):
    save(catalog, workshop, status_quo, "First")
    with unit_of_work() as db:  # the database is created and migrated before counting
        report_record(db, workshop["workshop"].id)
    opened = []
    real, real_server = sqlite3.connect, storage.postgres.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: opened.append(a) or real(*a, **k))
    monkeypatch.setattr(storage.postgres, "connect", lambda *a, **k: opened.append(a) or real_server(*a, **k))  # one from the pool
    with unit_of_work() as db:
        page = workshop_report(db, catalog, workshop["workshop"].id)
    assert "First (v1)" in page and len(opened) == 1
