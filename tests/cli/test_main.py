"""The command line: results on stdout, one-line messages on stderr, exit 0 or 2."""

import csv
import io
import json
import subprocess
import sys

import pytest

from portfolio_engine.cli.main import main
from portfolio_engine.model.dynamics import OUTPUTS


def run_cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_catalog_json_and_csv(capsys):
    code, out, err = run_cli(capsys, "catalog", "--format", "json")
    assert code == 0 and err == ""
    assert [e["id"] for e in json.loads(out)][:2] == ["basic_needs", "lifelong_learning"]
    recovery = next(e for e in json.loads(out) if e["id"] == "addiction_recovery")
    assert recovery["definition"] == "Services to address mental health and recovery needs." and "behavioral health care" in recovery["items"]
    code, out, _ = run_cli(capsys, "catalog", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 13 and rows[-1]["family"] == "civic_muscle"


def test_status_quo_prints_budget_currency_allocations(capsys):
    code, out, _ = run_cli(capsys, "status-quo")
    data = json.loads(out)
    assert code == 0 and set(data) == {"budget", "currency", "allocations"}
    assert sum(data["allocations"].values()) == data["budget"] == 100_000_000


def test_simulate_one_row_per_year_with_the_required_columns(capsys, tmp_path):
    run_cli(capsys, "status-quo")
    portfolio = tmp_path / "sq.json"
    main(["status-quo"])
    portfolio.write_text(capsys.readouterr().out)
    code, out, err = run_cli(capsys, "simulate", "--portfolio", str(portfolio), "--years", "5", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and err == ""
    assert [int(r["year"]) for r in rows] == list(range(6))
    assert set(OUTPUTS) <= set(rows[0])
    code, out, _ = run_cli(capsys, "simulate", "--portfolio", str(portfolio), "--years", "5", "--format", "json")
    assert json.loads(out)["rows"][5]["realized_vital_share"] == pytest.approx(0.35)


def test_simulate_json_has_milestones_next_to_the_rows(capsys, tmp_path):
    main(["move", "--element", "humane_housing", "--amount", "20000000"])  # more housing, less of everything else
    portfolio = tmp_path / "p.json"
    portfolio.write_text(capsys.readouterr().out)
    code, out, err = run_cli(capsys, "simulate", "--portfolio", str(portfolio), "--years", "20", "--format", "json")
    data = json.loads(out)
    assert code == 0 and err == ""
    assert len(data["rows"]) == 21 and data["milestones"]["horizon"] == 20
    assert {"thriving_above_year", "suffering_below_year", "extra_suffering_peak_points", "extra_suffering_share_years"} <= set(data["milestones"])
    if "unmet_need" in data["rows"][0]:  # the unmet-need output arrives with the revised dynamics (issue 11, item 2)
        assert "unmet_need_total" in data["milestones"]
    else:
        assert "unmet_need_total" not in data["milestones"]
    code, out, _ = run_cli(capsys, "simulate", "--portfolio", str(portfolio), "--years", "20", "--format", "csv")
    assert "milestones" not in out and out.startswith("year,thriving")


def test_simulate_batch_keeps_input_order_and_row_totals(capsys, tmp_path):
    batch = tmp_path / "batch.csv"
    batch.write_text("name,basic_needs,acute_care,belonging_civic_muscle\nsmall,1,1,1\nbig,6000000,18000000,5000000\nnone,0,0,0\n")
    code, out, err = run_cli(capsys, "simulate", "--batch", str(batch), "--years", "10", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0, err
    assert [r["name"] for r in rows] == ["small", "big", "none"]
    assert all(r["year"] == "10" for r in rows)
    assert float(rows[0]["realized_vital_share"]) > 0  # the small row's own total is its budget


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (["simulate", "--years", "5"], None, "exactly one of --portfolio"),
        (["simulate", "--portfolio", "{file}", "--years", "-1"], '{"allocations": {}}', "years must be between 0 and 200"),
        (["simulate", "--portfolio", "{file}"], '{"allocations": {"parks": 3}}', "Unknown element 'parks'"),
        (["simulate", "--portfolio", "{file}"], "not json", "is not valid JSON"),
        (["simulate", "--portfolio", "{file}"], '{"budget": 9, "allocations": {"acute_care": 3}}', "add up to 3.00 but the budget is 9.00"),
        (["simulate", "--batch", "{file}"], "name,acute_care\nx,abc\n", "Line 2, column 'acute_care': 'abc' is not a number"),
        (["simulate", "--batch", "{file}"], "name,parks\nx,1\n", "Unknown column(s) parks"),
        (["simulate", "--portfolio", "{file}", "--assumptions", "{file}"], '{"allocations": {"acute_care": 1}}', "Assumptions: unknown section(s) allocations"),
        (["simulate", "--portfolio", "/nonexistent/p.json"], None, "Cannot read /nonexistent/p.json"),
        (["catalog", "--format", "xml"], None, "invalid choice: 'xml'"),
        (["frobnicate"], None, "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, args, content, message):
    path = tmp_path / "input"
    if content is not None:
        path.write_text(content)
    code, out, err = run_cli(capsys, *[a.replace("{file}", str(path)) for a in args])
    assert code == 2 and out == ""
    assert err.startswith("Error: ") and err.count("\n") == 1
    assert message in err


def test_export_xmile_writes_the_file(capsys, tmp_path):
    out_file = tmp_path / "model.xmile"
    code, out, err = run_cli(capsys, "export-xmile", "--out", str(out_file))
    assert code == 0 and out == "" and "Wrote" in err
    assert "<stock name=\"Thriving\">" in out_file.read_text()


def test_export_model_tables_prints_what_the_board_runs(capsys):
    code, out, err = run_cli(capsys, "export-model-tables", "--draws", "3", "--seed", "5")
    assert code == 0, err
    tables = json.loads(out)
    assert tables["version"] == 1 and tables["seed"] == 5 and tables["start"] is None
    assert len(tables["draws"]["params"]) == 3 and len(tables["central"]["params"]) == 1
    assert len(tables["central"]["weights"][0]) == len(tables["ids"]) == 13


def test_export_model_tables_refuses_a_draw_count_out_of_range(capsys):
    code, _, err = run_cli(capsys, "export-model-tables", "--draws", "0")
    assert code == 2 and "draws" in err and "between 1 and 10,000" in err


def test_commands_create_a_missing_database(capsys, private_database):
    assert not private_database.exists()
    run_cli(capsys, "catalog")
    assert private_database.exists()


def test_python_dash_m_help_lists_every_command():
    result = subprocess.run([sys.executable, "-m", "portfolio_engine", "--help"], capture_output=True, text=True, check=True)
    for command in ("catalog", "status-quo", "simulate", "optimize", "export-xmile", "init-db"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["catalog", "status-quo", "simulate", "optimize", "export-xmile", "export-model-tables", "init-db"])
def test_every_command_has_help_text(command):
    result = subprocess.run([sys.executable, "-m", "portfolio_engine", command, "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and len(result.stdout.splitlines()) >= 3



def test_optimize_prints_the_documented_json(capsys, tmp_path, issue_constraints):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(issue_constraints))
    code, out, err = run_cli(capsys, "optimize", "--constraints", str(path), "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert {"allocations", "objective", "status_quo_objective", "binding", "marginal_values"} <= set(result)
    assert sum(result["allocations"].values()) == pytest.approx(100e6, abs=0.01)
    assert {"constraint": "locks.humane_housing", "owner": "Housing authority"}.items() <= next(
        b for b in result["binding"] if b["constraint"] == "locks.humane_housing").items()


def test_optimize_frontier_prints_a_list(capsys, tmp_path, issue_constraints):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(issue_constraints))
    code, out, err = run_cli(capsys, "optimize", "--constraints", str(path), "--frontier", "suffering_years,thriving_at_year", "--points", "10")
    points = json.loads(out)
    assert code == 0, err
    assert 5 <= len(points) <= 10 and set(points[0]) == {"objectives", "allocations"}


def test_optimize_infeasible_exits_2_naming_the_conflict(capsys, tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"budget": 100e6, "floors": {"acute_care": 60e6, "public_safety": 52e6}}))
    code, out, err = run_cli(capsys, "optimize", "--constraints", str(path))
    assert code == 2 and out == ""
    assert err == "Error: floors add up to 112.0 million, budget is 100.0 million.\n"


def test_simulate_with_communities_gives_one_run_per_community(capsys, tmp_path):
    start = tmp_path / "start.json"
    start.write_text(json.dumps({"communities": [{"name": "A", "thriving": 0.5, "struggling": 0.45, "suffering": 0.05},
                                                 {"name": "B", "thriving": 0.6, "struggling": 0.38, "suffering": 0.02}]}))
    main(["status-quo"])
    portfolio = tmp_path / "sq.json"
    portfolio.write_text(capsys.readouterr().out)
    code, out, err = run_cli(capsys, "simulate", "--portfolio", str(portfolio), "--years", "3", "--start", str(start))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0, err
    assert [r["community"] for r in rows] == ["A"] * 4 + ["B"] * 4
    code, out, _ = run_cli(capsys, "simulate", "--portfolio", str(portfolio), "--years", "3", "--start", str(start), "--format", "json")
    reached = json.loads(out)["milestones"]
    assert set(reached) == {"A", "B"} and reached["A"]["thriving_above_year"] is None  # the status quo never beats itself


def test_move_keeps_the_total_and_the_locks_as_the_sliders_do(capsys):
    code, out, err = run_cli(capsys, "move", "--element", "humane_housing", "--amount", "13000000", "--lock", "acute_care")
    assert code == 0 and err == ""
    moved = json.loads(out)
    assert moved["budget"] == pytest.approx(100_000_000)
    assert moved["allocations"]["humane_housing"] == 13_000_000 and moved["allocations"]["acute_care"] == 18_000_000
    assert moved["allocations"]["public_safety"] < 20_000_000  # the others gave, in proportion
    code, out, _ = run_cli(capsys, "move", "--element", "humane_housing", "--amount", "13000000", "--no-keep-total")
    assert json.loads(out)["budget"] == pytest.approx(105_000_000)


def test_move_refuses_unknown_elements_and_amounts_above_the_budget(capsys):
    code, _, err = run_cli(capsys, "move", "--element", "parks", "--amount", "1")
    assert code == 2 and "Unknown element 'parks'" in err
    code, _, err = run_cli(capsys, "move", "--element", "acute_care", "--amount", "2e9")
    assert code == 2 and "above the budget" in err
    code, _, err = run_cli(capsys, "move", "--element", "acute_care", "--amount", "lots")
    assert code == 2 and "is not a number" in err
