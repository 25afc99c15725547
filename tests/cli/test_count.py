"""The counting commands, through the real `python -m portfolio_engine` entry (the lean route)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from portfolio_engine.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / "tests" / "data" / "pabulib"  # copies of shared/data/pabulib, see its SOURCES.md


def engine(*args):
    return subprocess.run([sys.executable, "-m", "portfolio_engine", *map(str, args)], cwd=ROOT, capture_output=True, text=True)


def test_pb_prints_ids_then_total_cost():
    result = engine("pb", "--rule", "mes-add1", SHARED / "Netherlands_Assen_2024.pb")
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and result.stderr == ""
    assert sorted(lines[:-1], key=int) == ["2", "3", "5", "6", "9", "11", "12", "13", "14"]
    assert lines[-1] == "total_cost: 76700"


@pytest.mark.parametrize(("rule", "total"), [("greedy", "364200"), ("greedy-per-cost", "363600")])
def test_pb_points_satisfaction(rule, total):
    """greedy funds by total points as cities do; greedy-per-cost by points per unit of cost (issue 16 item 15)."""
    result = engine("pb", "--rule", rule, "--satisfaction", "points", SHARED / "Poland_Czestochowa_2020_Dzbow.pb")
    assert result.stdout.splitlines()[-1] == f"total_cost: {total}"


def test_aggregate_prints_json(tmp_path):
    path = tmp_path / "ballots.csv"
    path.write_text("voter_id,acute_care,humane_housing\nv1,30,70\nv2,1,1\nv3,0,5\n")
    result = engine("aggregate", "--rule", "independent-markets", "--budget", "1000", path)
    amounts = json.loads(result.stdout)
    assert result.returncode == 0 and set(amounts) == {"acute_care", "humane_housing"}
    assert sum(amounts.values()) == pytest.approx(1000)


@pytest.mark.parametrize(("body", "message"), [
    ("voter_id,a,b\nv1,1,-2\n", "Line 2, column 'b': '-2' must be from 0 to 1e+15."),
    ("voter_id,a,b\nv1,1,1e308\n", "Line 2, column 'b': '1e308' must be from 0 to 1e+15."),
    ("voter_id,a,b\nv1,1,nan\n", "Line 2, column 'b': 'nan' must be from 0 to 1e+15."),
    ("voter_id,a,b\nv1,1,1,\n", "Line 2: 4 fields but the header has 3"),
    ("voter_id,a,b\nv1,1,x\n", "Line 2, column 'b': 'x' is not a number."),
    ("voter_id,a,b\nv1,0,0\n", "Line 2: voter 'v1' gave nothing to any category."),
    ("voter_id,a,b\nv1,1,1\nv1,2,2\n", "Line 3: voter 'v1' already voted on line 2."),
    ("a,b\n1,1\n", "needs a voter_id column"),
])
def test_aggregate_rejects_bad_rows_naming_them(tmp_path, body, message):
    path = tmp_path / "ballots.csv"
    path.write_text(body)
    result = engine("aggregate", "--rule", "mean", "--budget", "100", path)
    assert result.returncode == 2 and result.stdout == "" and message in result.stderr


@pytest.mark.parametrize(("text", "message"), [
    ("hello\n", "expected a META"),
    ("META\nkey;value\nbudget;nan\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\na;1\n", "META budget: 'nan' is not a number"),
    ("META\nkey;value\nbudget;1e100000000\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\na;1\n", "is out of range"),
])
def test_bad_pb_input_exits_2(tmp_path, text, message):
    path = tmp_path / "x.pb"
    path.write_text(text)
    result = subprocess.run([sys.executable, "-m", "portfolio_engine", "pb", "--rule", "mes", str(path)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)  # 1e100000000 used to hang building the exact number
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_full_cli_lists_the_counting_commands(capsys):
    assert main(["pb", "--rule", "greedy", str(SHARED / "US_Stanford_Dataset_2022_Jersey_City_Ward_D_vote_knapsacks.pb")]) == 0
    assert capsys.readouterr().out.splitlines() == ["2947", "total_cost: 50000"]
