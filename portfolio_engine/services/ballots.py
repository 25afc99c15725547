"""A resident's ballot as the Vote page fills it in: checked by the engine's own rules before it is cast."""

from dataclasses import dataclass

from portfolio_engine.errors import InputFormatError
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.voting.votes import Vote, validate_ballot

SPLIT_POINTS = 100  # a split ballot on a form divides 100 points

__all__ = ["SPLIT_POINTS", "BallotCheck", "check_ballot"]


@dataclass(frozen=True)
class BallotCheck:
    """What a filled-in form gives (points or cost, for the page's counter) and why it cannot be cast yet (None when it can)."""

    given: float
    problem: str | None


def check_ballot(catalog: Catalog, vote: Vote, ballot: dict) -> BallotCheck:
    """Check a ballot before it is cast, with the messages `cast` would give (votes.validate_ballot).

    A split ballot on a form gives points: exactly SPLIT_POINTS of them, so a form giving 1 point is not read as 'shares adding up to 1'."""
    given = _given(vote, ballot)
    if vote.ballot == "split" and given != SPLIT_POINTS:
        return BallotCheck(given, f"Give exactly {SPLIT_POINTS} points (now {given:g}).")
    try:
        validate_ballot(vote, catalog, ballot)
    except InputFormatError as err:
        return BallotCheck(given, str(err))
    return BallotCheck(given, None)


def _given(vote: Vote, ballot: dict) -> float:
    """Points a split or cumulative ballot gives, or what a project ballot's choice costs."""
    if vote.ballot == "split":
        return sum(ballot.get("allocations", {}).values())
    if vote.ballot == "cumulative":
        return sum(ballot.get("points", {}).values())
    costs = {p["id"]: p["cost"] for p in vote.projects}
    return sum(costs.get(p, 0.0) for p in ballot.get("projects", []))
