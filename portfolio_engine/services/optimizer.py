"""What the Optimize page shows: the proposal, what binds it, marginal values, its projection; and the trade-off frontier."""

from dataclasses import dataclass
from typing import Any

import pandas as pd

from portfolio_engine.model.portfolio import Portfolio
from portfolio_engine.optimizer.constraints import problem_from_dict
from portfolio_engine.optimizer.optimize import Proposal, frontier, optimize
from portfolio_engine.services.projection import YEARS, project_portfolios


@dataclass(frozen=True)
class OptimizerView:
    """The optimizer's proposal for a constraints document, with its run and the status quo's under the problem's model."""

    proposal: Proposal
    document: dict[str, Any]
    projection: pd.DataFrame
    status_quo_projection: pd.DataFrame


def optimizer_view(document: Any, status_quo: Portfolio, years: int = YEARS) -> OptimizerView:
    """Optimize under a constraints document (the command line's JSON) and project the proposal beside `status_quo`.

    Binding constraints (`proposal.binding`), marginal values and the objective's terms come with the proposal."""
    problem = problem_from_dict(document)
    proposal = optimize(problem)
    frames = project_portfolios(problem.catalog, status_quo, [proposal.allocations, status_quo.allocations], years, model=problem.model)
    return OptimizerView(proposal, document, frames[0], frames[1])


def frontier_view(document: Any, kinds: tuple[str, str], points: int) -> list[dict]:
    """The trade-off frontier between two objective kinds: points ordered by the first, each with its allocations and objectives."""
    return frontier(problem_from_dict(document), kinds, points)
