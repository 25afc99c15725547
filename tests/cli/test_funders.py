"""`workshop funders set|show`: CSV in, JSON or CSV out, exit 2 naming the row or the funder, nothing saved on bad input."""

import csv
import io
import json

from portfolio_engine.cli.main import main

CSV = """funder,sector,element,amount
County hospital,health,acute_care,18000000
County hospital,health,basic_needs,2000000
"""


def cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _files(tmp_path, capsys, status_quo):
    (tmp_path / "pass.txt").write_text("correct horse battery\n")
    hospital = {"acute_care": 18e6, "basic_needs": 2e6}
    rows = [f"County,government,{e},{a - hospital.get(e, 0):.0f}" for e, a in status_quo.allocations.items() if a - hospital.get(e, 0) > 0]
    (tmp_path / "funders.csv").write_text(CSV + "\n".join(rows) + "\n")
    (tmp_path / "mandates.json").write_text(json.dumps({"County hospital": {"may_fund": ["acute_care", "basic_needs"], "floors": {"acute_care": 1e7}}}))
    code, out, _ = cli(capsys, "workshop", "create", "--name", "Riverside", "--budget", 100e6, "--passcode-file", tmp_path / "pass.txt")
    return json.loads(out)["id"]


def test_set_then_show_as_json_and_csv(capsys, tmp_path, status_quo):
    w = _files(tmp_path, capsys, status_quo)
    code, out, err = cli(capsys, "workshop", "funders", "set", "--workshop", w, "--file", tmp_path / "funders.csv", "--mandates",
                         tmp_path / "mandates.json", "--passcode-file", tmp_path / "pass.txt")
    assert code == 0, err
    code, out, _ = cli(capsys, "workshop", "funders", "show", "--workshop", w, "--format", "json")
    shown = json.loads(out)
    assert code == 0 and list(shown) == ["County hospital", "County"]
    assert shown["County hospital"] == {"sector": "health", "amount": 20e6, "amounts": {"acute_care": 18e6, "basic_needs": 2e6},
                                        "may_fund": ["basic_needs", "acute_care"], "floors": {"acute_care": 1e7}}
    code, out, _ = cli(capsys, "workshop", "funders", "show", "--workshop", w, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and list(rows[0]) == ["funder", "sector", "element", "element_name", "amount"]
    assert rows[0]["element_name"] == "Basic needs for health and safety"  # the name beside the id
    assert sum(float(r["amount"]) for r in rows) == 100e6


def test_a_bad_row_exits_2_naming_it_and_saves_nothing(capsys, tmp_path, status_quo):
    w = _files(tmp_path, capsys, status_quo)
    (tmp_path / "funders.csv").write_text((tmp_path / "funders.csv").read_text().replace("basic_needs,2000000", "basic_needs,-2000000"))
    code, out, err = cli(capsys, "workshop", "funders", "set", "--workshop", w, "--file", tmp_path / "funders.csv", "--passcode-file", tmp_path / "pass.txt")
    assert code == 2 and out == "" and "Row 3 (County hospital, basic_needs)" in err and "Traceback" not in err
    assert json.loads(cli(capsys, "workshop", "funders", "show", "--workshop", w)[1]) == {}


def test_amounts_that_miss_the_status_quo_exit_2_naming_the_element(capsys, tmp_path, status_quo):
    w = _files(tmp_path, capsys, status_quo)
    (tmp_path / "funders.csv").write_text((tmp_path / "funders.csv").read_text().replace("acute_care,18000000", "acute_care,19000000"))
    code, _, err = cli(capsys, "workshop", "funders", "set", "--workshop", w, "--file", tmp_path / "funders.csv", "--passcode-file", tmp_path / "pass.txt")
    assert code == 2 and "Acute care: the funders bring 19.0 million, 1.0 million more than the status quo they claim" in err
