"""Opinion groups among residents' split ballots (Results and `vote groups`): who voted alike, as group sizes and mean
portfolios, never as ballots or names. Shown once the vote closes, whatever its set-up says about live results: groups
forming while a vote is open invite people to join the biggest."""

from pathlib import Path

from portfolio_engine.errors import NotAllowed, RecordBroken
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.record.room import opinion_groups
from portfolio_engine.voting import ballot_table
from portfolio_engine.voting.results import integrity
from portfolio_engine.voting.votes import get_vote


def vote_groups(vote_id: str, catalog: Catalog, path: Path | None = None) -> dict:
    """A closed split vote's opinion groups (record/room.py's clustering on each ballot's shares), over the vote's categories."""
    vote = get_vote(vote_id, path)
    if vote.ballot != "split":
        raise NotAllowed("Opinion groups are for split ballots (each resident shares out the budget); this vote's ballots pick projects.")
    if vote.state in ("draft", "open"):
        raise NotAllowed("Opinion groups are shown once the vote closes.")
    check = integrity(vote.id, path)
    if not check.ok:
        raise RecordBroken(f"The vote's record does not verify ({check.problem}); no groups are shown from it.")
    matrix = ballot_table.read(vote, catalog, path).matrix()
    return {"vote": vote.id, **opinion_groups(list(vote.categories(catalog)), matrix, vote.budget)}
