"""`workshop ends set|show`: JSON in and out, a revision needs --reason, exit 2 naming the problem."""

import json

from portfolio_engine.cli.main import main


def cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_set_revise_and_show(capsys, tmp_path):
    (tmp_path / "pass.txt").write_text("correct horse battery\n")
    w = json.loads(cli(capsys, "workshop", "create", "--name", "Riverside", "--budget", 100e6, "--passcode-file", tmp_path / "pass.txt")[1])["id"]
    (tmp_path / "ends.json").write_text(json.dumps({"years": 20, "weights": {"thriving_at_year": 1}}))
    assert cli(capsys, "workshop", "ends", "set", "--workshop", w, "--file", tmp_path / "ends.json", "--passcode-file", tmp_path / "pass.txt")[0] == 0
    (tmp_path / "ends.json").write_text(json.dumps({"years": 20, "weights": {"suffering_years": 2, "thriving_at_year": 1}}))
    code, out, err = cli(capsys, "workshop", "ends", "set", "--workshop", w, "--file", tmp_path / "ends.json", "--passcode-file", tmp_path / "pass.txt")
    assert code == 2 and out == "" and "needs a reason" in err
    code, out, _ = cli(capsys, "workshop", "ends", "set", "--workshop", w, "--file", tmp_path / "ends.json", "--passcode-file", tmp_path / "pass.txt",
                       "--reason", "Less suffering first")
    assert code == 0 and json.loads(out)["revision"] is True
    shown = json.loads(cli(capsys, "workshop", "ends", "show", "--workshop", w)[1])
    assert shown["current"]["in_words"] == "Less suffering (weight 2), more people thriving (weight 1), over 20 years"
    assert [h["reason"] for h in shown["history"]] == [None, "Less suffering first"]
    assert shown["objective"]["terms"][0] == {"kind": "suffering_years", "years": 20, "weight": 2.0}


def test_an_unknown_end_exits_2_naming_it(capsys, tmp_path):
    (tmp_path / "pass.txt").write_text("correct horse battery\n")
    w = json.loads(cli(capsys, "workshop", "create", "--name", "Riverside", "--budget", 100e6, "--passcode-file", tmp_path / "pass.txt")[1])["id"]
    (tmp_path / "ends.json").write_text(json.dumps({"weights": {"happiness": 1}}))
    code, _, err = cli(capsys, "workshop", "ends", "set", "--workshop", w, "--file", tmp_path / "ends.json", "--passcode-file", tmp_path / "pass.txt")
    assert code == 2 and "Unknown end 'happiness'" in err
