"""The optimizer under uncertainty (issue 11, item 6): robustness of every proposal and the robust objective; targeting."""

import numpy as np
import pytest

from portfolio_engine.errors import InvalidConstraints
from portfolio_engine.optimizer.constraints import problem_from_dict
from portfolio_engine.optimizer.optimize import factors, optimize
from portfolio_engine.optimizer.robust import draw_values, robust_scorer

TWO = {"communities": [{"name": "Low", "thriving": 0.30, "struggling": 0.62, "suffering": 0.08, "vital_level": 0.75},
                       {"name": "High", "thriving": 0.70, "struggling": 0.29, "suffering": 0.01, "vital_level": 1.3}]}


def _p10(problem, amounts):
    return float(np.percentile(draw_values(problem, amounts, problem.terms)[0] @ factors(problem, problem.terms), 10))


def test_every_proposal_says_how_often_it_beats_the_status_quo():
    result = optimize(problem_from_dict({"budget": 100e6, "objective": {"suffering_years": 20}, "draws": 40})).to_dict()
    assert 0.0 <= result["robustness"] <= 1.0 and result["robust"] is False
    assert result["robustness"] > 0.5, "the optimum for suffering beats the status quo in most plausible worlds"


def test_the_robust_objective_raises_the_unkind_draws():
    document = {"budget": 100e6, "objective": {"thriving_at_year": 20}, "draws": 40, "max_change": 0.5}
    plain = optimize(problem_from_dict(document))
    robust_problem = problem_from_dict({**document, "robust": True})
    robust = optimize(robust_problem)
    assert robust.robust and robust.to_dict()["robust"] is True
    plain_amounts = np.array(list(plain.allocations.values()))
    robust_amounts = np.array(list(robust.allocations.values()))
    assert _p10(robust_problem, robust_amounts) >= _p10(robust_problem, plain_amounts) - 1e-9
    assert robust.objective == pytest.approx(_p10(robust_problem, robust_amounts), abs=1e-9)


def test_the_fast_gradient_of_the_percentile_matches_full_differences():
    problem = problem_from_dict({"budget": 100e6, "objective": {"thriving_at_year": 20}, "draws": 30, "robust": True})
    score = robust_scorer(problem, factors(problem, problem.terms))
    x, h = problem.status_quo, 1e-6 * problem.budget
    batch = np.vstack([x, x + h * np.eye(len(x))[:3]])
    fast = score(batch)
    full = np.array([score(row)[0] for row in batch])
    assert np.allclose(fast, full, rtol=0, atol=1e-12)


def test_targeting_goes_with_the_proposals_not_the_status_quo():
    base = {"budget": 100e6, "objective": {"terms": [{"kind": "equity", "years": 20}]}, "communities": TWO, "draws": 20}
    to_low = {"targeting": {i: {"Low": 0.8} for i in ("humane_housing", "basic_needs")}}
    plain, targeted = optimize(problem_from_dict(base)), optimize(problem_from_dict({**base, **to_low}))
    assert targeted.status_quo_terms == plain.status_quo_terms
    assert targeted.terms["equity (20 years)"] > plain.terms["equity (20 years)"]


@pytest.mark.parametrize(("extra", "message"), [
    ({"robust": "yes"}, "'robust' must be true or false"),
    ({"draws": 0}, "'draws' must be a whole number from 1 to 10,000"),
    ({"draws": 10_001}, "'draws'"),
    ({"targeting": {"humane_housing": {"Low": 0.5}}}, "give 'communities' too"),
    ({"communities": TWO, "targeting": {"humane_housing": {"Low": 0.8, "High": 0.8}}}, "humane_housing.*add up to 1.6000"),
])
def test_bad_uncertainty_and_targeting_are_refused(extra, message):
    with pytest.raises(InvalidConstraints, match=message):
        problem_from_dict({"budget": 100e6, **extra})
