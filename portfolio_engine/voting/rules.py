"""The counting rules, in one registry: name, the ballots each counts, its counting function and its plain words.

Everything that offers or counts a rule reads this registry: vote set-up, results ("what other rules would give"), the
command line's choices and help, the Facilitate and Results pages, and the rules table in docs/voting.md (checked by a
test). Adding a rule is one entry here and its counting function. An unknown name is an error everywhere.

The module stays light (no numpy at import): `pb` and `aggregate` read it before anything heavy loads, so the counting
functions import their rule modules when they run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from portfolio_engine.errors import InputFormatError

if TYPE_CHECKING:
    import numpy as np

    from portfolio_engine.voting.pabulib import Election

BALLOTS = ("split", "knapsack", "approval", "cumulative")
PROJECT_BALLOTS = ("knapsack", "approval", "cumulative")


@dataclass(frozen=True)
class Tally:
    """What every counting function receives: split ballots as rows of shares (each summing to 1), or a project election
    with how a voter's satisfaction is measured ('cost' or 'points')."""

    shares: np.ndarray | None = None
    election: Election | None = None
    satisfaction: str = "cost"


@dataclass(frozen=True)
class Rule:
    """One counting rule. `count` returns shares summing to 1 (split rules) or the selected project ids (project rules)."""

    name: str
    ballots: tuple[str, ...]
    count: Callable[[Tally], np.ndarray | list[str]]
    words: str
    recommended: bool = False  # the option a facilitator is offered first


def _split(function: str) -> Callable[[Tally], np.ndarray]:
    def count(tally: Tally) -> np.ndarray:
        from portfolio_engine.voting import split_rules

        return getattr(split_rules, function)(tally.shares)
    return count


def _projects(add1: bool | None, fill: bool = False, per_cost: bool = False) -> Callable[[Tally], list[str]]:
    """greedy (add1 None; by total or, with per_cost, per unit of cost), or equal shares with or without its add1
    completion, then optionally a greedy fill."""
    def count(tally: Tally) -> list[str]:
        from portfolio_engine.voting import project_rules

        assert tally.election is not None, "a project rule counts an election"
        ballots = project_rules.prepare(tally.election, tally.satisfaction)
        if add1 is None:
            return project_rules.greedy(ballots, per_cost=per_cost)
        selected = project_rules.equal_shares(ballots, add1=add1)
        return project_rules.greedy(ballots, tuple(selected)) if fill else selected
    return count


RULES: dict[str, Rule] = {rule.name: rule for rule in (
    Rule("independent-markets", ("split",), _split("independent_markets"),
         "A truthful rule: no one gains by misstating their split, and groups who agree get their proportional share of the budget.",
         recommended=True),
    Rule("mean", ("split",), _split("mean"),
         "Each ballot counts equally; the result is the average split. Easy to explain, but a group can exaggerate to pull it."),
    Rule("median", ("split",), _split("median"),
         "Each category gets the middle value of all ballots, then the whole is rescaled to the budget. Hard to pull by one "
         "extreme ballot, but not strategy-proof once rescaled."),
    Rule("welfare-phantoms", ("split",), _split("welfare_phantoms"),
         "A truthful rule that leans toward the split most residents are close to."),
    Rule("mes-add1", PROJECT_BALLOTS, _projects(add1=True),
         "Equal Shares, completed as real cities do: voters' shares are raised step by step until the budget is used as fully as possible.",
         recommended=True),
    Rule("mes", PROJECT_BALLOTS, _projects(add1=False),
         "The Method of Equal Shares: each voter controls an equal share of the budget and projects are funded by the voters who "
         "support them, so every group gets a fair share."),
    Rule("mes-add1-greedy", PROJECT_BALLOTS, _projects(add1=True, fill=True),
         "Equal Shares with its completion, then any money left funds the most voted projects that still fit."),
    Rule("greedy", PROJECT_BALLOTS, _projects(add1=None),
         "Projects with the most votes (with points: the most points in total) are funded first, skipping any that no longer "
         "fit the budget. This is how most cities count."),
    Rule("greedy-per-cost", PROJECT_BALLOTS, _projects(add1=None, per_cost=True),
         "Like greedy, but projects are ranked by votes or points for each unit of money they cost, so cheap projects with "
         "good support come first. With yes/no ballots it gives the same result as greedy."),
)}


def names(ballot: str) -> tuple[str, ...]:
    """The rules that count this ballot, the recommended one first."""
    return tuple(rule.name for rule in sorted(RULES.values(), key=lambda rule: not rule.recommended) if ballot in rule.ballots)


def get(name: str, ballot: str | None = None) -> Rule:
    """The rule called `name`, refused with the valid names when unknown or (given a ballot) when it does not count that ballot."""
    rule = RULES.get(name)
    if rule is None:
        raise InputFormatError(f"Unknown rule '{name}'. Rules: {', '.join(names(ballot) if ballot else RULES)}.")
    if ballot is not None and ballot not in rule.ballots:
        raise InputFormatError(f"The {ballot} ballot is counted with {', '.join(names(ballot))}; got '{name}'.")
    return rule


def help_text() -> str:
    """The rules per ballot, for the command line's help."""
    return f"split: {'|'.join(names('split'))}; projects: {'|'.join(names('knapsack'))}"


def docs_table() -> str:
    """The rules table of docs/voting.md (a test checks the page holds exactly this)."""
    rows = [f"| `{r.name}` | {', '.join(f'`{b}`' for b in r.ballots)} | {r.words} |" for r in RULES.values()]
    return "\n".join(["| rule | ballots | in plain words |", "|---|---|---|", *rows])
