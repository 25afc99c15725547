"""What the Optimize page shows, from the service it calls."""

import numpy as np

from portfolio_engine.model.dynamics import simulate
from portfolio_engine.optimizer.constraints import problem_from_dict
from portfolio_engine.services.optimizer import frontier_view, optimizer_view


def test_the_view_holds_the_proposal_what_binds_and_both_runs(issue_constraints, status_quo, catalog):
    view = optimizer_view(issue_constraints, status_quo)
    proposal = view.proposal
    assert abs(sum(proposal.allocations.values()) - status_quo.budget) < 1
    assert any(b.owner == "Housing authority" for b in proposal.binding) and set(proposal.marginal_values) == set(catalog.ids)
    model = problem_from_dict(issue_constraints).model
    expected = simulate(model, [proposal.allocations[i] for i in catalog.ids], 20).frame(0)
    assert np.allclose(view.projection["thriving"], expected["thriving"], rtol=1e-12)
    assert view.status_quo_projection["thriving"].iloc[0] == view.status_quo_projection["thriving"].iloc[20]  # the status quo holds still


def test_the_frontier_view_orders_points_by_the_first_objective(issue_constraints):
    points = frontier_view(issue_constraints, ("suffering_years", "thriving_at_year"), 4)
    firsts = [p["objectives"]["suffering_years"] for p in points]
    assert len(points) >= 2 and firsts in (sorted(firsts), sorted(firsts, reverse=True))
