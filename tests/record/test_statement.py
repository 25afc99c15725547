"""The well-being impact statement: what a proposal funds and who funds it, the projection, neighborhoods, indicators, stances."""

import json

from portfolio_engine.cli.main import main
from portfolio_engine.record.funders import read_csv, set_funders, with_mandates
from portfolio_engine.record.menu import set_menu
from portfolio_engine.record.proposals import add_stance, save_proposal
from portfolio_engine.record.statement import statement, to_html


def _proposal(catalog, workshop, status_quo):
    allocations = dict(status_quo.allocations, acute_care=16e6, humane_housing=10e6)
    return save_proposal(catalog, workshop["workshop"].id, workshop["ana"]["id"], "Homes before <beds>", "Housing prevents harm", allocations)


def _funders(catalog, workshop, status_quo):
    rows = ["funder,sector,element,amount", "County hospital,health,acute_care,18000000"]
    rows += [f"County,government,{e},{a:.0f}" for e, a in status_quo.allocations.items() if e != "acute_care"]
    stewards = with_mandates(read_csv(catalog, "\n".join(rows)), {"County hospital": {"may_fund": ["acute_care", "humane_housing"]}})
    set_funders(catalog, workshop["workshop"].id, stewards, workshop["passcode"])


def test_the_statement_says_what_it_funds_who_funds_it_and_when_it_pulls_ahead(catalog, workshop, status_quo):
    _funders(catalog, workshop, status_quo)
    proposal = _proposal(catalog, workshop, status_quo)
    add_stance(workshop["workshop"].id, proposal["id"], workshop["ben"]["id"], "live_with", "Housing first, if acute care holds")
    content = statement(catalog, workshop["workshop"].id, proposal["id"])
    housing = next(r for r in content["funds"] if r["element"] == "humane_housing")
    assert (housing["today"], housing["proposed"], housing["change"]) == (8e6, 10e6, 2e6) and housing["definition"] == "Humane, consistent housing."
    moved = {(r["funder"], r["element"]): r["change"] for r in content["funders"]["rows"]}
    assert moved[("County hospital", "Acute care")] == -2e6 and moved[("County hospital", "Humane housing")] == 2e6
    assert "moving as little money as it can from today" in content["funders"]["note"]
    assert content["projection"]["headline"] and set(content["projection"]["checkpoints"]) == {"1", "3", "5", "20"}
    assert [i["element"] for i in content["indicators"]] == ["humane_housing"]  # the only element funded more
    assert set(content["indicators"][0]["how_we_will_know"]) == {"1", "3", "5"}
    assert content["stances"] == [{"who": "Ben", "sector": "housing", "stance": "Can live with it", "reason": "Housing first, if acute care holds"}]
    assert content["neighborhoods"] == []  # no survey imported


def test_the_printable_page_escapes_what_people_typed_and_ranks_nothing(catalog, workshop, status_quo):
    proposal = _proposal(catalog, workshop, status_quo)
    page = to_html(statement(catalog, workshop["workshop"].id, proposal["id"]))
    assert "Homes before &lt;beds&gt;" in page and "<beds>" not in page
    assert "No funders entered for this workshop yet." in page and "No neighborhood survey data yet" in page
    assert "rank" not in page.lower() and "worst" not in page.lower()


def test_the_command_line_prints_json_or_html(capsys, catalog, workshop, status_quo):
    proposal = _proposal(catalog, workshop, status_quo)
    assert main(["proposal", "statement", "--workshop", workshop["workshop"].id, "--proposal", proposal["id"], "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["proposal"]["title"] == "Homes before <beds>"
    assert main(["proposal", "statement", "--workshop", workshop["workshop"].id, "--proposal", proposal["id"], "--format", "html"]) == 0
    assert capsys.readouterr().out.startswith("<!doctype html>")
    assert main(["proposal", "statement", "--workshop", workshop["workshop"].id, "--proposal", "p-0000000000"]) == 2
    assert "No proposal 'p-0000000000'" in capsys.readouterr().err


def test_the_statement_speaks_the_workshops_menu(catalog, workshop, status_quo):
    set_menu(catalog, workshop["workshop"].id, {"word": "flourishing", "elements": {"humane_housing": {"name": "Homes for all",
                                                                                                     "definition": "A safe home for everyone."}}},
             None, workshop["passcode"])
    proposal = _proposal(catalog, workshop, status_quo)
    content = statement(catalog, workshop["workshop"].id, proposal["id"])
    housing = next(r for r in content["funds"] if r["element"] == "humane_housing")
    assert (housing["name"], housing["definition"]) == ("Homes for all", "A safe home for everyone.") and content["word"] == "flourishing"
    assert to_html(content).count("<h1>Flourishing impact statement: ") == 1


def test_a_proposal_with_its_own_funding_table_is_stated_as_it_says(catalog, workshop, status_quo):
    _funders(catalog, workshop, status_quo)
    funding = [{"funder": "County hospital", "element": "acute_care", "amount": 15e6},
               {"funder": "County hospital", "element": "humane_housing", "amount": 3e6}]
    funding += [{"funder": "County", "element": e, "amount": a} for e, a in status_quo.allocations.items() if e != "acute_care"]
    proposal = save_proposal(catalog, workshop["workshop"].id, workshop["ana"]["id"], "Hospital homes", "Discharge to a home", None, funding=funding)
    content = statement(catalog, workshop["workshop"].id, proposal["id"])
    moved = {(r["funder"], r["element"]): r["change"] for r in content["funders"]["rows"]}
    assert moved[("County hospital", "Acute care")] == -3e6 and moved[("County hospital", "Humane housing")] == 3e6
    assert content["funders"]["note"] == "As the proposal says who funds what."
