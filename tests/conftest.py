"""Shared fixtures: the shipped catalog, status quo and model, and a private database per test."""

import functools
import os
from pathlib import Path

import numpy as np
import pytest

from portfolio_engine.model.assumptions import default_assumptions
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.dynamics import build_model, simulate
from portfolio_engine.model.portfolio import load_status_quo, shift_between_families
from tests import postgres


def pytest_configure(config):
    postgres.configure(config)


def pytest_generate_tests(metafunc):
    postgres.generate(metafunc)  # the storage, record, vote and import suites run once per engine (tests/postgres.py)


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once():
    """Each new AppTest scans every installed package for Streamlit components (about 0.3 s of CPU, hundreds of times a run);
    what is installed cannot change during a run, so the first answer stands for the rest."""
    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests", functools.cache(manifest_scanner.scan_component_manifests))
        yield


@pytest.fixture(scope="session", autouse=True)
def pages_compiled_once():
    """AppTest compiles the page again at every run (a new script cache each time; Allocate takes about 0.1 s with Streamlit's
    magic); a served app compiles each page once per process. One cache for the test process does the same."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    with pytest.MonkeyPatch.context() as patch:
        for module in (app_test, local_script_runner):
            patch.setattr(module, "ScriptCache", lambda: shared)
        yield


@pytest.fixture
def database_engine():
    return "sqlite"


@pytest.fixture(scope="session")
def postgres_cluster():
    yield from postgres.start_cluster()


@pytest.fixture(autouse=True)
def private_database(tmp_path, monkeypatch, database_engine, request):
    """Every test gets its own database file (and, on PostgreSQL, its own schema), so nothing touches var/."""
    path = tmp_path / "portfolio.db"
    monkeypatch.setenv("PORTFOLIO_DB", str(path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    if database_engine == "postgresql":
        urls = postgres.schema_url(request.getfixturevalue("postgres_cluster"))
        monkeypatch.setenv("DATABASE_URL", next(urls))
        monkeypatch.setenv("PORTFOLIO_SECRET_FILE", str(path.with_name("secret.key")))  # a server's key is named, never guessed
        postgres.guard_file(monkeypatch, path)
        request.addfinalizer(lambda: next(urls, None))
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
    from portfolio_engine.record.workshops import create_workshop, join
    from portfolio_engine.security.access import OPERATOR

    storage.migrate()
    created, _ = create_workshop(catalog, "Riverside budget workshop", 100e6, "facilitator-pass", status_quo, grant=OPERATOR)
    ana, _ = join(created.id, "Ana", "County hospital", "health")
    ben, _ = join(created.id, "Ben", "Housing authority", "housing")
    return {"workshop": created, "ana": ana, "ben": ben, "passcode": "facilitator-pass"}


@pytest.fixture
def history(catalog, workshop, status_quo):
    """The workshop taken to a decision (a proposal, a stance, the decision); returns (workshop id, proposal id)."""
    from portfolio_engine.record.decisions import record_decision
    from portfolio_engine.record.proposals import add_stance, save_proposal
    from portfolio_engine.record.workshops import change_state

    workshop_id = workshop["workshop"].id
    proposal = save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Keep", "Stable", status_quo.allocations)
    add_stance(workshop_id, proposal["id"], workshop["ben"]["id"], "live_with", "Fine for now")
    change_state(workshop_id, "deciding", workshop["passcode"])
    record_decision(workshop_id, proposal["id"], "Consensus", workshop["passcode"])
    return workshop_id, proposal["id"]


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


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium_path():
    """Debian's Chromium: without it browser tests skip locally; with REQUIRE_BROWSER=1 (set by .ci/run) they fail."""
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium_path):
    """Headless Chromium driven by Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=FLAGS, headless=True)
        yield instance
        instance.close()


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
