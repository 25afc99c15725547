"""The workshop command line: the documented flow, exit codes 0 / 1 / 2, data on stdout only."""

import json

import pytest

from portfolio_engine.cli.main import main
from tests.postgres import raw_connection


def cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path, capsys):
    (tmp_path / "pass.txt").write_text("correct horse battery\n")
    main(["status-quo"])
    (tmp_path / "sq.json").write_text(capsys.readouterr().out)
    return tmp_path


def test_the_whole_flow_from_creation_to_verified_decision(capsys, files, private_database):
    code, out, _ = cli(capsys, "workshop", "create", "--name", "Riverside", "--budget", 100e6, "--passcode-file", files / "pass.txt")
    created = json.loads(out)
    assert code == 0 and set(created) == {"id", "join_code"}
    w = created["id"]
    code, out, _ = cli(capsys, "proposal", "save", "--workshop", w, "--author", "Ana", "--organization", "County hospital",
                       "--sector", "health", "--title", "Keep", "--rationale", "Stable funding", "--portfolio", files / "sq.json")
    proposal = json.loads(out)["id"]
    listed = json.loads(cli(capsys, "proposal", "list", "--workshop", w, "--format", "json")[1])
    assert {"id", "author", "title", "rationale", "allocations"} <= set(listed[0]) and listed[0]["author"] == "Ana"
    assert cli(capsys, "stance", "add", "--workshop", w, "--proposal", proposal, "--participant", "Ana", "--stance", "support",
               "--reason", "Mine")[0] == 0
    assert cli(capsys, "workshop", "state", "--workshop", w, "--to", "deciding", "--passcode-file", files / "pass.txt")[0] == 0
    code, out, _ = cli(capsys, "decision", "record", "--workshop", w, "--proposal", proposal, "--rationale", "Agreed",
                       "--passcode-file", files / "pass.txt")
    assert code == 0 and len(json.loads(out)["chain_head"]) == 64
    code, out, err = cli(capsys, "audit", "verify", "--workshop", w)
    assert code == 0 and json.loads(out)["ok"] and "intact" in err
    head = json.loads(cli(capsys, "workshop", "show", "--workshop", w)[1])["head"]
    assert head == json.loads(out)["head"] and head.startswith(f"{json.loads(out)['entries']}:")
    assert cli(capsys, "audit", "verify", "--workshop", w, "--head", head)[0] == 0
    with raw_connection(private_database) as conn:
        conn.execute("UPDATE proposals SET rationale = 'Changed in the sqlite3 shell'")
    code, out, err = cli(capsys, "audit", "verify", "--workshop", w)
    assert code == 1 and out == "" and err.startswith("Verification failed: Audit entry ")


def test_exports_and_import(capsys, files):
    w = json.loads(cli(capsys, "workshop", "create", "--name", "R", "--budget", 1e6, "--passcode-file", files / "pass.txt")[1])["id"]
    cli(capsys, "proposal", "save", "--workshop", w, "--author", "Ana", "--title", "=SUM(A1)", "--rationale", "r",
        "--portfolio", files / "sq.json")
    code, out, _ = cli(capsys, "proposal", "save", "--workshop", w, "--author", "Ana", "--title", "t", "--rationale", "r",
                       "--portfolio", files / "sq.json")
    assert code == 2  # the status quo is 100 million, the workshop's budget 1 million
    scaled = files / "small.json"
    sq = json.loads((files / "sq.json").read_text())
    scaled.write_text(json.dumps({"allocations": {k: v / 100 for k, v in sq["allocations"].items()}}))
    assert cli(capsys, "proposal", "save", "--workshop", w, "--author", "Ana", "--title", "=SUM(A1)", "--rationale", "r",
               "--portfolio", scaled)[0] == 0
    code, out, _ = cli(capsys, "workshop", "export", "--workshop", w, "--format", "csv")
    assert code == 0 and ",'=SUM(A1)," in out
    assert cli(capsys, "workshop", "export", "--workshop", w, "--format", "csv", "--out", files / "tables")[0] == 0
    assert (files / "tables" / "stances.csv").exists()
    assert cli(capsys, "workshop", "export", "--workshop", w, "--format", "json", "--out", files / "w.json")[0] == 0
    code, out, _ = cli(capsys, "workshop", "import", files / "w.json", "--passcode-file", files / "pass.txt")
    assert code == 0 and json.loads(out)["id"] != w
    code, out, _ = cli(capsys, "workshop", "export", "--workshop", w, "--format", "html")
    assert out.startswith("<!doctype html>")
    rows = json.loads(cli(capsys, "workshop", "list", "--format", "json")[1])
    assert len(rows) == 2


@pytest.mark.parametrize(("args", "message"), [
    (["workshop", "show", "--workshop", "w-nope"], "No workshop with id 'w-nope'"),
    (["workshop", "state", "--workshop", "{w}", "--to", "deciding", "--passcode-file", "{wrong}"], "That passcode or code is not right"),
    (["workshop", "state", "--workshop", "{w}", "--to", "archived", "--passcode-file", "{pass}"], "cannot move to archived"),
    (["stance", "add", "--workshop", "{w}", "--proposal", "p-x", "--participant", "Nobody", "--stance", "support", "--reason", "r"],
     "No participant named 'Nobody'"),
    (["decision", "record", "--workshop", "{w}", "--proposal", "p-x", "--rationale", "r", "--passcode-file", "{pass}"],
     "'decide' is only possible while it is deciding or decided"),
    (["workshop", "import", "{pass}", "--passcode-file", "{pass}"], "not valid JSON"),
])
def test_refusals_exit_2_with_one_line(capsys, files, args, message):
    (files / "wrong.txt").write_text("not the passcode\n")
    w = json.loads(cli(capsys, "workshop", "create", "--name", "R", "--budget", 1e6, "--passcode-file", files / "pass.txt")[1])["id"]
    values = {"{w}": w, "{pass}": str(files / "pass.txt"), "{wrong}": str(files / "wrong.txt")}
    code, out, err = cli(capsys, *[values.get(a, a) for a in args])
    assert code == 2 and out == "" and err.count("\n") == 1
    assert message in err


def test_seed_demo_adds_a_working_workshop_once(capsys):
    from portfolio_engine import storage
    from portfolio_engine.record import audit
    from portfolio_engine.record.proposals import list_proposals, tallies
    from portfolio_engine.record.workshops import list_workshops

    assert cli(capsys, "seed-demo")[0] == 0
    assert "already exist" in cli(capsys, "seed-demo")[2]
    (workshop,) = list_workshops()
    proposals = list_proposals(workshop.id)
    assert len(proposals) == 5 and all(p["rationale"] for p in proposals)
    assert {p["origin"] for p in proposals} == {"manual", "optimizer"}
    assert sum(sum(t["by_stance"].values()) for t in tallies(workshop.id).values()) == 8
    with storage.reading() as db:
        assert audit.verify(db, workshop.id).ok


def test_proposal_compare(capsys, files):
    w = json.loads(cli(capsys, "workshop", "create", "--name", "R", "--budget", 100e6, "--passcode-file", files / "pass.txt")[1])["id"]
    p = json.loads(cli(capsys, "proposal", "save", "--workshop", w, "--author", "Ana", "--title", "t", "--rationale", "r",
                       "--portfolio", files / "sq.json")[1])["id"]
    code, out, err = cli(capsys, "proposal", "compare", "--workshop", w, "--proposals", f"status_quo,{p}")
    result = json.loads(out)
    assert code == 0, err
    assert len(result["side_by_side"]) == 13 and result["agreement"][0]["spread"] == 0
    assert result["side_by_side"][0]["name"] == "Basic needs for health and safety"  # the name beside the id
    csv_out = cli(capsys, "proposal", "compare", "--workshop", w, "--proposals", f"status_quo,{p}", "--format", "csv")[1]
    assert csv_out.splitlines()[0].startswith("element,name,family,")
    assert cli(capsys, "proposal", "compare", "--workshop", w, "--proposals", "status_quo")[0] == 2


def test_workshop_room_gives_quantiles_and_groups_without_names_unless_asked(capsys, catalog, workshop):
    from portfolio_engine.record.drafts import save_draft

    w = workshop["workshop"]
    save_draft(catalog, w.id, workshop["ana"]["id"], w.status_quo_portfolio(catalog).allocations)
    code, out, _ = cli(capsys, "workshop", "room", "--workshop", w.id, "--format", "json")
    view = json.loads(out)
    assert code == 0 and view["participants"] == 1
    assert {"min", "q25", "median", "q75", "max", "status_quo", "agreement"} <= set(view["elements"][0])
    assert view["groups"][0]["members"] == 1 and "Ana" not in out
    assert json.loads(cli(capsys, "workshop", "room", "--workshop", w.id, "--names")[1])["groups"][0]["names"] == ["Ana"]
    code, out, _ = cli(capsys, "workshop", "room", "--workshop", w.id, "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("id,name,family,min,q25")
    code, out, err = cli(capsys, "workshop", "room", "--workshop", "w-nothere")
    assert code == 2 and out == "" and "w-nothere" in err
