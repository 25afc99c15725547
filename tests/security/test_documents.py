"""Finding 3 and 12: documents never name server files, JSON is bounded, and hostile numbers give clear errors.

Every parser a person's file or paste reaches is fed random bytes and random JSON (deep nesting, huge
numbers, NaN strings, wrong types): each either succeeds or raises a PortfolioError, never anything else.
Through the command line a few crafted inputs must exit 0 or 2 with a message and no traceback.
"""

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio_engine import limits
from portfolio_engine.cli.count import read_split_ballots
from portfolio_engine.errors import InputFormatError, PortfolioError
from portfolio_engine.jsonfile import parse_json, read_json
from portfolio_engine.model.assumptions import default_assumptions, read_assumptions, with_overrides
from portfolio_engine.model.batch import read_batch
from portfolio_engine.model.communities import read_start, start_from_dict
from portfolio_engine.model.portfolio import portfolio_from_dict, read_portfolio
from portfolio_engine.optimizer.constraints import problem_from_dict, read_problem
from portfolio_engine.voting import pabulib, rules
from portfolio_engine.voting.split_rules import aggregate

ROOT = Path(__file__).resolve().parents[2]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
IDS = ["acute_care", "basic_needs", "humane_housing", "parks"]
KEYS = ["budget", "status_quo", "assumptions", "communities", "objective", "floors", "ceilings", "locks", "max_change",
        "family_floors", "owners", "allocations", "constants", "elements", "terms", "kind", "weight", "years", "target",
        "name", "thriving", "struggling", "suffering", "vital_level", "slip_rate", "dt", *IDS]
NUMBERS = st.one_of(st.integers(-10**30, 10**30), st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from([0, -1, 1e308, -1e308, 1e-320, 10**300, 2**63]))
TEXTS = st.one_of(st.text(max_size=20), st.sampled_from(["NaN", "nan", "Infinity", "-inf", "1e100000000", "/dev/zero", "secret.key", ""]))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXTS)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                    st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=6)),
                    max_leaves=30)


def refused_or_fine(action) -> None:
    """Success or a PortfolioError: any other exception is a crash a person would see."""
    with contextlib.suppress(PortfolioError):
        action()


# --- JSON limits --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["[" * 50_000 + "]" * 50_000, '{"a":' * 50_000 + "1" + "}" * 50_000, "[" * 50_000])
def test_deep_json_is_refused_without_recursion_error(text):
    with pytest.raises(InputFormatError, match="nested too deeply"):
        parse_json(text, "The document")


def test_depth_counts_brackets_outside_strings_only():
    assert parse_json('{"a": "' + "[" * 1000 + '"}', "x") == {"a": "[" * 1000}
    assert parse_json("[" * limits.MAX_JSON_DEPTH + "]" * limits.MAX_JSON_DEPTH, "x")
    with pytest.raises(InputFormatError, match="nested too deeply"):
        parse_json("[" * (limits.MAX_JSON_DEPTH + 1) + "]" * (limits.MAX_JSON_DEPTH + 1), "x")


def test_oversized_json_is_refused_before_parsing(tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (limits.MAX_JSON_BYTES + 1) + b"{}")
    with pytest.raises(InputFormatError, match="too large"):
        read_json(big)


@pytest.mark.parametrize(("text", "message"), [
    ('{"budget": NaN}', "NaN is not a number JSON allows"),
    ('{"budget": -Infinity}', "-Infinity is not a number JSON allows"),
    ('{"budget": 1e400}', "too large a number"),
    ("[" + "9" * 400 + "]", "too large"),
])
def test_non_finite_numbers_are_refused(text, message):
    with pytest.raises(InputFormatError, match=message):
        parse_json(text, "The document")


def test_limits_come_from_the_environment():
    code = "from portfolio_engine import limits; print(limits.MAX_JSON_DEPTH, limits.MAX_ROWS)"
    env = {"PORTFOLIO_MAX_JSON_DEPTH": "7", "PORTFOLIO_MAX_ROWS": "10_000", "PATH": ""}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["7", "10000"]


@FAST
@given(st.binary(max_size=300))
def test_random_bytes_parse_or_are_refused(data):
    refused_or_fine(lambda: parse_json(data, "The upload"))


@FAST
@given(JSON)
def test_random_json_round_trips(value):
    assert parse_json(json.dumps(value), "x") == value or value != value


# --- documents hold inline objects only ----------------------------------------------------------------

def test_pasted_document_reads_nothing_and_says_the_same_for_any_path(tmp_path):
    """Finding 3: `{"budget":1e8,"status_quo":"/dev/zero"}` used to read the device until memory ran out."""
    (tmp_path / "secret.key").write_bytes(b"k" * 64)
    messages = set()
    for name in ("status_quo", "assumptions", "communities"):
        for path in ("/dev/zero", str(tmp_path / "secret.key"), str(tmp_path / "nothing-here.json"), "../secret.key"):
            with pytest.raises(PortfolioError) as raised:
                problem_from_dict(parse_json(json.dumps({"budget": 1e8, name: path}), "The document"))
            messages.add(str(raised.value).replace(name, "NAME"))
    assert len(messages) == 1


# --- every document parser: random JSON ------------------------------------------------------------------

@FAST
@given(JSON)
def test_constraints_documents(catalog, value):
    refused_or_fine(lambda: problem_from_dict(value, catalog=catalog))


@FAST
@given(st.fixed_dictionaries({"budget": NUMBERS}, optional={k: JSON for k in ("status_quo", "objective", "floors", "assumptions",
                                                                                "communities", "max_change", "family_floors")}))
def test_constraints_documents_shaped_like_the_real_one(catalog, value):
    refused_or_fine(lambda: problem_from_dict(value, catalog=catalog))


@FAST
@given(JSON)
def test_portfolios(catalog, value):
    refused_or_fine(lambda: portfolio_from_dict(catalog, value))
    refused_or_fine(lambda: portfolio_from_dict(catalog, {"allocations": value, "budget": value}))


@FAST
@given(JSON)
def test_communities(value):
    refused_or_fine(lambda: start_from_dict(value))
    refused_or_fine(lambda: start_from_dict({"communities": [value, {"name": "b", "thriving": 1, "struggling": 0, "suffering": 0}]}))


@FAST
@given(JSON)
def test_assumptions(catalog, value):
    base = default_assumptions(catalog)
    refused_or_fine(lambda: with_overrides(base, catalog, value))
    refused_or_fine(lambda: with_overrides(base, catalog, {"constants": value, "elements": {"acute_care": value}}))


@FAST
@given(st.binary(max_size=300))
def test_files_of_random_bytes(catalog, tmp_path, data):
    path = tmp_path / "upload"
    path.write_bytes(data)
    for read in (lambda: read_problem(path), lambda: read_portfolio(catalog, path), lambda: read_start(path),
                 lambda: read_assumptions(catalog, path), lambda: read_batch(catalog, path), lambda: pabulib.read(path)):
        refused_or_fine(read)


# --- CSV and pabulib text --------------------------------------------------------------------------------

CELLS = st.one_of(TEXTS, NUMBERS.map(str), st.sampled_from(["", " ", "1e308", "nan", "-0", "1,5", '"x;y"']))


@FAST
@given(st.lists(st.lists(CELLS, max_size=5), max_size=6), st.sampled_from([",", ";"]))
def test_batch_csv(catalog, rows, separator):
    text = "\n".join(separator.join(row) for row in [["name", "acute_care", "basic_needs"], *rows])
    refused_or_fine(lambda: read_batch(catalog, text))


@FAST
@given(st.lists(st.lists(CELLS, max_size=5), max_size=6), st.sampled_from(rules.names("split")))
def test_split_ballots_and_rules(rows, rule):
    text = "\n".join(",".join(row) for row in [["voter_id", "a", "b"], *rows])

    def count():
        categories, ballots = read_split_ballots(text)
        amounts = aggregate(np.array(ballots), rule, 100)
        assert np.isfinite(amounts).all() and amounts.sum() == pytest.approx(100)

    refused_or_fine(count)


PB = "META\nkey;value\nbudget;{budget}\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;{cost}\n2;5\nVOTES\nvoter_id;vote;points\n{votes}\n"


@FAST
@given(CELLS, CELLS, st.lists(st.tuples(CELLS, CELLS, CELLS), max_size=4), st.sampled_from(["greedy", "mes"]))
def test_pabulib_and_its_count(budget, cost, votes, rule):
    from portfolio_engine.voting.project_rules import run

    text = PB.format(budget=budget, cost=cost, votes="\n".join(";".join(v) for v in votes))
    refused_or_fine(lambda: run(pabulib.parse(text), rule, "points"))


@FAST
@given(st.binary(max_size=400))
def test_pabulib_random_text(data):
    refused_or_fine(lambda: pabulib.parse(data.decode("utf-8", "replace")))


# --- the command line: a handful of crafted files ---------------------------------------------------------

def engine(tmp_path, *args):
    result = subprocess.run([sys.executable, "-m", "portfolio_engine", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env={"PATH": "", "PORTFOLIO_DB": str(tmp_path / "db.sqlite")})
    assert "Traceback" not in result.stderr
    return result


DEEP = "[" * 50_000 + "]" * 50_000
CRAFTED_JSON = {
    "deep": DEEP,
    "nan": '{"budget": NaN}',
    "huge": '{"budget": 1e100000000}',
    "overflow": json.dumps({"budget": 2e8, "allocations": {"acute_care": 1e308, "basic_needs": 1e308}}),
    "zero": json.dumps({"budget": 1e8, "status_quo": {"allocations": {}}}),
    "weight": json.dumps({"budget": 1e8, "objective": {"terms": [{"kind": "urgent_cost", "weight": 1e308}]}}),
    "device": json.dumps({"budget": 1e8, "status_quo": "/dev/zero"}),  # the command line reads it, bounded by MAX_JSON_BYTES
}


@pytest.mark.parametrize("name", list(CRAFTED_JSON))
def test_crafted_json_through_the_command_line(tmp_path, name):
    path = tmp_path / "doc.json"
    path.write_text(CRAFTED_JSON[name])
    for args in (("optimize", "--constraints", path), ("simulate", "--portfolio", path, "--years", 2)):
        result = engine(tmp_path, *args)
        assert result.returncode == 2 and result.stderr.startswith("Error: ")


@pytest.mark.parametrize(("command", "text"), [
    ("pb", PB.format(budget="nan", cost=5, votes="a;1;1")),
    ("pb", PB.format(budget="1e100000000", cost=5, votes="a;1;1")),
    ("pb", PB.format(budget=10, cost=5, votes="a;1;1\na;1;1\na;2;1")),
    ("aggregate", "voter_id,a,b\nv1,1e308,1e308\nv2,1,0\n"),
    ("aggregate", "voter_id,a,b\nv1,1,2,\n"),
])
def test_crafted_counting_files_through_the_command_line(tmp_path, command, text):
    path = tmp_path / "input"
    path.write_text(text)
    extra = ("--rule", "mes") if command == "pb" else ("--rule", "mean", "--budget", 100)
    result = engine(tmp_path, command, *extra, path)
    assert result.returncode == 2 and result.stderr.startswith("Error: ")
