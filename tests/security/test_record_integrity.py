"""Issue 15, the workshop record: storage that cannot be injected, an audit chain without blind spots, keys,
no secrets in exports, and storage errors that say what happened (findings 4, 6, 7, 10, 11 and 12)."""

import contextlib
import json
import re
import sqlite3
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio_engine import storage
from portfolio_engine.cli.main import main
from portfolio_engine.errors import DatabaseBusy, DiskFull, KeyMissing, PortfolioError, RecordMismatch
from portfolio_engine.record import audit, exports
from portfolio_engine.record.proposals import add_stance, save_proposal
from portfolio_engine.record.workshops import authenticate, change_state, create_workshop, get_workshop, join, list_workshops
from portfolio_engine.security import keys
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.services.reports import workshop_report
from portfolio_engine.services.unit_of_work import unit_of_work
from portfolio_engine.settings import ROOT


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
    with pytest.raises(KeyMissing, match="secret.key is missing but this database has an audit record: restore the key from your backup"):
        keys.secret_key()
    assert not key.exists()


def test_the_command_line_stops_with_the_restore_message(workshop, private_database, capsys):
    private_database.with_name("secret.key").unlink()
    keys._checked.clear()
    assert main(["audit", "verify", "--workshop", workshop["workshop"].id]) == 2
    err = capsys.readouterr().err
    assert "secret.key is missing but this database has an audit record" in err and "Traceback" not in err
    assert not private_database.with_name("secret.key").exists()


def test_init_db_stops_at_start_when_the_key_is_missing(workshop, private_database, capsys):
    """make run and make serve run init-db first: the app never starts on a database whose key is lost."""
    private_database.with_name("secret.key").unlink()
    keys._checked.clear()
    assert main(["init-db"]) == 2
    assert "restore the key from your backup" in capsys.readouterr().err
    assert not private_database.with_name("secret.key").exists()


@pytest.mark.parametrize("content", ["", "\n", "abc123", "z" * 64])
def test_an_empty_short_or_damaged_key_file_is_refused(workshop, private_database, content):
    private_database.with_name("secret.key").write_text(content)
    keys._checked.clear()
    with pytest.raises(KeyMissing, match="restore the key from your backup"):
        keys.secret_key()


def test_a_short_environment_key_is_refused(monkeypatch):
    monkeypatch.setenv("PORTFOLIO_SECRET", "short")
    with pytest.raises(KeyMissing, match="PORTFOLIO_SECRET is too short"):
        keys.secret_key()


def test_a_brand_new_database_still_gets_a_key(private_database):
    assert len(keys.secret_key()) == 64
    assert private_database.with_name("secret.key").exists()


# Finding 12 (full disk) and finding 10 (a lock timeout is not an unreadable file).

def test_a_full_disk_says_the_disk_is_full_even_when_sqlite_already_rolled_back(workshop):
    """SQLite ends the transaction itself on SQLITE_FULL; the failing ROLLBACK used to hide the real error."""
    with pytest.raises(DiskFull, match="The disk is full"), storage.writing() as db:
        db.execute("ROLLBACK")  # what SQLite does by itself when the disk fills during a commit
        raise sqlite3.OperationalError("database or disk is full")


def test_a_database_that_cannot_grow_says_the_disk_is_full(workshop, monkeypatch):
    """SQLITE_FULL for real: the connection may not add a page to the file."""
    plain = storage.connect

    def no_room(path=None):
        db = plain(path)
        db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
        return db

    monkeypatch.setattr(storage.database, "connect", no_room)
    with pytest.raises(DiskFull, match="The disk is full: nothing was saved"), storage.writing() as db:
        for n in range(200):
            db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", [f"filler-{n}", "x" * 4000])
    monkeypatch.setattr(storage.database, "connect", plain)
    with storage.reading() as db:
        assert not db.execute("SELECT COUNT(*) FROM meta WHERE key LIKE 'filler-%'").fetchone()[0]


@pytest.fixture
def locked(private_database, monkeypatch):
    """Another process holds the write lock; waits are short."""
    storage.migrate()
    monkeypatch.setattr(storage.database, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(private_database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield
    holder.execute("ROLLBACK")
    holder.close()


def test_a_lock_timeout_says_busy_and_never_to_move_the_database_aside(locked):
    for attempt in (storage.migrate, lambda: storage.writing().__enter__()):
        with pytest.raises(DatabaseBusy) as refused:
            attempt()
        assert str(refused.value) == "The database is busy; please try again in a moment. Nothing was changed."
        assert "move it aside" not in str(refused.value) and "unreadable" not in str(refused.value)


def test_only_a_damaged_file_is_called_unreadable(private_database):
    private_database.write_bytes(b"not a database" * 300)
    with pytest.raises(PortfolioError, match="unreadable or not a Commons Portfolio database"):
        storage.migrate()


# Finding 4: storage that cannot be injected, and imports that check every field.

COLUMNS = "name, budget, currency, status_quo, state, deviation_threshold, created_at"
REWRITE_EVERY_PASSCODE = (f"passcode_hash, {COLUMNS}) SELECT substr(id || ?, 1, length(id)), substr(join_code || ?, 1, length(join_code)), ?, "
                          f"{COLUMNS} FROM workshops WHERE true ON CONFLICT(id) DO UPDATE SET passcode_hash = excluded.passcode_hash --")
COPY_HASHES_INTO_A_NAME = (f"passcode_hash, {COLUMNS}) SELECT ?, ?, ?, (SELECT group_concat(passcode_hash) FROM workshops), 1, 'USD', '{{}}', "
                           "'open', 0.01, 'x' --")


def _stored_workshops(path):
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT id, name, passcode_hash FROM workshops ORDER BY id").fetchall()


@pytest.mark.parametrize("key", [REWRITE_EVERY_PASSCODE, COPY_HASHES_INTO_A_NAME], ids=["rewrite-every-passcode", "copy-hashes-into-a-name"])
def test_a_crafted_json_key_is_refused_by_name_and_changes_nothing(workshop, private_database, tmp_path, capsys, key):
    before = _stored_workshops(private_database)
    document = {"format": "commons-portfolio-workshop/1", "workshop": {"id": "w-0000000001", "join_code": "ABCDEF", key: "attacker"}}
    (tmp_path / "attack.json").write_text(json.dumps(document))
    (tmp_path / "pass.txt").write_text("a-new-passcode\n")
    code = main(["workshop", "import", str(tmp_path / "attack.json"), "--passcode-file", str(tmp_path / "pass.txt")])
    err = capsys.readouterr().err
    assert code == 2 and "is not a field this file can have" in err and "workshop.passcode_hash, name, budget" in err
    assert _stored_workshops(private_database) == before
    assert authenticate(workshop["workshop"].id, workshop["passcode"]).workshop_id == workshop["workshop"].id


@pytest.fixture
def export(history):
    """A workshop with a proposal, a stance and a decision, exported as JSON."""
    return json.loads(exports.export_json(history[0]))


def _edited(document, path, value):
    """The document with the value at `path` (keys and list indexes) replaced (or removed when value is DELETE)."""
    edited = json.loads(json.dumps(document))
    *parents, last = path
    target = edited
    for step in parents:
        target = target[step]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return edited


DELETE = object()


@pytest.mark.parametrize(("path", "value", "message"), [
    (("workshop", "state"), "hacked", r"workshop\.state must be one of open, deciding, decided, archived"),
    (("workshop", "status_quo"), '{"allocations": {}}', r"workshop\.status_quo is not a status quo"),
    (("workshop", "status_quo"), '"/etc/passwd"', r"workshop\.status_quo must be a JSON object"),
    (("workshop", "budget"), float("inf"), r"not valid JSON: 1e999 is too large a number"),
    (("workshop", "budget"), -5, r"workshop\.budget must be a number"),
    (("workshop", "deviation_threshold"), "0.01", r"workshop\.deviation_threshold must be a number"),
    (("workshop", "id"), "w-1'; DROP TABLE workshops; --", r"workshop\.id is not an id"),
    (("workshop", "created_at"), "yesterday", r"workshop\.created_at must be a date"),
    (("participants", 0, "role"), "administrator", r"participants\[0\]\.role must be one of facilitator, stakeholder, observer"),
    (("participants", 0, "is_admin"), True, r"participants\[0\]\.is_admin is not a field"),
    (("proposals", 0, "allocations"), '{"acute_care": 1}', r"proposals\[0\] is not a proposal of this workshop"),
    (("proposals", 0, "participant_id"), "u-0000000000", r"proposals\[0\]\.participant_id names no earlier row of participants"),
    (("proposals", 0, "version"), 1.5, r"proposals\[0\]\.version must be a whole number"),
    (("stances", 0, "stance"), "veto", r"stances\[0\]\.stance must be one of support"),
    (("decisions", 0, "chain_head"), "x", r"decisions\[0\]\.chain_head must be a chain head"),
    (("decisions", 0, "rationale"), DELETE, r"decisions\[0\]\.rationale is missing"),
    (("extra",), [], r"The workshop file: extra is not a part"),
])
def test_an_import_checks_every_field_and_saves_nothing_when_one_is_wrong(export, private_database, path, value, message):
    before = _stored_workshops(private_database)
    text = json.dumps(_edited(export, path, value)).replace("Infinity", "1e999")
    with pytest.raises(PortfolioError, match=message):
        exports.import_json(text, "a-new-passcode", grant=OPERATOR)
    assert _stored_workshops(private_database) == before
    assert [w.state for w in list_workshops()] == ["decided"]  # workshop list still works for everyone


# Finding 6: an audit chain without blind spots.

def _tamper(path, sql):
    with sqlite3.connect(path) as conn:
        conn.execute(sql)


def _verify(chain_id, head=None):
    with storage.reading() as db:
        return audit.verify(db, chain_id, head)


def test_the_app_refuses_to_write_on_top_of_a_row_changed_behind_its_back(workshop, private_database):
    workshop_id = workshop["workshop"].id
    _tamper(private_database, "UPDATE workshops SET deviation_threshold = 1")  # 'no justification ever needed'
    with pytest.raises(RecordMismatch, match=f"The stored workshop {workshop_id} differs from its audited record; nothing was saved"):
        change_state(workshop_id, "deciding", workshop["passcode"])
    assert get_workshop(workshop_id).state == "open"


def test_a_stance_on_a_proposal_rewritten_in_the_database_is_refused(export, workshop, catalog, status_quo, private_database):
    workshop_id = workshop["workshop"].id
    change_state(workshop_id, "archived", workshop["passcode"])  # (export's workshop is decided; a new one)
    other = create_workshop(catalog, "Second", 100e6, "facilitator-pass", status_quo, grant=OPERATOR)[0]
    ana, _ = join(other.id, "Ana", "", "")
    proposal = save_proposal(catalog, other.id, ana["id"], "Keep", "Stable", status_quo.allocations)
    _tamper(private_database, f"UPDATE proposals SET rationale = 'Rewritten' WHERE id = '{proposal['id']}'")
    with pytest.raises(RecordMismatch, match=f"The stored proposal {proposal['id']} differs from its audited record; nothing was saved"):
        add_stance(other.id, proposal["id"], ana["id"], "support", "Yes")


def test_an_edit_forgiven_by_a_later_write_is_still_caught(workshop, private_database, monkeypatch):
    """The write after the edit is recorded as older versions did (before = the edited row): verify names that entry."""
    workshop_id = workshop["workshop"].id
    _tamper(private_database, "UPDATE workshops SET deviation_threshold = 1")
    with storage.reading() as db:
        edited = audit._state(storage.select_one(db, "workshops", id=workshop_id))
    with monkeypatch.context() as patched:
        patched.setattr(audit, "last_state", lambda *args: (True, edited))  # an application that does not check
        change_state(workshop_id, "deciding", workshop["passcode"])
    result = _verify(workshop_id)
    assert not result.ok
    assert re.search(r"Audit entry 5 \(workshop.deciding w-\w+\): its 'before' is not the workshop's previous audited state", result.problem)


def test_removing_the_newest_entries_is_caught_against_a_head_written_down_earlier(workshop, catalog, status_quo, private_database, capsys):
    workshop_id = workshop["workshop"].id
    proposal = save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Keep", "Stable", status_quo.allocations)
    add_stance(workshop_id, proposal["id"], workshop["ben"]["id"], "block", "Never")
    assert main(["workshop", "show", "--workshop", workshop_id]) == 0
    head = json.loads(capsys.readouterr().out)["head"]
    with unit_of_work() as db:
        assert head.startswith("6:") and f"<code>{head}</code>" in workshop_report(db, catalog, workshop_id)
    _tamper(private_database, "DELETE FROM stances")  # the block, and the newest entry that recorded it
    _tamper(private_database, "DELETE FROM audit_log WHERE seq = 6")
    assert _verify(workshop_id).ok  # without a head, a shorter chain looks whole
    assert main(["audit", "verify", "--workshop", workshop_id, "--head", head]) == 1
    assert "had 6 at the head you gave: the newest entries were removed" in capsys.readouterr().err
    assert main(["audit", "verify", "--workshop", workshop_id, "--head", f"5:{'0' * 64}"]) == 1
    assert "Audit entry 5 is not the one the head you gave names" in capsys.readouterr().err


# Finding 7 (export half): no credential leaves the server.

def test_no_passcode_or_token_hash_in_any_export_or_audit_entry(export, workshop, catalog, private_database, tmp_path):
    workshop_id = workshop["workshop"].id
    with sqlite3.connect(private_database) as conn:
        secrets = [r[0] for r in conn.execute("SELECT passcode_hash FROM workshops UNION SELECT token_hash FROM participants")]
        log = json.dumps(conn.execute("SELECT * FROM audit_log").fetchall())
    assert len(secrets) == 4 and all(secrets)
    exports.write_csv_tables(catalog, workshop_id, tmp_path / "csv")
    with unit_of_work() as db:
        report = workshop_report(db, catalog, workshop_id)
    outputs = {"json": exports.export_json(workshop_id), "html": report, "audit_log table": log,
               **{p.name: p.read_text() for p in (tmp_path / "csv").iterdir()}}
    for name, text in outputs.items():
        leaked = [s for s in secrets if s in text or (s.partition("$")[2] or s) in text]
        assert not leaked, f"{name} carries a credential hash"
    assert "passcode_hash" not in json.loads(outputs["json"])["workshop"]
    afters = [json.loads(json.loads(log)[n][7]) for n in (0, 1)]  # the workshop's and the facilitator's creation
    assert afters[0]["passcode_hash"].startswith("hmac:") and afters[1]["token_hash"].startswith("hmac:")
    assert _verify(workshop_id).ok


# Property: whatever file 'workshop import' is given, the answer is a workshop or a clear refusal, never a crash.

JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=20)
SLOW = settings(max_examples=60, deadline=20_000, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _import_or_refuse(text):
    with contextlib.suppress(PortfolioError):
        exports.import_json(text, "a-new-passcode", grant=OPERATOR)


@SLOW
@given(document=JSON_VALUES)
def test_random_json_documents_are_imported_or_refused(document):
    _import_or_refuse(json.dumps(document))


@SLOW
@given(data=st.binary(max_size=300))
def test_random_bytes_are_refused(data):
    _import_or_refuse(data)


def _paths(value, prefix=()):
    """Every key and index path inside a document."""
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield (*prefix, key)
        yield from _paths(child, (*prefix, key))


@SLOW
@given(choice=st.data())
def test_a_valid_export_with_any_one_value_changed_is_imported_or_refused(export, choice):
    paths = [p for p in _paths(export) if p[0] != "audit_log"]
    path = choice.draw(st.sampled_from(paths))
    value = choice.draw(JSON_VALUES | st.just(DELETE))
    _import_or_refuse(json.dumps(_edited(export, path, value)))


@pytest.mark.parametrize("content", [bytes(range(256)) * 4, b"[" * 50_000 + b"]" * 50_000, b'{"format": "commons-portfolio-workshop/2", "workshop": 1e999}'])
def test_the_command_line_refuses_a_bad_import_file_without_a_traceback(tmp_path, content):
    (tmp_path / "bad.json").write_bytes(content)
    (tmp_path / "pass.txt").write_text("a-new-passcode\n")
    done = subprocess.run([sys.executable, "-m", "portfolio_engine", "workshop", "import", str(tmp_path / "bad.json"),
                           "--passcode-file", str(tmp_path / "pass.txt")], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr and done.stderr.count("\n") == 1
