"""`simulate` with assumption draws, targeting to places and a harm shock (issue 11, items 4 and 6): results and bad input."""

import csv
import io
import json

import pytest

from portfolio_engine.cli.main import main

TWO = {"communities": [{"name": "Low", "thriving": 0.30, "struggling": 0.62, "suffering": 0.08, "vital_level": 0.75, "population": 30000},
                       {"name": "High", "thriving": 0.70, "struggling": 0.29, "suffering": 0.01, "vital_level": 1.3, "population": 10000}]}


@pytest.fixture
def files(tmp_path, catalog, status_quo, shift):
    moved = shift(0.10, "urgent_services", "vital_conditions")
    paths = {"moved": tmp_path / "moved.json", "start": tmp_path / "start.json", "targeting": tmp_path / "targeting.json"}
    paths["moved"].write_text(json.dumps(moved.to_dict()))
    paths["start"].write_text(json.dumps(TWO))
    paths["targeting"].write_text(json.dumps({"targeting": {"humane_housing": {"Low": 0.9}}}))
    return paths


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_draws_give_percentiles_per_year_and_the_share_better(capsys, files):
    code, out, err = run(capsys, "simulate", "--portfolio", files["moved"], "--draws", 40, "--years", 10, "--format", "json")
    result = json.loads(out)
    assert code == 0 and err == "" and result["draws"] == 40 and 0.8 <= result["share_better"] <= 1.0
    last = result["rows"][-1]
    assert last["year"] == 10 and last["thriving_change_p10"] <= last["thriving_change_p50"] <= last["thriving_change_p90"]
    assert {"unmet_need_p90", "cost_of_harm_change_p50"} <= set(last)
    again = json.loads(run(capsys, "simulate", "--portfolio", files["moved"], "--draws", 40, "--years", 10, "--format", "json")[1])
    assert again == result, "seeded: the same command gives the same band"


def test_draws_per_community_in_csv(capsys, files):
    code, out, _ = run(capsys, "simulate", "--portfolio", files["moved"], "--start", files["start"], "--draws", 20, "--years", 3)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 8 and {r["community"] for r in rows} == {"Low", "High"}


def test_targeting_moves_money_between_places(capsys, files):
    plain = list(csv.DictReader(io.StringIO(run(capsys, "simulate", "--portfolio", files["moved"], "--start", files["start"], "--years", 10)[1])))
    code, out, _ = run(capsys, "simulate", "--portfolio", files["moved"], "--start", files["start"], "--targeting", files["targeting"], "--years", 10)
    targeted = list(csv.DictReader(io.StringIO(out)))
    low = [float(r["thriving"]) for r in targeted if r["community"] == "Low"][-1]
    high = [float(r["thriving"]) for r in targeted if r["community"] == "High"][-1]
    assert code == 0
    assert low > [float(r["thriving"]) for r in plain if r["community"] == "Low"][-1]
    assert high < [float(r["thriving"]) for r in plain if r["community"] == "High"][-1]


def test_a_shock_raises_suffering_while_it_lasts(capsys, files, tmp_path, status_quo):
    path = tmp_path / "sq.json"
    path.write_text(json.dumps(status_quo.to_dict()))
    rows = json.loads(run(capsys, "simulate", "--portfolio", path, "--shock", "2:1:3", "--years", 6, "--format", "json")[1])["rows"]
    assert rows[3]["suffering"] > 1.3 * rows[0]["suffering"]


@pytest.mark.parametrize(("args", "message"), [
    (["--draws", "0"], "draws: 0 must be between 1 and 10,000"),
    (["--draws", "10001"], "draws: 10001 must be between"),
    (["--draws", "many"], "'many' is not a whole number"),
    (["--shock", "2:3:1"], "0 <= FROM < TO"),
    (["--shock", "double"], "FACTOR:FROM:TO"),
    (["--targeting", "TARGETING"], "--targeting needs --start"),
])
def test_bad_options_exit_2_naming_the_field(capsys, files, args, message):
    args = [str(files["targeting"]) if a == "TARGETING" else a for a in args]
    code, out, err = run(capsys, "simulate", "--portfolio", files["moved"], *args)
    assert code == 2 and out == "" and message in err


def test_a_bad_targeting_file_exits_2_and_names_the_element(capsys, files):
    files["targeting"].write_text(json.dumps({"targeting": {"humane_housing": {"Low": 0.7, "High": 0.7}}}))
    code, out, err = run(capsys, "simulate", "--portfolio", files["moved"], "--start", files["start"], "--targeting", files["targeting"])
    assert code == 2 and out == "" and "humane_housing" in err and "add up to 1.4000" in err


def test_a_bad_population_exits_2(capsys, files):
    bad = json.loads(json.dumps(TWO))
    bad["communities"][1]["population"] = 0
    files["start"].write_text(json.dumps(bad))
    code, _, err = run(capsys, "simulate", "--portfolio", files["moved"], "--start", files["start"])
    assert code == 2 and "population 0 must be above 0" in err


def test_milestones_are_read_in_people_when_the_communities_give_populations(capsys, files, tmp_path, catalog, status_quo):
    cut = status_quo.vector(catalog)
    cut[catalog.index("acute_care")] /= 2
    path = tmp_path / "cut.json"
    path.write_text(json.dumps({"budget": float(cut.sum()), "allocations": dict(zip(catalog.ids, map(float, cut), strict=True))}))
    result = json.loads(run(capsys, "simulate", "--portfolio", path, "--start", files["start"], "--years", 10, "--format", "json")[1])
    low = result["milestones"]["Low"]
    assert low["extra_suffering_peak_people"] == pytest.approx(low["extra_suffering_peak_points"] / 100 * 30000)
