"""End to end (issue 12): a facilitator enters three funders and a local program on Facilitate; with two stakeholders' proposals,
Compare shows who funds what and the printable impact statement shows each funder's change."""

import re

from playwright.sync_api import expect

from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.portfolio import load_status_quo
from portfolio_engine.record.funders import list_funders
from portfolio_engine.record.menu import current_menu
from portfolio_engine.record.proposals import save_proposal
from portfolio_engine.record.workshops import create_workshop, join
from portfolio_engine.security.access import OPERATOR
from tests.browser.waiting import idle, rerun_done

PASSCODE = "browser-funders-pass"


def _seed(server_db) -> tuple[str, dict]:
    """The workshop and two stakeholders' proposals, through the engine into the server's database."""
    catalog, status_quo = load_catalog(), load_status_quo(load_catalog())
    workshop, _ = create_workshop(catalog, "Funders workshop", 100e6, PASSCODE, status_quo, path=server_db, grant=OPERATOR)
    ana, _ = join(workshop.id, "Ana", "County hospital", "health", path=server_db)
    ben, _ = join(workshop.id, "Ben", "Housing authority", "housing", path=server_db)
    save_proposal(catalog, workshop.id, ana["id"], "Protect acute care", "Emergency departments are full.",
                  dict(status_quo.allocations, acute_care=20e6, homeless_services=4e6), path=server_db)
    save_proposal(catalog, workshop.id, ben["id"], "Homes first", "Housing prevents harm.",
                  dict(status_quo.allocations, acute_care=15e6, humane_housing=11e6), path=server_db)
    return workshop.id, status_quo.allocations


def _funders_csv(allocations: dict) -> str:
    rows = ["funder,sector,element,amount", "County hospital,health,acute_care,15000000", "Foundation,philanthropy,humane_housing,2000000"]
    rows += [f"City,government,{e},{a - {'acute_care': 15e6, 'humane_housing': 2e6}.get(e, 0):.0f}" for e, a in allocations.items()]
    return "\n".join(rows) + "\n"


def test_facilitator_enters_funders_and_a_program_and_the_statement_shows_each_funders_change(browser, server, server_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PORTFOLIO_DB", str(server_db))  # the key file beside the server's database signs what the engine seeds
    workshop_id, allocations = _seed(server_db)
    (tmp_path / "funders.csv").write_text(_funders_csv(allocations))
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(f"{server}/facilitate")
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Sign in"))
    expect(form).to_be_visible(timeout=20_000)
    idle(page)
    form.get_by_label("Facilitator passcode").fill(PASSCODE)
    form.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Funders: who brings the money today")).to_be_visible(timeout=20_000)

    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Load a CSV file (funder,sector,element,amount)")
    uploader.locator("input[type=file]").set_input_files(tmp_path / "funders.csv")
    expect(uploader.get_by_test_id("stFileChipName")).to_have_text("funders.csv", timeout=20_000)  # loaded into the table (a canvas)
    rerun_done(page)  # the rerun that reads the file
    page.get_by_label("Mandates (JSON)").fill('{"County hospital": {"may_fund": ["acute_care", "homeless_services"], "floors": {"acute_care": 12000000}}}')
    page.get_by_role("button", name="Save the funders").click()
    expect(page.get_by_text("Funders saved.")).to_be_visible(timeout=20_000)

    idle(page)
    page.get_by_text("Local menu: your words for the elements and your programs").click()
    expect(page.get_by_role("textbox", name="Local programs (JSON list)")).to_be_visible(timeout=20_000)
    idle(page)
    page.get_by_role("textbox", name="Local programs (JSON list)").fill('[{"element": "humane_housing", "name": "Eastside repair fund", "cost": 1000000, '
                                                         '"neighborhood": "Eastside"}]')
    page.get_by_role("button", name="Save the menu").click()
    expect(page.get_by_text("Menu saved.")).to_be_visible(timeout=20_000)
    assert [f.name for f in list_funders(workshop_id, server_db)] == ["County hospital", "Foundation", "City"]
    assert current_menu(workshop_id, server_db).line_items[0].name == "Eastside repair fund"

    page.get_by_role("link", name="Compare").click()
    expect(page.get_by_role("heading", name="Who funds what: each funder's change from today")).to_be_visible(timeout=30_000)
    page.get_by_text("Show a proposal's statement").click()
    page.get_by_role("button", name="Prepare the statement (HTML)").click(timeout=30_000)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the statement (HTML)").click(timeout=30_000)
    statement = tmp_path / "statement.html"
    download.value.save_as(statement)
    page.goto(statement.as_uri())
    expect(page.get_by_role("heading", name=re.compile("Well-being impact statement: Protect acute care"))).to_be_visible()
    funders = page.get_by_role("table").nth(1)
    for funder in ("County hospital", "City", "Foundation"):
        expect(funders.get_by_role("cell", name=funder, exact=True).first).to_be_visible()
    expect(funders.get_by_role("row", name="County hospital Acute care 15.00 million 15.00 million +0.00 million City")).to_be_visible()
    expect(funders.get_by_role("row", name="City Acute care 3.00 million 5.00 million +2.00 million County hospital")).to_be_visible()
    expect(funders.get_by_role("row", name="City Homeless services 6.00 million 4.00 million -2.00 million")).to_be_visible()
