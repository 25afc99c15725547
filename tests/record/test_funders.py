"""The region's current portfolio by funder: CSV in and out, mandates, checks against the status quo, the audited record."""

import json

import pytest

from portfolio_engine import storage
from portfolio_engine.errors import InputFormatError, InvalidConstraints, NotAuthorized, PortfolioError
from portfolio_engine.record import audit
from portfolio_engine.record.funders import (
    by_funder,
    changes,
    co_funded,
    element_totals,
    list_funders,
    read_csv,
    set_funders,
    to_csv_rows,
    with_mandates,
)

HOSPITAL_MANDATE = {"County hospital": {"may_fund": ["basic_needs", "acute_care", "addiction_recovery"], "floors": {"acute_care": 15_000_000}}}


def region_csv(status_quo) -> str:
    """The hospital funds 18 of acute care, 2 of basic needs and 3 of recovery; a foundation 3 of civic muscle; the county the rest."""
    rows = ["funder,sector,element,amount", "County hospital,health,acute_care,18000000", "County hospital,health,basic_needs,2000000",
            "County hospital,health,addiction_recovery,3000000", "Foundation,philanthropy,belonging_civic_muscle,3000000"]
    hospital = {"acute_care": 18e6, "basic_needs": 2e6, "addiction_recovery": 3e6, "belonging_civic_muscle": 3e6}
    rows += [f"County,government,{e},{a - hospital.get(e, 0):.0f}" for e, a in status_quo.allocations.items() if a - hospital.get(e, 0) > 0]
    return "\n".join(rows) + "\n"


def test_funders_round_trip_through_csv_and_the_record(catalog, workshop, status_quo):
    workshop_id = workshop["workshop"].id
    stewards = with_mandates(read_csv(catalog, region_csv(status_quo)), HOSPITAL_MANDATE)
    set_funders(catalog, workshop_id, stewards, workshop["passcode"])
    stored = list_funders(workshop_id)
    assert [s.name for s in stored] == ["County hospital", "Foundation", "County"]
    assert stored[0].may_fund == ("basic_needs", "acute_care", "addiction_recovery") and stored[0].floors == {"acute_care": 15_000_000}
    assert element_totals(catalog, stored) == status_quo.allocations
    again = read_csv(catalog, "funder,sector,element,amount\n" + "\n".join(f"{r['funder']},{r['sector']},{r['element']},{r['amount']}"
                                                                             for r in to_csv_rows(catalog, stored)))
    assert [(s.name, s.sector, s.amounts) for s in again] == [(s.name, s.sector, s.amounts) for s in stored]
    with storage.reading() as db:
        assert audit.verify(db, workshop_id).ok
        assert [e["action"] for e in storage.select(db, "audit_log", order="seq", workshop_id=workshop_id)].count("funder.set") == 3


def test_setting_again_records_only_what_changed_and_withdraws_a_funder_left_out(catalog, workshop, status_quo):
    workshop_id = workshop["workshop"].id
    first = read_csv(catalog, region_csv(status_quo))
    set_funders(catalog, workshop_id, first, workshop["passcode"])
    merged = region_csv(status_quo).replace("Foundation,philanthropy,belonging_civic_muscle,3000000\n", "").replace(
        "County,government,belonging_civic_muscle,2000000", "County,government,belonging_civic_muscle,5000000")
    set_funders(catalog, workshop_id, read_csv(catalog, merged), workshop["passcode"])
    assert [s.name for s in list_funders(workshop_id)] == ["County hospital", "County"]
    with storage.reading() as db:
        actions = [e["action"] for e in storage.select(db, "audit_log", order="seq", workshop_id=workshop_id)]
        assert actions[-2:] == ["funder.set", "funder.withdraw"] and actions.count("funder.set") == 4  # 3, then only the County
        assert audit.verify(db, workshop_id).ok


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("County hospital,health,acute_care,18000000", "County hospital,health,acute_care,-18000000"),
     r"Row 2 \(County hospital, acute_care\): amount '-18000000' must be 0 or more"),
    (lambda t: t.replace("County hospital,health,basic_needs", "County hospital,health,parks"), r"Row 3 \(County hospital\): unknown element 'parks'"),
    (lambda t: t.replace("County hospital,health,addiction_recovery", "County hospital,care,addiction_recovery"),
     r"Row 4 \(County hospital\): sector 'care' differs"),
    (lambda t: t.replace("County hospital,health,basic_needs", "County hospital,health,acute_care"), r"Row 3 \(County hospital\): a second row for acute_care"),
    (lambda t: t.replace("funder,sector", "who,sector"), "needs the columns funder,sector,element,amount; missing: funder"),
    (lambda t: t.replace("acute_care,18000000", "acute_care,lots"), r"Row 2 \(County hospital, acute_care\): amount 'lots' is not a number"),
])
def test_bad_rows_are_refused_naming_the_row(catalog, status_quo, edit, message):
    with pytest.raises(InputFormatError, match=message):
        read_csv(catalog, edit(region_csv(status_quo)))


def test_funders_that_do_not_add_up_to_the_status_quo_are_refused_and_nothing_is_saved(catalog, workshop, status_quo):
    workshop_id = workshop["workshop"].id
    wrong = region_csv(status_quo).replace("acute_care,18000000", "acute_care,20000000")
    with pytest.raises(InputFormatError, match=r"Acute care: the funders bring 20.0 million, 2.0 million more than the status quo they claim \(18.0 million\)"):
        set_funders(catalog, workshop_id, read_csv(catalog, wrong), workshop["passcode"])
    assert list_funders(workshop_id) == []


@pytest.mark.parametrize("mandates, error, message", [
    ({"County hospital": {"may_fund": ["acute_care"]}}, InputFormatError, "County hospital spends 2.0 million on basic_needs today, which its mandate"),
    ({"County hospital": {"may_fund": ["parks"]}}, PortfolioError, "Unknown element 'parks'"),
    ({"County hospital": {"floors": {"acute_care": 19_000_000}}}, InputFormatError, r"County hospital's floor on acute_care \(19.0 million\) is more than"),
    ({"City hall": {"may_fund": ["acute_care"]}}, InputFormatError, "Mandates name funders that are not in the funders file: City hall"),
    ({"County hospital": {"floors": {"acute_care": 1}, "may_fund": ["basic_needs", "addiction_recovery"]}}, InvalidConstraints,
     "a floor on acute_care, which its mandate does not allow"),
])
def test_bad_mandates_are_refused_naming_the_funder(catalog, workshop, status_quo, mandates, error, message):
    with pytest.raises(error, match=message):
        stewards = with_mandates(read_csv(catalog, region_csv(status_quo)), mandates)
        set_funders(catalog, workshop["workshop"].id, stewards, workshop["passcode"])
    assert list_funders(workshop["workshop"].id) == []


def test_only_the_facilitator_sets_funders(catalog, workshop, status_quo):
    with pytest.raises(NotAuthorized):
        set_funders(catalog, workshop["workshop"].id, read_csv(catalog, region_csv(status_quo)), "wrong-passcode")


def test_a_proposal_with_element_totals_only_is_shown_by_funder_within_mandates(catalog, status_quo):
    stewards = with_mandates(read_csv(catalog, region_csv(status_quo)), HOSPITAL_MANDATE)
    proposal = dict(status_quo.allocations, acute_care=16e6, humane_housing=10e6)
    split = by_funder(catalog, stewards, proposal)
    assert set(split["County hospital"]) == {"basic_needs", "acute_care", "addiction_recovery"}
    assert split["County hospital"]["acute_care"] >= 15e6
    for element, amount in proposal.items():
        assert sum(split[name].get(element, 0.0) for name in split) == pytest.approx(amount, abs=0.01)
    moved = changes(stewards, split)
    assert moved["County hospital"] == {"acute_care": -2e6, "basic_needs": 2e6}  # the least money moved from today, within the mandate
    assert set(co_funded(split)["basic_needs"]) == {"County hospital", "County"} and "acute_care" not in co_funded(split)


def test_the_exported_record_of_funders_is_plain_json(catalog, workshop, status_quo):
    set_funders(catalog, workshop["workshop"].id, with_mandates(read_csv(catalog, region_csv(status_quo)), HOSPITAL_MANDATE), workshop["passcode"])
    with storage.reading() as db:
        row = storage.select_one(db, "funders", name="County hospital")
    assert json.loads(row["may_fund"]) == ["basic_needs", "acute_care", "addiction_recovery"] and row["withdrawn_at"] is None


def _funding(stewards, moves=None) -> list[dict]:
    """Rows funder, element, amount: today's amounts, with some changed ({(funder, element): amount})."""
    today = {(s.name, e): a for s in stewards for e, a in s.amounts.items()}
    return [{"funder": f, "element": e, "amount": a, "row": n} for n, ((f, e), a) in enumerate({**today, **(moves or {})}.items(), start=2)]


def test_a_proposal_carries_its_own_funding_table_whose_totals_are_its_portfolio(catalog, workshop, status_quo, tmp_path, capsys):
    from portfolio_engine.cli.main import main
    from portfolio_engine.record import exports
    from portfolio_engine.record.proposals import list_proposals, save_proposal
    from portfolio_engine.security.access import OPERATOR

    workshop_id = workshop["workshop"].id
    stewards = set_funders(catalog, workshop_id, with_mandates(read_csv(catalog, region_csv(status_quo)), HOSPITAL_MANDATE), workshop["passcode"])
    moves = {("County hospital", "acute_care"): 16e6, ("County hospital", "addiction_recovery"): 5e6}
    saved = save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Recovery first", "Treat addiction early", None,
                          funding=_funding(stewards, moves))
    assert saved["by_funder"]["County hospital"]["addiction_recovery"] == 5e6
    assert saved["allocations"]["acute_care"] == status_quo.allocations["acute_care"] - 2e6
    assert saved["allocations"]["addiction_recovery"] == status_quo.allocations["addiction_recovery"] + 2e6
    assert list_proposals(workshop_id)[-1]["by_funder"] == saved["by_funder"]
    copy = exports.import_document(json.loads(exports.export_json(workshop_id)), "new-passcode-1", grant=OPERATOR)
    assert list_proposals(copy)[-1]["by_funder"] == saved["by_funder"]
    with storage.reading() as db:
        assert audit.verify(db, workshop_id).ok and audit.verify(db, copy).ok
    lines = ["funder,element,amount"] + [f"{r['funder']},{r['element']},{r['amount']:.0f}" for r in _funding(stewards, moves)]
    (tmp_path / "funding.csv").write_text("\n".join(lines) + "\n")
    args = ["proposal", "save", "--workshop", workshop_id, "--author", "Ben", "--title", "Same, by file", "--rationale", "As the table says",
            "--funding", str(tmp_path / "funding.csv")]
    assert main(args) == 0 and list_proposals(workshop_id)[-1]["by_funder"] == saved["by_funder"]
    capsys.readouterr()
    assert main(["proposal", "list", "--workshop", workshop_id]) == 0 and json.loads(capsys.readouterr().out)[-1]["by_funder"] == saved["by_funder"]
    (tmp_path / "funding.csv").write_text("\n".join([lines[0], "County hospital,humane_housing,1", *lines[1:]]) + "\n")
    assert main(args) == 2
    assert "Row 2 (County hospital, humane_housing): County hospital's mandate does not allow it to fund Humane housing" in capsys.readouterr().err


@pytest.mark.parametrize("moves, allocations, message", [
    ({("County hospital", "acute_care"): -1}, None, r"Row \d+ \(County hospital, acute_care\): amount '-1' must be 0 or more"),
    ({("County hospital", "parks"): 1}, None, r"Row \d+ \(County hospital, parks\): unknown element 'parks'"),
    ({("Hospital", "acute_care"): 1}, None, r"Row \d+: unknown funder 'Hospital'"),
    ({("County hospital", "acute_care"): 14e6, ("County hospital", "addiction_recovery"): 7e6}, None,
     r"County hospital funds 14.0 million on acute_care, less than its floor \(15.0 million\)"),
    ({("County hospital", "acute_care"): 19e6}, None, r"County hospital funds 24.0 million in this table, not the 23.0 million it brings"),
    ({}, {"acute_care": 1.0}, r"Acute care \(acute_care\): the funders bring 18,000,000 in the funding table, the portfolio gives 1"),
])
def test_a_bad_funding_table_names_its_row_and_saves_nothing(catalog, workshop, status_quo, moves, allocations, message):
    from portfolio_engine.record.proposals import list_proposals, save_proposal

    workshop_id = workshop["workshop"].id
    stewards = set_funders(catalog, workshop_id, with_mandates(read_csv(catalog, region_csv(status_quo)), HOSPITAL_MANDATE), workshop["passcode"])
    given = {**status_quo.allocations, **allocations} if allocations else None
    with pytest.raises(InputFormatError, match=message):
        save_proposal(catalog, workshop_id, workshop["ana"]["id"], "Bad table", "Why not", given, funding=_funding(stewards, moves))
    assert list_proposals(workshop_id) == []
