"""Shared fixtures: the shipped catalog, status quo and model, and a private database per test."""

import os

import numpy as np
import pytest

from portfolio_engine.assumptions import default_assumptions
from portfolio_engine.catalog import load_catalog
from portfolio_engine.dynamics import build_model, simulate
from portfolio_engine.portfolio import load_status_quo, shift_between_families


@pytest.fixture(autouse=True)
def private_database(tmp_path, monkeypatch):
    """Every test gets its own database file, so nothing touches var/."""
    path = tmp_path / "portfolio.db"
    monkeypatch.setenv("PORTFOLIO_DB", str(path))
    return path


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def status_quo(catalog):
    return load_status_quo(catalog)


@pytest.fixture(scope="session")
def assumptions(catalog):
    return default_assumptions(catalog)


@pytest.fixture(scope="session")
def model(catalog, status_quo, assumptions):
    return build_model(catalog, status_quo, assumptions)


@pytest.fixture
def run(model):
    """Simulate one portfolio and return its yearly table."""

    def _run(portfolio_or_vector, years=30):
        vector = portfolio_or_vector if isinstance(portfolio_or_vector, np.ndarray) else portfolio_or_vector.vector(model.catalog)
        return simulate(model, vector, years).frame()

    return _run


@pytest.fixture
def shift(catalog, status_quo):
    """Move a fraction of the budget between families, each scaled proportionally."""

    def _shift(fraction, source, target, portfolio=None):
        base = portfolio or status_quo
        return shift_between_families(base, catalog, fraction * base.budget, source, target)

    return _shift


@pytest.fixture
def workshop(catalog, status_quo):
    """An open workshop with a facilitator passcode and two stakeholders from different sectors."""
    from portfolio_engine import storage
    from portfolio_engine.access import OPERATOR
    from portfolio_engine.workshops import create_workshop, join

    storage.migrate()
    created, _ = create_workshop(catalog, "Riverside budget workshop", 100e6, "facilitator-pass", status_quo, grant=OPERATOR)
    ana, _ = join(created.id, "Ana", "County hospital", "health")
    ben, _ = join(created.id, "Ben", "Housing authority", "housing")
    return {"workshop": created, "ana": ana, "ben": ben, "passcode": "facilitator-pass"}


# The optimizer issue's example constraints, shared by the optimizer, constraints and CLI tests.
ISSUE_CONSTRAINTS = {
    "budget": 100000000,
    "objective": {"thriving_at_year": 10},
    "floors": {"acute_care": 15000000},
    "ceilings": {"public_safety": 20000000},
    "family_floors": {"urgent_services": 45000000},
    "locks": {"humane_housing": 9000000},
    "max_change": 0.25,
    "owners": {"floors.acute_care": "County hospital", "locks.humane_housing": "Housing authority"},
}


@pytest.fixture
def issue_constraints():
    return dict(ISSUE_CONSTRAINTS)


@pytest.fixture(scope="session")
def nginx():
    """nginx for the room tests: without it they skip locally; with REQUIRE_NGINX=1 (set by .ci/run) they fail."""
    from serving.room import nginx_binary

    try:
        return nginx_binary()
    except SystemExit as missing:
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail(str(missing))
        pytest.skip(str(missing))
