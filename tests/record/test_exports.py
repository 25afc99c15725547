import csv
import io
import json

import pytest

from portfolio_engine import storage
from portfolio_engine.errors import InputFormatError, NotAuthorized, PortfolioError
from portfolio_engine.record import audit, exports
from portfolio_engine.record.decisions import record_decision
from portfolio_engine.record.proposals import add_stance, save_proposal
from portfolio_engine.record.workshops import authenticate, change_state, participants
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.services.reports import workshop_report
from portfolio_engine.services.unit_of_work import unit_of_work


@pytest.fixture
def decided(catalog, workshop, status_quo):
    workshop_id = workshop["workshop"].id
    first = save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Keep", "<script>alert(1)</script> and **bold**",
                          status_quo.allocations, notes={"acute_care": "=cmd|' /C calc'!A0"})
    shifted = dict(status_quo.allocations, acute_care=14e6, humane_housing=12e6)
    save_proposal(catalog, workshop_id, workshop["ben"]["id"], "+Housing first", "-Homes prevent crises", shifted)
    add_stance(workshop_id, first["id"], workshop["ben"]["id"], "concerns", "@everyone: housing")
    change_state(workshop_id, "deciding", workshop["passcode"])
    record_decision(workshop_id, first["id"], "Compromise reached", workshop["passcode"])
    return workshop_id


def normalized(snapshot):
    """Content without ids, join code, credentials or audit chain: what an import must restore exactly."""
    ids = {}

    def rename(value):
        return ids.setdefault(value, f"#{len(ids)}") if isinstance(value, str) and value[:2] in ("w-", "u-", "p-", "s-", "d-") else value

    out = {"workshop": {k: v for k, v in snapshot["workshop"].items() if k not in ("id", "join_code")}}
    for table in exports.TABLES:
        out[table] = [{k: rename(v) for k, v in row.items() if k not in ("token_hash", "chain_head")} for row in snapshot[table]]
    return out


def test_export_then_import_restores_the_workshop_exactly(decided):
    exported = exports.export_json(decided)
    new_id = exports.import_json(exported, "a-new-passcode", grant=OPERATOR)
    assert new_id != decided
    assert normalized(exports.snapshot(new_id)) == normalized(json.loads(exported))
    from portfolio_engine import storage
    from portfolio_engine.record import audit

    with storage.reading() as db:
        result = audit.verify(db, new_id)
    assert result.ok
    first = storage.select_one(storage.connect(), "audit_log", workshop_id=new_id, seq=1)
    assert first["before"] is None and json.loads(exported)["head"] in first["actor"]


def test_an_imported_workshop_has_the_new_passcode_and_no_participant_can_sign_in_with_an_old_token(decided):
    new_id = exports.import_json(exports.export_json(decided), "a-new-passcode", grant=OPERATOR)
    assert authenticate(new_id, "a-new-passcode").workshop_id == new_id
    assert all(p["token_hash"] is None for p in participants(new_id))


def test_importing_needs_the_steward_or_the_operator_and_a_passcode(decided):
    exported = exports.export_json(decided)
    with pytest.raises(NotAuthorized):
        exports.import_json(exported, "a-new-passcode")
    with pytest.raises(PortfolioError, match="new facilitator passcode of at least 8"):
        exports.import_json(exported, "short", grant=OPERATOR)


@pytest.mark.parametrize(("text", "message"), [("{", "not valid JSON"), ('{"format": "other"}', "not a Commons Portfolio workshop export"),
                                               ('{"format": "commons-portfolio-workshop/1", "workshop": {}}', r"workshop\.id is missing")])
def test_bad_imports_are_refused_and_save_nothing(text, message):
    from portfolio_engine import storage
    from portfolio_engine.record.workshops import list_workshops

    storage.migrate()
    before = len(list_workshops())
    with pytest.raises(InputFormatError, match=message):
        exports.import_json(text, "a-new-passcode", grant=OPERATOR)
    assert len(list_workshops()) == before


def test_csv_neutralizes_formulas_and_keeps_numbers(catalog, decided):
    rows = list(csv.DictReader(io.StringIO(exports.proposals_csv(catalog, exports.snapshot(decided)))))
    assert rows[1]["title"] == "'+Housing first" and rows[1]["rationale"] == "'-Homes prevent crises"
    assert rows[1]["Acute care (acute_care)"] == "14000000.0"
    assert [r["version"] for r in rows] == ["1", "1"]


def test_csv_tables_are_written_without_credentials(catalog, decided, tmp_path):
    written = exports.write_csv_tables(catalog, decided, tmp_path / "out")
    assert {p.name for p in written} == {"proposals.csv", "workshop.csv", "participants.csv", "stances.csv", "decisions.csv", "funders.csv",
                                         "shared_ends.csv", "menus.csv", "commitments.csv", "audit_log.csv"}
    assert "token_hash" not in (tmp_path / "out" / "participants.csv").read_text()
    assert "passcode_hash" not in (tmp_path / "out" / "workshop.csv").read_text()
    assert "'@everyone: housing" in (tmp_path / "out" / "stances.csv").read_text()


def test_html_report_escapes_what_people_typed_and_shows_the_record(catalog, decided):
    with unit_of_work() as db:
        page = workshop_report(db, catalog, decided)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Compromise reached" in page and "Audit chain head" in page and "Projections (illustrative)" in page
    assert "Concerns" in page and "+Housing first (v1)" in page


# The schema as a contract: exports state their schema version; older ones import, newer ones are refused.

SUMMARY = storage.Migration("test: proposals get a summary", storage.migrations.script("ALTER TABLE proposals ADD COLUMN summary TEXT"))


def test_every_column_of_an_exported_table_has_a_checked_field():
    storage.migrate()
    with storage.reading() as db:
        for table, fields in exports.FIELDS.items():
            columns = {name for name, _ in storage.database.table_info(db, 'workshops' if table == 'workshop' else table)}
            assert set(fields) | set(exports.CREDENTIALS) >= columns and set(fields) <= columns, table


def test_an_export_from_the_previous_schema_imports_with_new_nullable_columns_null(decided, monkeypatch):
    document = json.loads(exports.export_json(decided))
    assert document["schema_version"] == len(storage.MIGRATIONS)
    monkeypatch.setattr(storage.migrations, "MIGRATIONS", storage.MIGRATIONS + (SUMMARY,))
    monkeypatch.setitem(exports.FIELDS["proposals"], "summary", lambda value, where: value)
    storage.migrate()
    new_id = exports.import_document(document, "new-facilitator-pass", grant=OPERATOR)
    imported = exports.snapshot(new_id)
    assert imported["schema_version"] == len(storage.MIGRATIONS) + 1
    assert [p["summary"] for p in imported["proposals"]] == [None, None]
    with storage.reading() as db:
        assert audit.verify(db, new_id).ok
    storage.database._SCHEMA.pop("proposals", None)  # other tests' databases have no such column


def test_an_export_from_a_newer_schema_is_refused_naming_both_versions(decided):
    document = json.loads(exports.export_json(decided))
    document["schema_version"] = len(storage.MIGRATIONS) + 1
    with pytest.raises(InputFormatError, match=f"schema version {len(storage.MIGRATIONS) + 1}, newer than this installation's "
                                               f"\\({len(storage.MIGRATIONS)}\\)"):
        exports.import_document(document, "new-facilitator-pass", grant=OPERATOR)
