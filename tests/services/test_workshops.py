"""Verifying a workshop's record through the service the Facilitate page and 'audit verify' share."""

import pytest

from portfolio_engine.errors import NotFound
from portfolio_engine.services.unit_of_work import unit_of_work
from portfolio_engine.services.workshops import chain_head, verify_workshop
from tests.postgres import raw_connection


def test_an_intact_record_verifies_up_to_its_head(workshop):
    with unit_of_work() as db:
        check = verify_workshop(db, workshop["workshop"].id)
        head = chain_head(db, workshop["workshop"].id)
    assert check.ok and check.label == head and head.startswith("4:")


def test_a_row_changed_behind_the_application_is_caught(workshop, private_database):
    with raw_connection(private_database) as conn:
        conn.execute("UPDATE participants SET name = 'Mallory' WHERE name = 'Ana'")
    with unit_of_work() as db:
        check = verify_workshop(db, workshop["workshop"].id)
    assert not check.ok and "differs from the audit record" in check.problem


def test_an_unknown_workshop_is_not_found(workshop):
    with unit_of_work() as db, pytest.raises(NotFound):
        verify_workshop(db, "w-unknown1")
