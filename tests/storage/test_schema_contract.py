"""The schema as a contract: named migrations, audit chains that survive a new column, and all SQL in storage/."""

import io
import tokenize
from pathlib import Path

import pytest

from portfolio_engine import storage
from portfolio_engine.errors import RecordMismatch
from portfolio_engine.record import audit
from portfolio_engine.record.proposals import add_stance, save_proposal
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import votes
from tests.postgres import raw_connection

SHIPPED = (  # a migration once shipped never changes: neither its name nor its place
    "create meta",
    "workshops, participants, proposals, stances, decisions, audit log",
    "indicator values and their provenance",
    "resident votes, voter codes and ballots",
    "sign-in attempts and their log (throttling)",
    "audit entries found by the record they name",
    "ballots: consent to publish 'why'; votes: when codes and free text were purged",
    "participants' drafts: their current sliders, overwritten, outside the record",
    "funders: who brings a workshop's money, how much to each element today, under which mandate",
    "shared ends: the outcomes a workshop's room agrees matter and how much, each revision with its reason",
    "local menus: a workshop's words for the elements, its local programs and its word for well-being, each version with its reason",
    "funders' commitments: what each funder commits under a recorded decision",
    "proposals: who funds what, when a proposal says it (a funder x element table whose element totals are the portfolio)",
    "ballots found by their voter code within a vote (SQLite read a vote's every current ballot for each ballot cast)",
    "indicator values in compact rows: places, indicators, groups and periods each stored once (the rows are moved)",
    "split ballots' amounts as numbers beside their JSON, keyed, for counting a city's vote (back-filled)",
)
LATER = (storage.Migration("test: proposals get a summary", storage.migrations.script("ALTER TABLE proposals ADD COLUMN summary TEXT")),
         storage.Migration("test: ballots get a language", storage.migrations.script("ALTER TABLE ballots ADD COLUMN language TEXT")))


@pytest.fixture
def next_schema(monkeypatch):
    """Apply the next schema version (two nullable columns, added the documented way) to the test's database."""
    def apply() -> None:
        monkeypatch.setattr(storage.migrations, "MIGRATIONS", storage.MIGRATIONS + LATER)
        assert storage.migrate() == len(SHIPPED) + len(LATER)
    yield apply
    for table in ("proposals", "ballots"):
        storage.database._SCHEMA.pop(table, None)  # other tests' databases have no such columns


@pytest.fixture
def vote(catalog):
    """An open split vote with two ballots, one of them replaced (so a ballot row was written twice); its id and codes."""
    created = votes.create_vote(catalog, "Priorities", "split", "mean", 1_000_000, passcode="vote-passcode", grant=OPERATOR)
    codes = votes.generate_codes(created.id, 2, "vote-passcode")
    votes.open_vote(created.id, "vote-passcode")
    for code, share in ((codes[0], 30), (codes[1], 60), (codes[0], 50)):
        votes.cast(catalog, created.id, code, {"allocations": {"humane_housing": share, "acute_care": 100 - share}})
    return created.id, codes


def verified(chain_id: str) -> audit.Verification:
    with storage.reading() as db:
        return audit.verify(db, chain_id)


def test_shipped_migrations_keep_their_names_and_places():
    assert tuple(m.name for m in storage.MIGRATIONS[:len(SHIPPED)]) == SHIPPED
    assert len({m.name for m in storage.MIGRATIONS}) == len(storage.MIGRATIONS)


def test_a_ledger_of_versions_only_still_migrates_and_then_records_names(private_database, next_schema):
    storage.migrate()
    with raw_connection(private_database) as conn:
        conn.execute("UPDATE schema_migrations SET name = '' WHERE version <= ?", [storage.migrations.LEDGER_BY_POSITION])  # such ledgers ended at 7
        conn.commit()
    next_schema()  # runs only the two new migrations: re-running the first would fail (table meta exists)
    with raw_connection(private_database) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM schema_migrations ORDER BY version")]
    assert names[len(SHIPPED):] == [m.name for m in LATER]
    assert storage.schema_version() == len(SHIPPED) + len(LATER)


def test_adding_nullable_columns_keeps_every_existing_chain_valid(history, vote, next_schema):
    workshop_id, _ = history
    next_schema()
    assert verified(workshop_id).ok and verified(vote[0]).ok


def test_the_app_builds_on_rows_written_before_the_new_column(catalog, workshop, status_quo, vote, next_schema):
    workshop_id = workshop["workshop"].id
    proposal = save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Keep", "Stable", status_quo.allocations)
    vote_id, codes = vote
    next_schema()
    add_stance(workshop_id, proposal["id"], workshop["ben"]["id"], "support", "Yes")  # checks the proposal against its entry
    votes.cast(catalog, vote_id, codes[1], {"allocations": {"humane_housing": 10, "acute_care": 90}})  # rewrites a ballot row
    with storage.reading() as db:
        rewritten = [e for e in storage.select(db, "audit_log", order="seq", workshop_id=vote_id) if e["before"]][-1]
        assert '"language":null' in rewritten["after"] and '"language"' not in rewritten["before"]
    assert verified(vote_id).ok and verified(workshop_id).ok


def test_an_edit_of_an_audited_column_is_still_caught_after_the_migration(history, next_schema):
    workshop_id, proposal_id = history
    next_schema()
    with storage.writing() as db:
        db.execute("UPDATE proposals SET title = 'Changed' WHERE id = ?", [proposal_id])
    assert verified(workshop_id).problem.endswith("the stored proposal differs from the audit record.")


def test_a_value_written_into_the_new_column_behind_the_apps_back_is_caught(catalog, workshop, status_quo, vote, next_schema):
    workshop_id = workshop["workshop"].id
    proposal_id = save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Keep", "Stable", status_quo.allocations)["id"]
    vote_id, _ = vote
    next_schema()
    with storage.writing() as db:
        db.execute("UPDATE proposals SET summary = 'slipped in' WHERE id = ?", [proposal_id])
        db.execute("UPDATE ballots SET language = 'fr' WHERE vote_id = ?", [vote_id])
    assert verified(workshop_id).problem.endswith("the stored proposal differs from the audit record.")
    assert verified(vote_id).problem.endswith("the stored ballot differs from the audit record.")
    with pytest.raises(RecordMismatch, match=f"The stored proposal {proposal_id} differs"):
        add_stance(workshop_id, proposal_id, workshop["ana"]["id"], "support", "Yes")


ENGINE = Path(__file__).resolve().parents[2] / "portfolio_engine"
SQL_WORDS = ("SELECT ", "INSERT ", "UPDATE ", "DELETE ", "CREATE ", "PRAGMA ", "ALTER ", "DROP ")


def sql_strings(source: Path) -> list[str]:
    """String literals of a module that read as SQL (an upper-case statement keyword followed by a space)."""
    tokens = tokenize.generate_tokens(io.StringIO(source.read_text(encoding="utf-8")).readline)
    kinds = {tokenize.STRING} | ({tokenize.FSTRING_MIDDLE} if hasattr(tokenize, "FSTRING_MIDDLE") else set())
    return [f"{source.relative_to(ENGINE)}:{t.start[0]}" for t in tokens if t.type in kinds and any(w in t.string for w in SQL_WORDS)]


def test_every_sql_statement_of_the_engine_lives_in_storage():
    outside = [where for module in sorted(ENGINE.rglob("*.py")) if "storage" not in module.relative_to(ENGINE).parts
               for where in sql_strings(module)]
    assert outside == []
