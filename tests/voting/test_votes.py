"""Resident votes: one ballot per code, frozen rules, receipts, paper ballots, results and bundles."""

import json

import pytest

from portfolio_engine.errors import InputFormatError, NotAllowed, NotAuthorized, PortfolioError
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.security.keys import ALPHABET
from portfolio_engine.voting import ballot_table, votes
from portfolio_engine.voting.results import as_allocations, bundle, results, verify_bundle
from tests.postgres import raw_connection, stored_bytes

PASS = "vote-passcode"
PROJECTS = [
    {"id": "p1", "name": "Pocket park", "cost": 40_000.0, "element": "stable_environment"},
    {"id": "p2", "name": "Tenant legal aid", "cost": 30_000.0, "element": "humane_housing"},
    {"id": "p3", "name": "Youth jobs", "cost": 50_000.0, "element": "meaningful_work"},
]


@pytest.fixture
def split(catalog):
    vote = votes.create_vote(catalog, "Priorities 2027", "split", "independent-markets", 1_000_000, passcode=PASS, grant=OPERATOR)
    codes = votes.generate_codes(vote.id, 12, PASS)
    votes.open_vote(vote.id, PASS)
    return vote.id, codes


def cast_split(catalog, vote_id, code, housing, care, **extra):
    """A split ballot giving housing and care in this proportion, as 100 points."""
    total = housing + care
    return votes.cast(catalog, vote_id, code, {"allocations": {"humane_housing": 100 * housing / total, "acute_care": 100 * care / total}}, **extra)


def test_codes_are_random_unambiguous_and_only_hashed(catalog, split, private_database):
    vote_id, codes = split
    assert len(set(codes)) == 12 and all(len(c) >= 8 and set(c) <= set(ALPHABET) for c in codes)
    stored = stored_bytes(private_database)
    assert not any(c.encode() in stored for c in codes)


def test_one_ballot_per_code_last_counts_and_history_is_kept(catalog, split, private_database):
    vote_id, codes = split
    first = cast_split(catalog, vote_id, codes[0], 100, 0)
    second = cast_split(catalog, vote_id, codes[0].lower(), 0, 100)
    assert len(votes.current_ballots(vote_id)) == 1
    assert "replaced by a later ballot" in votes.check_receipt(vote_id, first)
    assert "This ballot is counted" in votes.check_receipt(vote_id, second)
    assert "No ballot with this receipt" in votes.check_receipt(vote_id, "NOTARECEIPT")
    with raw_connection(private_database) as conn:
        assert conn.execute("SELECT COUNT(*) FROM ballots").fetchone()[0] == 2


def test_wrong_codes_closed_votes_and_no_revote_are_refused(catalog, split):
    vote_id, codes = split
    with pytest.raises(NotAllowed, match="not valid for this vote"):
        cast_split(catalog, vote_id, "ABCDEFGHJK", 1, 1)
    strict = votes.create_vote(catalog, "No second thoughts", "split", "mean", 100, passcode=PASS, grant=OPERATOR, allow_revote=False)
    code = votes.generate_codes(strict.id, 1, PASS)[0]
    votes.open_vote(strict.id, PASS)
    cast_split(catalog, strict.id, code, 1, 1)
    with pytest.raises(NotAllowed, match="already voted"):
        cast_split(catalog, strict.id, code, 2, 1)
    votes.close_vote(vote_id, PASS)
    with pytest.raises(NotAllowed, match="closed: it accepts no more ballots"):
        cast_split(catalog, vote_id, codes[1], 1, 1)


def test_opening_freezes_the_rules(catalog):
    vote = votes.create_vote(catalog, "Draft", "split", "mean", 100, passcode=PASS, grant=OPERATOR)
    assert votes.change_rules(vote.id, PASS, rule="median").rule == "median"
    opened = votes.open_vote(vote.id, PASS)
    assert opened.rules_hash == votes.rules_hash(opened.rules())
    with pytest.raises(NotAllowed, match="frozen when it opened"):
        votes.change_rules(vote.id, PASS, budget=200)
    with pytest.raises(NotAuthorized, match="not right"):
        votes.close_vote(vote.id, "not-the-passcode")


@pytest.mark.parametrize(("ballot", "options", "raw", "message"), [
    ("knapsack", {}, {"projects": ["p1", "p3"]}, "cost 90,000, more than the budget of 80,000"),
    ("knapsack", {"min_spend_share": 0.9}, {"projects": ["p1"]}, "Spend at least 90%"),
    ("approval", {"min_projects": 2}, {"projects": ["p1"]}, "at least 2 projects"),
    ("approval", {"max_projects": 1}, {"projects": ["p1", "p2"]}, "at most 1 projects"),
    ("approval", {}, {"projects": ["p9"]}, "Unknown project\\(s\\) p9"),
    ("cumulative", {"points": 10, "min_projects": 2}, {"points": {"p1": 10}}, "at least 2 projects"),
    ("cumulative", {"points": 10}, {"points": {"p1": 4}}, "exactly 10 points"),
    ("split", {}, {"allocations": {"parks": 3}}, "Unknown category parks"),
    ("split", {}, {"allocations": {"acute_care": -3}}, "amounts are numbers from 0"),
])
def test_invalid_ballots_are_explained(catalog, ballot, options, raw, message):
    rule = "mean" if ballot == "split" else "greedy"
    vote = votes.create_vote(catalog, "Test", ballot, rule, 80_000, passcode=PASS, grant=OPERATOR, projects=None if ballot == "split" else PROJECTS,
                             min_projects=options.get("min_projects"), max_projects=options.get("max_projects"),
                             points=options.get("points", 10 if ballot == "cumulative" else None),
                             min_spend_share=options.get("min_spend_share"))
    with pytest.raises(InputFormatError, match=message):
        votes.validate_ballot(vote, catalog, raw)


def test_results_spread_turnout_and_small_groups_suppressed(catalog, split):
    vote_id, codes = split
    for n, code in enumerate(codes[:7]):
        cast_split(catalog, vote_id, code, 60 + n, 40, neighborhood="Eastside" if n < 5 else "Harbor")
    outcome = results(vote_id, catalog)
    assert outcome["turnout"] == {"ballots": 7, "online": 7, "paper": 0, "codes_issued": 12} and outcome["record"]["ok"]
    assert sum(outcome["result"]["allocations"].values()) == pytest.approx(1_000_000)
    assert set(outcome["other_rules"]) == {"mean", "median", "welfare-phantoms"}
    assert "allocations" in outcome["by_neighborhood"]["Eastside"]
    assert outcome["by_neighborhood"]["Harbor"] == {"suppressed": "fewer than 5 voters"}
    spread = outcome["spread"]["humane_housing"]
    assert spread["q1"] <= spread["median"] <= spread["q3"]


def test_paper_ballots_are_counted_all_or_nothing(catalog, split):
    vote_id, codes = split
    cast_split(catalog, vote_id, codes[0], 1, 1)
    with pytest.raises(InputFormatError, match="Line 3 \\(paper B\\).*amounts are numbers from 0"):
        votes.import_paper(catalog, vote_id, "paper_id,humane_housing,acute_care\nA,50,50\nB,-1,5\n", PASS)
    assert len(votes.current_ballots(vote_id)) == 1
    assert votes.import_paper(catalog, vote_id, "paper_id,humane_housing,acute_care\nA,50,50\nB,10,90\n", PASS) == 2
    outcome = results(vote_id, catalog)
    assert outcome["turnout"]["paper"] == 2 and outcome["turnout"]["ballots"] == 3
    with pytest.raises(InputFormatError, match="paper A\\): this paper ballot was imported before"):
        votes.import_paper(catalog, vote_id, "paper_id,humane_housing\nA,100\n", PASS)


def test_project_vote_counts_with_mes_and_shows_budget_by_element(catalog):
    vote = votes.create_vote(catalog, "Projects", "approval", "mes-add1", 80_000, passcode=PASS, grant=OPERATOR, projects=PROJECTS)
    codes = votes.generate_codes(vote.id, 6, PASS)
    votes.open_vote(vote.id, PASS)
    for code, chosen in zip(codes, [["p1"], ["p1", "p2"], ["p2"], ["p3"], ["p1"], ["p2", "p3"]], strict=True):
        votes.cast(catalog, vote.id, code, {"projects": chosen})
    outcome = results(vote.id, catalog)
    assert outcome["support"] == {"p1": 3, "p2": 3, "p3": 2}
    assert sum(outcome["by_element"].values()) == outcome["result"]["cost"] <= 80_000


def test_bundle_recomputes_and_detects_changes(catalog, split):
    vote_id, codes = split
    for code in codes[:4]:
        cast_split(catalog, vote_id, code, 3, 1)
    data = bundle(vote_id, catalog)
    assert verify_bundle(data, catalog) == []
    assert all("code" not in str(b).lower() for b in data["ballots"])
    changed = {**data, "rules": {**data["rules"], "rule": "mean"}}
    assert any("rules do not match" in p for p in verify_bundle(changed, catalog))
    extra = {**data, "ballots": data["ballots"] + data["ballots"][:1]}
    assert any("ballots do not match" in p for p in verify_bundle(extra, catalog))


def test_families_are_spread_in_proportion_to_the_status_quo(catalog, status_quo):
    vote = votes.create_vote(catalog, "Families", "split", "mean", 100, passcode=PASS, grant=OPERATOR, split_over="families")
    outcome = {"allocations": {"vital_conditions": 50, "urgent_services": 40, "civic_muscle": 10}}
    allocations = as_allocations(vote, outcome, status_quo, catalog)
    assert sum(allocations.values()) == pytest.approx(status_quo.budget)
    assert allocations["humane_housing"] / allocations["basic_needs"] == pytest.approx(8 / 6)
    assert allocations["belonging_civic_muscle"] == pytest.approx(10e6)


def test_a_vote_inside_a_workshop_uses_the_facilitator_passcode(catalog, workshop):
    vote = votes.create_vote(catalog, "Workshop vote", "split", "mean", 100, workshop_id=workshop["workshop"].id, passcode=workshop["passcode"])
    with pytest.raises(NotAuthorized, match="not right"):
        votes.open_vote(vote.id, PASS)
    assert votes.open_vote(vote.id, workshop["passcode"]).state == "open"
    with pytest.raises(PortfolioError, match="needs its own passcode"):
        votes.create_vote(catalog, "Standalone", "split", "mean", 100, passcode="short", grant=OPERATOR)


def test_a_project_vote_exports_as_anonymized_pabulib_that_counts_the_same(catalog):
    from portfolio_engine.voting import pabulib
    from portfolio_engine.voting.project_rules import run
    from portfolio_engine.voting.results import export_pabulib

    vote = votes.create_vote(catalog, "Projects", "approval", "mes", 80_000, passcode=PASS, grant=OPERATOR, projects=PROJECTS)
    codes = votes.generate_codes(vote.id, 3, PASS)
    votes.open_vote(vote.id, PASS)
    for code, chosen in zip(codes, [["p1"], ["p1", "p2"], ["p3"]], strict=True):
        votes.cast(catalog, vote.id, code, {"projects": chosen})
    text = export_pabulib(vote.id)
    election = pabulib.parse(text)
    assert [v["voter_id"] for v in election.votes] == ["1", "2", "3"]
    assert not any(code in text for code in codes)
    assert sorted(run(election, "mes")) == results(vote.id, catalog)["result"]["selected"]


@pytest.mark.parametrize(("text", "message"), [
    ("project_id,name,cost,element\np1,Park,100,stable_environment\np1,Again,50,humane_housing\n", "Line 3: project_id 'p1' is missing or repeated"),
    ("project_id,name,cost,element\n,Park,100,stable_environment\n", "Line 2: project_id '' is missing or repeated"),
    ("project_id,name,cost,element\np1,Park,lots,stable_environment\n", "Line 2, column 'cost': 'lots' is not a number"),
    ("project_id,name,cost,element\np1,Park,0,stable_environment\n", "the cost must be above 0"),
    ("project_id,name,cost,element\np1,Park,10,parks\n", "Unknown element 'parks'"),
    ("id,cost\n1,2\n", "needs columns project_id, name, cost and element"),
])
def test_project_files_are_checked_row_by_row(catalog, text, message):
    with pytest.raises(PortfolioError, match=message):
        votes.read_projects(catalog, text)


def test_a_paper_id_repeated_in_one_file_imports_nothing(catalog, split):
    vote_id, _ = split
    with pytest.raises(InputFormatError, match="Line 3: paper_id 'A' is missing or repeated"):
        votes.import_paper(catalog, vote_id, "paper_id,humane_housing\nA,100\nA,100\n", PASS)
    assert votes.current_ballots(vote_id) == []


def test_a_held_grant_authorizes_vote_steps_only_for_its_own_workshop(catalog, workshop):
    from portfolio_engine.security.access import Grant

    own = Grant("facilitator", workshop["workshop"].id)
    vote = votes.create_vote(catalog, "Workshop vote", "split", "mean", 100, workshop_id=workshop["workshop"].id, grant=own)
    with pytest.raises(NotAuthorized):
        votes.open_vote(vote.id, None, grant=Grant("facilitator", "w-other"))
    assert votes.open_vote(vote.id, None, grant=own).state == "open"
    assert len(votes.generate_codes(vote.id, 2, None, grant=OPERATOR)) == 2
    standalone = votes.create_vote(catalog, "Standalone", "split", "mean", 100, passcode=PASS, grant=OPERATOR)
    with pytest.raises(NotAuthorized):
        votes.open_vote(standalone.id, None, grant=own)
    with pytest.raises(NotAuthorized, match="Sign in first"):
        votes.create_vote(catalog, "Anonymous", "split", "mean", 100, passcode=PASS)


def test_expired_votes_are_purged_once_by_the_retention_setting(catalog, split, monkeypatch, capsys):
    from portfolio_engine.cli.main import main

    vote_id, codes = split
    receipt = cast_split(catalog, vote_id, codes[0], 1, 1, why="private")
    votes.close_vote(vote_id, PASS)
    with pytest.raises(NotAuthorized):
        votes.purge_expired(None, days=0)
    monkeypatch.setenv("PORTFOLIO_VOTE_RETENTION_DAYS", "90")
    assert votes.purge_expired(OPERATOR) == []  # closed today: kept for 90 days
    assert main(["vote", "purge", "--expired", "--days", "0"]) == 0 and json.loads(capsys.readouterr().out) == {"purged": [vote_id]}
    assert votes.purge_expired(OPERATOR, days=0) == []  # purged once
    assert votes.current_ballots(vote_id)[0]["why"] == "" and votes.current_ballots(vote_id)[0]["code_hash"] is None
    assert main(["vote", "receipt", "--vote", vote_id, "--code", receipt]) == 0 and "counted" in capsys.readouterr().out
    monkeypatch.setenv("PORTFOLIO_VOTE_RETENTION_DAYS", "soon")
    with pytest.raises(PortfolioError, match="whole number of days"):
        votes.purge_expired(OPERATOR)


def test_results_are_public_only_after_closing_unless_the_set_up_shows_them_live(catalog):
    """Issue 16 item 4: an open vote's count is not public (no bandwagon) unless live_results was set, frozen with the rules."""
    from portfolio_engine.voting.results import public_now

    hidden = votes.create_vote(catalog, "Hidden", "split", "mean", 1_000, passcode=PASS, grant=OPERATOR)
    live = votes.create_vote(catalog, "Live", "split", "mean", 1_000, passcode=PASS, grant=OPERATOR, live_results=True)
    for vote in (hidden, live):
        votes.open_vote(vote.id, PASS)
    assert not public_now(votes.get_vote(hidden.id)) and public_now(votes.get_vote(live.id))
    assert votes.get_vote(live.id).options["live_results"] is True
    votes.close_vote(hidden.id, PASS)
    assert public_now(votes.get_vote(hidden.id))


def test_vote_create_live_results_from_the_command_line(catalog, tmp_path, capsys):
    from portfolio_engine.cli.main import main

    (tmp_path / "pass.txt").write_text("vote-passcode\n")
    ids = []
    for extra in ([], ["--live-results"]):
        assert main(["vote", "create", "--ballot", "split", "--rule", "mean", "--budget", "1000", "--passcode-file", str(tmp_path / "pass.txt"),
                     *extra]) == 0
        ids.append(json.loads(capsys.readouterr().out)["id"])
    assert [votes.get_vote(i).options["live_results"] for i in ids] == [False, True]


def test_counted_ballots_are_read_as_columns_exactly_as_stored(catalog, split):
    """ballot_table reads the current ballots in one query: the same amounts, order, paper count and groups as row by row."""
    vote_id, codes = split
    places = ["Rue de l'Église \"Nord\"", "Eastside", "", "Eastside", "Harbor"]
    for n, (code, place) in enumerate(zip(codes, places, strict=False)):
        cast_split(catalog, vote_id, code, 1 + n, 3, neighborhood=place, group="Tenants" if n % 2 else "")
    cast_split(catalog, vote_id, codes[1], 9, 1, neighborhood="Eastside")  # a re-vote: only the later ballot counts
    votes.import_paper(catalog, vote_id, "paper_id,humane_housing,basic_needs\nA,30,70\n", PASS)
    vote = votes.get_vote(vote_id)
    table = ballot_table.read(vote, catalog)
    stored = votes.current_ballots(vote_id)
    assert table.matrix().tolist() == votes.split_matrix(vote, catalog, [b["content"] for b in stored]).tolist()
    assert len(table) == 6 and table.paper() == 1
    assert {name: len(group) for name, group in table.groups("neighborhood").items()} == {places[0]: 1, "Eastside": 2, "Harbor": 1}
    assert table.groups("neighborhood")["Eastside"].matrix().tolist() == [[b["content"]["allocations"][k] for k in vote.categories(catalog)]
                                                                          for b in stored if b["neighborhood"] == "Eastside"]
    assert {name: len(group) for name, group in table.groups("group").items()} == {"Tenants": 1}  # the re-vote gave no group
    with pytest.raises(PortfolioError, match="could not be read for counting"):
        ballot_table.parse(vote, catalog, '{"content": {"allocations": ')


def test_project_ballots_read_as_columns_count_as_stored(catalog):
    vote = votes.create_vote(catalog, "Points", "cumulative", "mes", 80_000, passcode=PASS, grant=OPERATOR, projects=PROJECTS, points=5)
    codes = votes.generate_codes(vote.id, 3, PASS)
    votes.open_vote(vote.id, PASS)
    for code, points in zip(codes, [{"p3": 2, "p1": 3}, {"p2": 5}, {"p1": 1, "p2": 1, "p3": 3}], strict=True):
        votes.cast(catalog, vote.id, code, {"points": points})
    assert ballot_table.read(votes.get_vote(vote.id), catalog).contents() == [b["content"] for b in votes.current_ballots(vote.id)]
    assert len(ballot_table.read(votes.get_vote(votes.create_vote(catalog, "Empty", "approval", "mes", 1, passcode=PASS, grant=OPERATOR,
                                                                   projects=PROJECTS).id), catalog)) == 0


@pytest.mark.engines("sqlite")
def test_a_ballot_cast_reads_only_its_own_codes_ballots(catalog, split, private_database):
    """Casting looks up the code's earlier ballot by index: SQLite had read and sorted the vote's every ballot (20 ms at 80,000)."""
    vote_id, codes = split
    cast_split(catalog, vote_id, codes[0], 1, 1)
    with raw_connection(private_database) as conn:
        plan = conn.execute("EXPLAIN QUERY PLAN SELECT * FROM ballots WHERE vote_id = ? AND code_hash = ? AND current = ? ORDER BY created_at, rowid",
                            [vote_id, "hash", 1]).fetchall()
    assert "ballots_vote_code" in str(plan)
