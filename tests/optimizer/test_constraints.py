"""The optimizer's constraints document: parsing, clear refusals, and infeasibility in plain words."""

import json

import pandas as pd
import pytest

from portfolio_engine.errors import InvalidAmount, UnknownElement
from portfolio_engine.optimizer.constraints import (
    InfeasibleConstraints,
    InvalidConstraints,
    check_feasible,
    document_from_tables,
    problem_from_dict,
    read_problem,
)


def test_issue_example_parses_into_bounds_with_their_sources(issue_constraints):
    problem = problem_from_dict(issue_constraints)
    i = problem.catalog.index("acute_care")
    assert problem.lower[i] == 15e6 and problem.lower_source[i] == "floors.acute_care"
    h = problem.catalog.index("humane_housing")
    assert problem.lower[h] == problem.upper[h] == 9e6 and problem.upper_source[h] == "locks.humane_housing"
    b = problem.catalog.index("basic_needs")
    assert problem.upper[b] == 7.5e6 and problem.upper_source[b] == "max_change.basic_needs"
    assert [t.kind for t in problem.terms] == ["thriving_at_year"] and problem.terms[0].years == 10
    check_feasible(problem)


def test_status_quo_file_is_relative_to_the_constraints_file(tmp_path):
    (tmp_path / "sq.json").write_text(json.dumps({"allocations": {i: 1e6 for i in problem_from_dict({"budget": 1}).catalog.ids}}))
    (tmp_path / "c.json").write_text(json.dumps({"budget": 26e6, "status_quo": "sq.json"}))
    problem = read_problem(tmp_path / "c.json")
    assert problem.status_quo.tolist() == [2e6] * 13  # scaled to the budget


@pytest.mark.parametrize("name", ["status_quo", "assumptions", "communities"])
def test_a_document_never_names_a_file(tmp_path, name):
    """The same refusal whether the named file exists or not: a pasted document cannot read or probe server files."""
    (tmp_path / "secret.key").write_text("x" * 64)
    messages = set()
    for value in (str(tmp_path / "secret.key"), str(tmp_path / "missing.json"), "/dev/zero", "secret.key"):
        with pytest.raises(InvalidConstraints, match="must be written inside the document") as raised:
            problem_from_dict({"budget": 1e8, name: value})
        messages.add(str(raised.value))
    assert len(messages) == 1 and "secret" not in messages.pop()


def test_inline_assumptions_and_communities():
    communities = {"communities": [{"name": "North", "thriving": 0.5, "struggling": 0.3, "suffering": 0.2},
                                   {"name": "South", "thriving": 0.2, "struggling": 0.5, "suffering": 0.3}]}
    problem = problem_from_dict({"budget": 1e8, "assumptions": {"constants": {"slip_rate": 0.3}}, "communities": communities,
                                 "objective": {"equity": 10}})
    assert problem.model.constants["slip_rate"] == 0.3 and problem.start.names == ("North", "South")


def test_the_command_line_reads_named_files_relative_to_the_constraints_file(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"constants": {"slip_rate": 0.3}}))
    (tmp_path / "c.json").write_text(json.dumps({"budget": 1e8, "assumptions": "a.json"}))
    assert read_problem(tmp_path / "c.json").model.constants["slip_rate"] == 0.3


def test_weighted_terms_and_targets():
    problem = problem_from_dict({"budget": 100e6, "objective": {"terms": [
        {"kind": "thriving_at_year", "year": 20, "weight": 1},
        {"kind": "suffering_years", "years": 10, "weight": 2},
        {"kind": "closeness_to_vote", "target": {"acute_care": 50e6, "basic_needs": 50e6}, "weight": 0.5},
    ]}})
    assert [(t.kind, t.years, t.weight) for t in problem.terms][:2] == [("thriving_at_year", 20, 1.0), ("suffering_years", 10, 2.0)]
    assert problem.terms[2].target.sum() == 100e6


@pytest.mark.parametrize(
    ("document", "error", "message"),
    [
        ({"budget": 1, "flors": {}}, InvalidConstraints, "Unknown key\\(s\\) flors"),
        ({}, InvalidConstraints, "need a 'budget'"),
        ({"budget": 0}, InvalidConstraints, "budget must be above 0"),
        ({"budget": "lots"}, InvalidAmount, "Budget: 'lots' is not a number"),
        ({"budget": 1, "floors": {"parks": 1}}, UnknownElement, "Unknown element 'parks'"),
        ({"budget": 1, "floors": {"acute_care": -1}}, InvalidAmount, "floors.acute_care: -1 is negative"),
        ({"budget": 1, "family_floors": {"vital": 1}}, InvalidConstraints, "Unknown family 'vital'"),
        ({"budget": 1, "max_change": -0.1}, InvalidConstraints, "'max_change' must be a fraction of 0 or more"),
        ({"budget": 1, "objective": {"happiness": 3}}, InvalidConstraints, "unknown kind 'happiness'"),
        ({"budget": 1, "objective": {"thriving_at_year": 2.5}}, InvalidConstraints, "years must be a whole number"),
        ({"budget": 1, "objective": {"terms": [{"kind": "urgent_cost", "weight": 0}]}}, InvalidConstraints, "weight must be a number from 0.001 to 1000"),
        ({"budget": 1, "objective": {"terms": [{"kind": "urgent_cost", "weight": 1e308}]}}, InvalidConstraints, "weight must be a number from"),
        ({"budget": 1e308}, InvalidAmount, "Budget: 1e\\+308 is larger than any budget"),
        ({"budget": 1, "status_quo": {"allocations": {"acute_care": 1e308, "basic_needs": 1e308}}}, InvalidAmount, "larger than any budget"),
        ({"budget": 1, "status_quo": {"allocations": {}}}, InvalidAmount, "status_quo: the amounts add up to 0"),
        ({"budget": 1, "objective": {"equity": 10}}, InvalidConstraints, "equity objective compares communities"),
        ({"budget": 1, "objective": {"closeness_to_vote": 5}}, InvalidConstraints, "'target' must be an object"),
        ({"budget": 1, "owners": {"floors.acute_care": 3}}, InvalidConstraints, "'owners' values must be names"),
        ([], InvalidConstraints, "must be a JSON object"),
    ],
)
def test_bad_documents_are_refused_clearly(document, error, message):
    with pytest.raises(error, match=message):
        problem_from_dict(document)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"budget": 100e6, "floors": {"acute_care": 60e6, "public_safety": 52e6}}, "floors add up to 112.0 million, budget is 100.0 million"),
        ({"budget": 100e6, "floors": {"acute_care": 20e6}, "ceilings": {"acute_care": 10e6}},
         "These cannot both hold. At least 20.00 million for Acute care. At most 10.00 million for Acute care."),
        ({"budget": 100e6, "max_change": 0.1, "family_floors": {"civic_muscle": 9e6}}, "family_floors.civic_muscle \\(9.0 million\\) is more than"),
        ({"budget": 100e6, "max_change": 0.05, "floors": {"acute_care": 30e6}},
         "These cannot both hold. At least 30.00 million for Acute care. Acute care within the limit on change"),
        ({"budget": 150e6, "ceilings": {i: 10e6 for i in ["basic_needs", "lifelong_learning", "meaningful_work", "humane_housing",
          "stable_environment", "reliable_transportation", "acute_care", "addiction_recovery", "public_safety", "homeless_services",
          "environmental_cleanup", "income_food_assistance", "belonging_civic_muscle"]}}, "ceilings allow at most 130.0 million in all"),
        ({"budget": 100e6, "family_floors": {"vital_conditions": 60e6, "urgent_services": 50e6}}, "exceed the budget|add up to 110.0 million"),
    ],
)
def test_infeasible_sets_name_the_conflicting_constraints(document, message):
    with pytest.raises(InfeasibleConstraints, match=message):
        check_feasible(problem_from_dict(document))


def test_the_optimize_tables_become_a_document_with_owners(catalog, status_quo):
    objectives = pd.DataFrame({"use": [True, False, True], "kind": ["thriving_at_year", "urgent_cost", "closeness_to_vote"],
                               "years": [20, 20, 10], "weight": [1.0, 1.0, 0.5]})
    elements = pd.DataFrame({"id": catalog.ids, "floor": [None] * 13, "ceiling": [float("nan")] * 13, "lock": [None] * 13,
                             "owner": [""] * 13})
    elements.loc[elements["id"] == "acute_care", ["floor", "owner"]] = [15.0, " County hospital "]
    elements.loc[elements["id"] == "humane_housing", "lock"] = 8.0
    families = pd.DataFrame({"id": list(catalog.family_names), "floor": [30.0, None, None], "ceiling": [None] * 3, "owner": [""] * 3})
    document = document_from_tables(status_quo, objectives, elements, families, scale=1e6, max_change=0.25,
                                    target={"acute_care": 1.0}, communities=[{"name": "north"}])
    assert document["objective"]["terms"] == [{"kind": "thriving_at_year", "years": 20, "weight": 1.0},
                                              {"kind": "closeness_to_vote", "years": 10, "weight": 0.5, "target": {"acute_care": 1.0}}]
    assert document["floors"] == {"acute_care": 15e6} and document["locks"] == {"humane_housing": 8e6}
    assert document["family_floors"] == {"vital_conditions": 30e6} and "ceilings" not in document
    assert document["owners"] == {"floors.acute_care": "County hospital"}
    assert document["max_change"] == 0.25 and "communities" not in document  # no equity term
    problem = problem_from_dict(document)
    assert problem.budget == status_quo.budget


def test_every_objective_kind_is_documented_and_offered():
    from pathlib import Path

    from portfolio_engine.optimizer.constraints import FRONTIER_KINDS, OBJECTIVE_KINDS

    docs = (Path(__file__).resolve().parents[2] / "docs" / "optimizer.md").read_text(encoding="utf-8")
    assert all(f"| `{name}` |" in docs for name in OBJECTIVE_KINDS)
    assert all(kind.sense in (1, -1) and kind.words for kind in OBJECTIVE_KINDS.values())
    assert set(FRONTIER_KINDS) == {"thriving_at_year", "suffering_years", "urgent_cost"}
    page = (Path(__file__).resolve().parents[2] / "pages" / "optimize.py").read_text(encoding="utf-8")
    assert not [kind.words for kind in OBJECTIVE_KINDS.values() if kind.words in page]
