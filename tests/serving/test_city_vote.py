"""The city-vote load scenario itself: every ballot it casts is acknowledged, stored once, found by its receipt and counted."""

from serving import city_vote
from serving.city_vote import count_only, percentile, run


def test_a_short_evening_stores_every_ballot_once_and_counts_it():
    report = run(rate=20, seconds=1, workers=2, earlier=6)
    assert report["ballots"] == report["stored"] == report["receipts_found"] == 20
    assert report["errors"] == 0 and report["stored_once"] and report["submitted_again"] == 0
    assert report["count_ballots"] == 26 and report["count_record_ok"] and not report["count_no_result"]
    assert report["count_rules"][0] == "mean" and "independent-markets" in report["count_rules"]
    assert report["p50_ms"] <= report["p95_ms"] <= report["p99_ms"] and report["count_peak_rss_mib"] > 0


def test_an_evening_of_knapsack_ballots_is_counted_with_every_project_rule():
    report = run(rate=8, seconds=1, workers=1, kind="knapsack", earlier=4, budget=1_000)  # few voters, large budget: add1 steps a unit at a time
    assert report["stored"] == report["receipts_found"] == 8 and report["stored_once"] and report["count_ballots"] == 12
    assert report["count_rules"][0] == "mes-add1" and "greedy" in report["count_rules"] and not report["count_no_result"]


def test_knapsack_ballots_fit_the_budget():
    for budget in (city_vote.BUDGET, 1_000):
        offered = city_vote.projects(budget)
        cost = {p["id"]: p["cost"] for p in offered}
        for n in range(-50, 50):
            chosen = city_vote.ballot("knapsack", n, offered, budget)["projects"]
            assert chosen and len(set(chosen)) == len(chosen) and sum(cost[p] for p in chosen) <= budget


def test_a_retry_able_refusal_is_submitted_again(monkeypatch):
    """A resident whose ballot met a restarted database presses Submit again; a refusal that is final is not retried."""
    from portfolio_engine.errors import DatabaseBusy, VoterCodeRefused
    from portfolio_engine.voting import votes

    answers = [DatabaseBusy("The database was restarted: try again."), "RECEIPT"]

    def cast(*_args):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer
    monkeypatch.setattr(votes, "cast", cast)
    monkeypatch.setattr(city_vote.time, "sleep", lambda _s: None)
    assert city_vote._submit(None, "v", "CODE", {}) == ("RECEIPT", "", 2)
    answers[:] = [VoterCodeRefused("That voter code is not valid.")]
    assert city_vote._submit(None, "v", "CODE", {}) == (None, "That voter code is not valid.", 1)


def test_percentiles_are_read_off_the_sorted_values():
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0 and percentile([1.0, 2.0], 99) == 2.0


def test_counting_alone_times_every_split_rule():
    report = count_only(50)
    assert report["ballots"] == 50 and {"mean", "independent-markets"} <= set(report["seconds_per_rule"])
