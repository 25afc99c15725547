"""Split ballots' numeric copies (voting/ballot_amounts.py): written with each ballot, read for counting without the JSON, and
never trusted when changed behind the application's back: the count then reads the JSON (the record) and says why."""

import logging

import numpy as np
import pytest

from portfolio_engine import storage
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import ballot_amounts, ballot_table, votes
from portfolio_engine.voting.results import results
from tests.postgres import raw_connection

PASS = "vote-passcode"
BALLOTS = [{"allocations": {"humane_housing": 70, "acute_care": 30}}, {"allocations": {"basic_needs": 100}},
           {"allocations": {"humane_housing": 20, "basic_needs": 50, "acute_care": 30}}]


@pytest.fixture
def vote(catalog):
    """An open split vote with three ballots online (the first code then re-votes) and one on paper."""
    created = votes.create_vote(catalog, "Parks", "split", "independent-markets", 100, passcode=PASS, grant=OPERATOR)
    codes = votes.generate_codes(created.id, 3, PASS)
    votes.open_vote(created.id, PASS)
    for code, ballot in zip(codes, BALLOTS, strict=True):
        votes.cast(catalog, created.id, code, ballot, neighborhood="North" if ballot is BALLOTS[1] else "South")
    votes.cast(catalog, created.id, codes[0], {"allocations": {"acute_care": 100}})
    columns = votes.get_vote(created.id).categories(catalog)
    votes.import_paper(catalog, created.id, "paper_id," + ",".join(columns) + "\np-1," + ",".join("50" if c == "basic_needs" else
                       "50" if c == "humane_housing" else "0" for c in columns) + "\n", PASS)
    return votes.get_vote(created.id)


def from_json(vote, catalog):
    with storage.reading() as db:
        return ballot_table.parse(vote, catalog, storage.counted_ballot_lines(db, vote.id))


def tamper(path, sql, *params):
    with raw_connection(path) as conn:
        conn.execute(sql, params)
        conn.commit()


def test_counting_reads_the_copies_not_the_json(vote, catalog, monkeypatch, caplog):
    """Each current ballot (online, re-voted, paper) has its copy; the count reads them and gets what the JSON says, field by field."""
    expected = from_json(vote, catalog)
    monkeypatch.setattr(storage, "counted_ballot_lines", lambda *_: pytest.fail("counting parsed the ballots' JSON"))
    with caplog.at_level(logging.WARNING):
        table = ballot_table.read(vote, catalog)
    assert not caplog.records
    assert np.array_equal(table.matrix(), expected.matrix()) and table.matrix().shape == (4, len(vote.categories(catalog)))
    assert table.paper() == 1 and table.table["neighborhood"].to_pylist() == expected.table["neighborhood"].to_pylist()
    assert {name: len(part) for name, part in table.groups("neighborhood").items()} == {"North": 1, "South": 1}  # the re-vote named none
    assert np.array_equal(table.groups("neighborhood")["North"].matrix(), expected.groups("neighborhood")["North"].matrix())


@pytest.mark.parametrize(("sql", "why"), [
    ("UPDATE ballot_amounts SET amounts = (SELECT amounts FROM ballot_amounts ORDER BY rowid LIMIT 1)", "does not match its tag"),
    ("UPDATE ballot_amounts SET fields = replace(fields, 'South', 'North')", "does not match its tag"),
    ("DELETE FROM ballot_amounts WHERE rowid = (SELECT MIN(rowid) FROM ballot_amounts)", "not those of the current ballots"),
    ("UPDATE ballot_amounts SET ballot_id = (SELECT id FROM ballots WHERE current = 0) WHERE rowid = (SELECT MAX(rowid) FROM ballot_amounts "
     "WHERE ballot_id IN (SELECT id FROM ballots WHERE paper = 0))", "not those of the current ballots"),
])
def test_a_copy_changed_behind_the_applications_back_never_changes_a_count(vote, catalog, private_database, caplog, sql, why):
    honest = results(vote.id, catalog)
    tamper(private_database, sql)
    with caplog.at_level(logging.WARNING):
        counted = results(vote.id, catalog)
    assert why in caplog.text and "counting reads the ballots' JSON" in caplog.text
    assert counted == honest and counted["record"]["ok"]


def test_the_migration_fills_in_the_ballots_cast_before_it(vote, catalog, private_database, monkeypatch):
    """A database from before the copies: the migration gives every current split ballot its copy, from the JSON."""
    expected = from_json(vote, catalog).matrix()
    tamper(private_database, "DELETE FROM ballot_amounts")
    name = storage.MIGRATIONS[[m.apply.__name__ for m in storage.MIGRATIONS].index("_ballot_amounts")].name
    tamper(private_database, "DROP TABLE ballot_amounts_seals")
    tamper(private_database, "DROP TABLE ballot_amounts")
    tamper(private_database, "DROP INDEX ballots_vote_current_id")
    tamper(private_database, "DELETE FROM schema_migrations WHERE name = ?", name)
    with storage.writing() as db:
        storage.migrations.apply_pending(db)
    monkeypatch.setattr(storage, "counted_ballot_lines", lambda *_: pytest.fail("counting parsed the ballots' JSON"))
    assert np.array_equal(ballot_table.read(vote, catalog).matrix(), expected)


def test_a_closed_vote_is_counted_from_its_seal_and_a_copy_changed_after_it_is_still_caught(vote, catalog, private_database, monkeypatch, caplog):
    """Closing checks every copy once and seals them: a count then checks one tag; a change after closing breaks the seal, and the tags catch it."""
    votes.close_vote(vote.id, PASS)
    expected = from_json(vote, catalog).matrix()
    with monkeypatch.context() as patch:
        patch.setattr(ballot_amounts, "_tags", lambda *_: pytest.fail("a sealed vote's copies were checked one by one"))
        assert np.array_equal(ballot_table.read(vote, catalog).matrix(), expected)
    tamper(private_database, "UPDATE ballot_amounts SET amounts = (SELECT amounts FROM ballot_amounts ORDER BY rowid LIMIT 1)")
    with caplog.at_level(logging.WARNING):
        tampered = ballot_table.read(vote, catalog)
    assert "does not match its tag" in caplog.text and np.array_equal(tampered.matrix(), expected)
