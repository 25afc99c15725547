"""Results: the opinion groups among residents' split ballots, once the vote closes (issue 16, item 1), in the reader's language."""

from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import votes

RESULTS = "../../pages/results.py"
PASS = "vote-passcode"
CAMPS = [{"vital_conditions": 70, "urgent_services": 20, "civic_muscle": 10}] * 3 + \
        [{"vital_conditions": 20, "urgent_services": 70, "civic_muscle": 10}] * 2


def test_groups_show_after_close_with_sizes_and_shares_only(catalog, open_page):
    vote = votes.create_vote(catalog, "Our priorities", "split", "mean", 1_000_000, passcode=PASS, split_over="families", grant=OPERATOR,
                             live_results=True)
    codes = votes.generate_codes(vote.id, len(CAMPS), PASS)
    votes.open_vote(vote.id, PASS)
    for code, allocations in zip(codes, CAMPS, strict=True):
        votes.cast(catalog, vote.id, code, {"allocations": allocations})
    assert not any("voted alike" in m.value for m in open_page(RESULTS).markdown)  # live results: the count, not the camps
    votes.close_vote(vote.id, PASS)
    at = open_page(RESULTS)
    assert any("**Residents who voted alike**: 2 opinion groups among 5 ballots" in m.value for m in at.markdown)
    table = next(t.value for t in at.table if "Group A (3 ballots)" in t.value.columns)
    assert list(table.columns) == ["Category", "Group A (3 ballots)", "Group B (2 ballots)"]
    assert table.set_index("Category").loc["Vital conditions", "Group A (3 ballots)"] == "70%"
    assert any(c.value.startswith("What separates the groups most: ") for c in at.caption)
    spanish = open_page(RESULTS, lang="es")
    assert any("Vecinos que votaron parecido" in m.value for m in spanish.markdown)
