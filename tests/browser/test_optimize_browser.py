"""End to end: run the optimizer, trace the frontier, and load a point into the Allocate sliders."""

import re

from playwright.sync_api import expect

from portfolio_engine.optimizer.constraints import problem_from_dict
from portfolio_engine.optimizer.optimize import frontier

PAGE_DEFAULTS = {"budget": 100e6, "objective": {"terms": [{"kind": "thriving_at_year", "years": 20, "weight": 1.0}]}, "max_change": 0.25}


def test_optimize_then_load_a_frontier_point_into_allocate(browser, server, shots):
    expected = frontier(problem_from_dict(PAGE_DEFAULTS), ("suffering_years", "thriving_at_year"), 15)[0]["allocations"]
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{server}/optimize")
    page.get_by_role("button", name="Find the best portfolio").click()
    expect(page.get_by_text("What holds the proposal back")).to_be_visible(timeout=30_000)
    expect(page.get_by_text(re.compile("Binding: the limit on change for")).first).to_be_visible()
    page.get_by_role("button", name="Trace the frontier").click()
    expect(page.get_by_text("Point to load")).to_be_visible(timeout=60_000)
    page.screenshot(path=shots / "optimize.png", full_page=True)
    page.get_by_role("button", name="Load this point into the Allocate sliders").click()
    expect(page).to_have_url(re.compile(r"/(allocate)?(\?.*)?$"), timeout=20_000)
    slider = page.get_by_role("slider", name=re.compile("Basic needs"))
    expect(slider).to_have_value(f"{expected['basic_needs'] / 1e6:g}", timeout=20_000)
    page.screenshot(path=shots / "allocate-from-frontier.png", full_page=True)
    page.close()


def test_a_page_opened_by_its_own_url_gets_the_app_navigation(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/optimize")
    expect(page.get_by_role("heading", name="Propose a portfolio")).to_be_visible(timeout=30_000)
    navigation = page.get_by_test_id("stSidebarNav")
    expect(navigation.get_by_text("Optimize", exact=True)).to_be_visible()
    expect(navigation.get_by_text("Allocate", exact=True)).to_be_visible()
    expect(navigation.get_by_text("app", exact=True)).to_have_count(0)
    assert page.title() == "Optimize"
    page.close()
