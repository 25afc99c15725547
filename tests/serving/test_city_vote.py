"""The city-vote load scenario itself: every ballot it casts is acknowledged, stored once, found by its receipt and counted."""

from serving.city_vote import count_only, percentile, run


def test_a_short_evening_stores_every_ballot_once_and_counts_it():
    report = run(rate=20, seconds=1, workers=2)
    assert report["ballots"] == report["stored"] == report["receipts_found"] == 20
    assert report["errors"] == 0 and report["stored_once"]
    assert report["count_rules"][0] == "mean" and "independent-markets" in report["count_rules"]
    assert report["p50_ms"] <= report["p95_ms"] <= report["p99_ms"]


def test_percentiles_are_read_off_the_sorted_values():
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0 and percentile([1.0, 2.0], 99) == 2.0


def test_counting_alone_times_every_split_rule():
    report = count_only(50)
    assert report["ballots"] == 50 and {"mean", "independent-markets"} <= set(report["seconds_per_rule"])
