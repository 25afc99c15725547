"""Greedy and MES reproduce the published reference outcomes exactly, and pabutools on generated elections."""

import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from portfolio_engine.voting import pabulib, project_rules
from portfolio_engine.voting.project_rules import run

SHARED = Path(__file__).resolve().parents[1] / "data" / "pabulib"  # copies of shared/data/pabulib, see its SOURCES.md
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

# tests/data/pabulib/SOURCES.md: pabutools 1.2.3 results, and Assen's official outcome (MES with add1).
REFERENCE = {
    ("Netherlands_Assen_2024.pb", "greedy", "cost"): "2, 3, 8, 9, 11, 13, 14",
    ("Netherlands_Assen_2024.pb", "mes", "cost"): "2, 3, 9, 11, 12, 13, 14",
    ("Netherlands_Assen_2024.pb", "mes-add1", "cost"): "2, 3, 5, 6, 9, 11, 12, 13, 14",
    ("Netherlands_Assen_2024.pb", "mes-add1-greedy", "cost"): "2, 3, 5, 6, 7, 9, 11, 12, 13, 14",
    ("Poland_Czestochowa_2020_Dzbow.pb", "greedy", "cost"): "10, 213, 263, 563",
    ("Poland_Czestochowa_2020_Dzbow.pb", "mes", "cost"): "461, 563",
    ("Poland_Czestochowa_2020_Dzbow.pb", "mes-add1", "cost"): "213, 263, 279, 330, 461, 513, 520, 563",
    ("Poland_Czestochowa_2020_Dzbow.pb", "mes-add1-greedy", "cost"): "213, 263, 279, 306, 330, 461, 513, 520, 563",
    ("Poland_Czestochowa_2020_Dzbow.pb", "greedy-per-cost", "points"): "213, 263, 279, 306, 330, 461, 513, 520, 563",
    ("Poland_Czestochowa_2020_Dzbow.pb", "greedy", "points"): "213, 330, 363, 513, 520",
    ("Poland_Czestochowa_2020_Dzbow.pb", "mes", "points"): "461, 563",
    ("US_Stanford_Dataset_2022_Jersey_City_Ward_D_vote_knapsacks.pb", "greedy", "cost"): "2947",
    ("US_Stanford_Dataset_2022_Jersey_City_Ward_D_vote_knapsacks.pb", "mes", "cost"): "2948, 2956",
    ("US_Stanford_Dataset_2022_Jersey_City_Ward_D_vote_knapsacks.pb", "mes-add1", "cost"): "2948, 2953, 2956",
    ("US_Stanford_Dataset_2022_Jersey_City_Ward_D_vote_knapsacks.pb", "mes-add1-greedy", "cost"): "2948, 2950, 2953, 2956, 2957",
}


@pytest.mark.parametrize(("file", "rule", "satisfaction"), list(REFERENCE))
def test_reference_outcomes_are_reproduced_exactly(file, rule, satisfaction):
    election = pabulib.read(SHARED / file)
    selected = run(election, rule, satisfaction)
    assert ", ".join(sorted(selected, key=int)) == REFERENCE[(file, rule, satisfaction)]


def _greedy_by_score_column(election: pabulib.Election) -> list[str]:
    """What a city counting points does, read from the file's own `score` column (the cities' totals), not from the ballots."""
    spent, chosen = 0, []
    for project in sorted(election.projects, key=lambda p: (-int(election.projects[p]["score"]), p)):
        if spent + election.cost(project) <= election.budget:
            chosen.append(project)
            spent += election.cost(project)
    return chosen


def test_greedy_with_points_funds_by_the_cities_total_points():
    """Item 15: greedy with points is the score column's order (total points, ties by id), not points per unit of cost."""
    election = pabulib.read(SHARED / "Poland_Czestochowa_2020_Dzbow.pb")
    assert run(election, "greedy", "points") == _greedy_by_score_column(election)
    assert run(election, "greedy-per-cost", "points") != run(election, "greedy", "points")


@pytest.mark.parametrize("file", ["Netherlands_Assen_2024.pb", "US_Stanford_Dataset_2022_Jersey_City_Ward_D_vote_knapsacks.pb"])
def test_with_yes_no_ballots_both_greedy_rules_agree(file):
    election = pabulib.read(SHARED / file)
    assert run(election, "greedy") == run(election, "greedy-per-cost")


def test_greedy_ties_are_broken_by_project_id():
    text = ("META\nkey;value\ndescription;tie\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\nb;10\na;10\n"
            "VOTES\nvoter_id;vote;points\n1;a,b;5,5\n")
    assert run(pabulib.parse(text), "greedy", "points") == ["a"]


def test_assen_official_outcome_is_the_selected_column():
    election = pabulib.read(SHARED / "Netherlands_Assen_2024.pb")
    official = {p for p, record in election.projects.items() if record.get("selected") == "1"}
    assert set(run(election, "mes-add1")) == official


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 12), st.integers(5, 60), st.integers(1, 10_000), st.integers(0, 10**6))
@example(11, 5, 10, 8)  # a project with no supporter, and money left for it
def test_project_rules_never_overspend_and_match_pabutools(projects, voters, budget_hundreds, seed):
    from big_election import pabulib_text
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    text = pabulib_text(projects, voters, budget_hundreds * 100, seed)
    election = pabulib.parse(text)
    path = Path(f"/tmp/pb-{seed}-{projects}-{voters}.pb")
    path.write_text(text)
    instance, profile = parse_pabulib(str(path))
    path.unlink()
    multi = profile.as_multiprofile()
    expected = {
        "greedy": greedy_utilitarian_welfare(instance, multi, sat_class=Cost_Sat, is_sat_additive=True),
        "greedy-per-cost": greedy_utilitarian_welfare(instance, multi, sat_class=Cost_Sat, is_sat_additive=True),
        "mes": method_of_equal_shares(instance, multi, sat_class=Cost_Sat),
        "mes-add1": method_of_equal_shares(instance, multi, sat_class=Cost_Sat, voter_budget_increment=1),
    }
    supported = {p for ids, _ in election.ballots() for p in ids}  # nobody's choice is never funded (docs/voting.md)
    for rule, outcome in expected.items():
        selected = run(election, rule)
        assert sorted(selected) == sorted(p.name for p in outcome if p.name in supported), rule
        assert sum(election.cost(p) for p in selected) <= election.budget


def test_add1_on_a_huge_budget_shared_by_few_voters_finishes(monkeypatch):
    """A crafted election needed 10^11 unit raises; after UNIT_STEPS (fewer here, for speed) the step doubles, so the count ends."""
    monkeypatch.setattr(project_rules, "UNIT_STEPS", 1_000)
    text = ("META\nkey;value\ndescription;crafted\nnum_projects;2\nnum_votes;4\nbudget;1000000000000\nvote_type;approval\n"
            "PROJECTS\nproject_id;cost\n1;999999999990\n2;5\nVOTES\nvoter_id;vote\n1;1\n2;2\n3;2\n4;2\n")
    outcome = run(pabulib.parse(text), "mes-add1")
    assert outcome and set(outcome) <= {"1", "2"}
