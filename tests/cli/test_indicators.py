import json
from pathlib import Path

from portfolio_engine.cli.main import main

DEMO = Path(__file__).resolve().parents[2] / "portfolio_engine" / "data" / "demo_city"


def cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_prints_only_the_summary(capsys):
    code, out, err = cli(capsys, "indicators", "import", DEMO / "indicators.csv", "--kind", "long")
    assert code == 0 and err == ""
    assert json.loads(out) == {"rows": 192, "indicators": 8, "geographies": 6, "groups": 1, "periods": 4, "missing": 3}
    code, out, err = cli(capsys, "indicators", "import", DEMO / "indicators.csv", "--kind", "long")
    assert json.loads(out)["rows"] == 192 and "nothing changed" in err


def test_survey_list_export_and_communities(capsys, tmp_path):
    cli(capsys, "indicators", "import", DEMO / "indicators.csv", "--kind", "long")
    code, out, _ = cli(capsys, "indicators", "import", DEMO / "survey.csv", "--kind", "survey", "--period", "2024",
                       "--geo-id", "riverside", "--geo-name", "Riverside")
    assert code == 0 and json.loads(out)["indicators"] == 7
    listed = json.loads(cli(capsys, "indicators", "list")[1])
    assert {"thriving_share", "child_poverty"} <= {row["indicator_id"] for row in listed}
    code, out, _ = cli(capsys, "indicators", "export", "--format", "long")
    assert code == 0 and out.splitlines()[0].startswith("geo_id,geo_name,geo_level,parent_geo_id")
    code, _, err = cli(capsys, "indicators", "communities", "--out", tmp_path / "c.json")
    assert code == 0 and "Wrote 5 communities" in err
    code, out, _ = cli(capsys, "status-quo")
    (tmp_path / "sq.json").write_text(out)
    code, out, _ = cli(capsys, "simulate", "--portfolio", tmp_path / "sq.json", "--start", tmp_path / "c.json", "--years", "1")
    assert code == 0 and out.count("Eastside") == 2


def test_bad_files_exit_2_naming_the_line(capsys, tmp_path):
    (tmp_path / "bad.csv").write_text("geo_id,geo_level,indicator_id,period_label,value\nx,city,i,2023,abc\n")
    code, out, err = cli(capsys, "indicators", "import", tmp_path / "bad.csv", "--kind", "long")
    assert code == 2 and out == "" and err == "Error: Line 2, column 'value': got 'abc', expected a number.\n"
    code, _, err = cli(capsys, "indicators", "communities", "--out", tmp_path / "c.json")
    assert code == 2 and "No survey shares by neighborhood" in err


def test_view_gives_what_the_data_page_shows(capsys):
    cli(capsys, "indicators", "import", DEMO / "indicators.csv", "--kind", "long")
    code, out, err = cli(capsys, "indicators", "view", "--indicator", "child_poverty", "--place", "eastside", "--city", "riverside")
    view = json.loads(out)
    assert code == 0, err
    assert len(view["trend"]) == 4 and [p["place"] for p in view["places"]["neighborhood"]] == sorted(p["place"] for p in view["places"]["neighborhood"])
    assert view["gaps"] or view["strengths"]


def test_ragged_rows_and_formula_cells_at_the_command_line(capsys, tmp_path):
    (tmp_path / "ragged.csv").write_text("geo_id,geo_level,indicator_id,period_label,value\nx,city,i,2023,1,extra\n")
    code, out, err = cli(capsys, "indicators", "import", tmp_path / "ragged.csv", "--kind", "long")
    assert code == 2 and out == "" and err.startswith("Error: Line 2 has 6 values but the header has 5 columns")
    (tmp_path / "formula.csv").write_text("geo_id,geo_level,indicator_id,period_label,value,notes\nx,city,i,2023,1,=1+1\n")
    assert cli(capsys, "indicators", "import", tmp_path / "formula.csv", "--kind", "long")[0] == 0
    code, out, _ = cli(capsys, "indicators", "export")
    assert code == 0 and out.splitlines()[1].endswith(",'=1+1")
