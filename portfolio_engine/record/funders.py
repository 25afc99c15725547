"""The region's current portfolio by funder: who brings the workshop's money, how much to each element today, under which mandate.

ReThink Health: a region's portfolio is "enshrined in the way resources flow ... by whom, with whom, and in what amounts". A
funder (a steward bringing money: the hospital, the county, a foundation, a pooled fund) has a name, a sector, its amounts
per element today, and a mandate: the elements its money may fund (none given: any) and floors it must keep. The funders'
element totals are the workshop's status quo. Setting the funders replaces the whole table in one audited write; a funder
left out is withdrawn (its row stays, marked, so the record keeps it), never deleted.
"""

import csv
import html
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from portfolio_engine import storage
from portfolio_engine.errors import InputFormatError, NotAllowed, NotFound
from portfolio_engine.limits import MAX_AMOUNT
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.portfolio import Portfolio
from portfolio_engine.optimizer.funders import Funder, parse_funders, split
from portfolio_engine.record import audit
from portfolio_engine.record.proposals import intact, intact_workshop
from portfolio_engine.record.workshops import authorize, text
from portfolio_engine.security.access import Grant
from portfolio_engine.security.keys import new_id

CSV_COLUMNS = ("funder", "sector", "element", "amount")
FUNDING_COLUMNS = ("funder", "element", "amount")  # a proposal's own table: who funds what
MAX_FUNDERS = 50
TOLERANCE = 0.5  # currency units: the funders' totals must match the status quo to within half a unit


@dataclass(frozen=True)
class Steward:
    """One funder of the workshop: amounts today per element id, and its mandate (may_fund None: any element)."""

    name: str
    sector: str
    amounts: dict[str, float]
    may_fund: tuple[str, ...] | None = None
    floors: dict[str, float] = field(default_factory=dict)

    @property
    def amount(self) -> float:
        return sum(self.amounts.values())

    def mandate(self) -> dict[str, Any]:
        """The constraints document's entry for this funder (optimizer/funders.py)."""
        return {"amount": self.amount, **({"may_fund": list(self.may_fund)} if self.may_fund is not None else {}),
                **({"floors": dict(self.floors)} if self.floors else {})}


def _money(value: float) -> str:
    return f"{value / 1e6:,.1f} million" if abs(value) >= 1e6 else f"{value:,.2f}"


def _amount(value: str, where: str) -> float:
    try:
        number = float(value.replace(",", "").strip())
    except ValueError:
        raise InputFormatError(f"{where}: amount {value!r} is not a number. Nothing was saved.") from None
    if not 0 <= number <= MAX_AMOUNT:
        raise InputFormatError(f"{where}: amount {value!r} must be 0 or more (and at most {MAX_AMOUNT:g}). Nothing was saved.")
    return number


def read_csv(catalog: Catalog, content: str) -> list[Steward]:
    """Funders from CSV with columns funder,sector,element,amount (one row per funder and element); each problem names its row."""
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputFormatError(f"The funders file needs the columns {','.join(CSV_COLUMNS)}; missing: {', '.join(missing)}. Nothing was saved.")
    return from_rows(catalog, list(reader), first=2)  # the header is row 1


def from_rows(catalog: Catalog, rows: list[dict], first: int = 1) -> list[Steward]:
    """Funders from rows with keys funder, sector, element (an id) and amount (the Facilitate table, a CSV file); row numbers from `first`."""
    sectors: dict[str, str] = {}
    amounts: dict[str, dict[str, float]] = {}
    for number, row in enumerate(rows, start=first):
        where = f"Row {number}"
        name, sector, element = (str(row.get(c) or "").strip() for c in ("funder", "sector", "element"))
        if not name:
            raise InputFormatError(f"{where}: the funder has no name. Nothing was saved.")
        if element not in catalog.ids:
            raise InputFormatError(f"{where} ({name}): unknown element '{element[:60]}'. Elements: {', '.join(catalog.ids)}. Nothing was saved.")
        if sectors.setdefault(name, sector) != sector:
            raise InputFormatError(f"{where} ({name}): sector '{sector}' differs from the funder's earlier rows ('{sectors[name]}'). Nothing was saved.")
        if element in amounts.setdefault(name, {}):
            raise InputFormatError(f"{where} ({name}): a second row for {element}. Nothing was saved.")
        amounts[name][element] = _amount(str(row.get("amount") or ""), f"{where} ({name}, {element})")
    if not amounts:
        raise InputFormatError("There are no funders: give at least one row. Nothing was saved.")
    return [Steward(name, sectors[name], values) for name, values in amounts.items()]


def read_funding_csv(content: str) -> list[dict]:
    """A proposal's funding table from CSV with columns funder,element,amount, each row numbered as a spreadsheet shows it."""
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    missing = [c for c in FUNDING_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputFormatError(f"The funding file needs the columns {','.join(FUNDING_COLUMNS)}; missing: {', '.join(missing)}. Nothing was saved.")
    return [{**row, "row": number} for number, row in enumerate(reader, start=2)]  # the header is row 1


def funding_table(catalog: Catalog, stewards: list[Steward], rows: list[dict]) -> dict[str, dict[str, float]]:
    """Who funds what in a proposal ({funder: {element id: amount}}) from rows funder, element, amount (and its row number): each of the
    workshop's funders brings its own amount, within its mandate and floors. Every problem names its row; the element totals are the portfolio."""
    if not stewards:
        raise InputFormatError("The workshop has no funders yet: the facilitator enters them first. Nothing was saved.")
    by_name = {s.name: s for s in stewards}
    funders = {f.name: f for f in parse_funders(catalog, {s.name: s.mandate() for s in stewards}, sum(s.amount for s in stewards))}
    table: dict[str, dict[str, float]] = {}
    for number, row in enumerate(rows, start=1):
        name, element = (str(row.get(c) or "").strip() for c in ("funder", "element"))
        where = f"Row {row.get('row', number)} ({name}, {element})"
        if name not in by_name:
            raise InputFormatError(f"Row {row.get('row', number)}: unknown funder '{name[:60]}'. The workshop's funders: {', '.join(by_name)}. "
                                   "Nothing was saved.")
        if element not in catalog.ids:
            raise InputFormatError(f"{where}: unknown element '{element[:60]}'. Elements: {', '.join(catalog.ids)}. Nothing was saved.")
        if element in table.setdefault(name, {}):
            raise InputFormatError(f"{where}: a second row for this funder and element. Nothing was saved.")
        amount = _amount(str(row.get("amount") if row.get("amount") is not None else ""), where)
        if amount > 0 and not funders[name].allows(element):
            raise InputFormatError(f"{where}: {name}'s mandate does not allow it to fund {catalog.elements[catalog.index(element)].name}. Nothing was saved.")
        table[name][element] = amount
    for name, steward in by_name.items():
        given = table.get(name, {})
        short = [e for e, floor in funders[name].floors.items() if given.get(e, 0.0) < floor - 0.01]
        if short:
            floor = funders[name].floors[short[0]]
            raise InputFormatError(f"{name} funds {_money(given.get(short[0], 0.0))} on {short[0]}, less than its floor ({_money(floor)}). Nothing was saved.")
        if abs(sum(given.values()) - steward.amount) > TOLERANCE:
            raise InputFormatError(f"{name} funds {_money(sum(given.values()))} in this table, not the {_money(steward.amount)} it brings. Nothing was saved.")
    return table


def with_mandates(stewards: list[Steward], raw: Any) -> list[Steward]:
    """Each funder's mandate from {funder: {"may_fund": [element ids], "floors": {element id: amount}}} (funders not named: any element)."""
    if raw is None:
        return stewards
    names = {s.name for s in stewards}
    if not isinstance(raw, dict) or any(not isinstance(v, dict) or set(v) - {"may_fund", "floors"} for v in raw.values()):
        raise InputFormatError('Mandates are written {"County hospital": {"may_fund": [element ids], "floors": {element id: amount}}}. Nothing was saved.')
    unknown = sorted(set(raw) - names)
    if unknown:
        raise InputFormatError(f"Mandates name funders that are not in the funders file: {', '.join(unknown)}. Nothing was saved.")
    return [Steward(s.name, s.sector, s.amounts, tuple(raw[s.name]["may_fund"]) if raw.get(s.name, {}).get("may_fund") is not None else None,
                    dict(raw.get(s.name, {}).get("floors") or {})) for s in stewards]


def check(catalog: Catalog, stewards: list[Steward], status_quo: Portfolio) -> tuple[Funder, ...]:
    """Refuse funders whose mandates are malformed, who spend today where their mandate forbids, or whose totals are not the status quo."""
    if not 1 <= len(stewards) <= MAX_FUNDERS:
        raise InputFormatError(f"A workshop has 1 to {MAX_FUNDERS} funders, got {len(stewards)}. Nothing was saved.")
    for steward in stewards:
        text(steward.name, "name")
        text(steward.sector, "sector", required=False)
    funders = parse_funders(catalog, {s.name: s.mandate() for s in stewards}, sum(s.amount for s in stewards))
    for steward, funder in zip(stewards, funders, strict=True):
        outside = [e for e, amount in steward.amounts.items() if amount > 0 and not funder.allows(e)]
        if outside:
            raise InputFormatError(f"{steward.name} spends {_money(steward.amounts[outside[0]])} on {outside[0]} today, "
                                   f"which its mandate does not allow. Nothing was saved.")
        short = [e for e, floor in funder.floors.items() if steward.amounts.get(e, 0.0) < floor - 0.01]
        if short:
            raise InputFormatError(f"{steward.name}'s floor on {short[0]} ({_money(funder.floors[short[0]])}) is more than it spends there today "
                                   f"({_money(steward.amounts.get(short[0], 0.0))}). Nothing was saved.")
    totals = element_totals(catalog, stewards)
    for element, total in totals.items():
        expected = status_quo.allocations.get(element, 0.0)
        if abs(total - expected) > TOLERANCE:
            direction = "more" if total > expected else "less"
            raise InputFormatError(f"{catalog.elements[catalog.index(element)].name}: the funders bring {_money(total)}, "
                                   f"{_money(abs(total - expected))} {direction} than the status quo they claim ({_money(expected)}). Nothing was saved.")
    return funders


def element_totals(catalog: Catalog, stewards: Iterable[Steward]) -> dict[str, float]:
    """The funders' amounts today added up per element: the status quo they describe."""
    return {e: sum(s.amounts.get(e, 0.0) for s in stewards) for e in catalog.ids}


def _row(workshop_id: str, steward: Steward, row_id: str, created_at: str) -> dict:
    return {"id": row_id, "workshop_id": workshop_id, "name": steward.name, "sector": steward.sector,
            "amounts": audit.canonical(steward.amounts), "may_fund": audit.canonical(list(steward.may_fund)) if steward.may_fund is not None else None,
            "floors": audit.canonical(steward.floors), "withdrawn_at": None, "created_at": created_at}


def _steward(row: dict) -> Steward:
    may_fund = json.loads(row["may_fund"]) if row["may_fund"] is not None else None
    return Steward(row["name"], row["sector"], json.loads(row["amounts"]), tuple(may_fund) if may_fund is not None else None, json.loads(row["floors"]))


def set_funders(catalog: Catalog, workshop_id: str, stewards: list[Steward], passcode: str | None, path: Path | None = None, *,
                grant: Grant | None = None) -> list[Steward]:
    """Replace the workshop's funders (facilitator only: the session's grant, or else the passcode), checked against its status quo;
    one audit entry per funder changed."""
    authorize(workshop_id, passcode, grant, path)
    with storage.writing(path) as db:
        workshop = intact_workshop(db, workshop_id)
        if workshop.state == "archived":
            raise NotAllowed("The workshop is archived: its funders can no longer change.")
        checked = check(catalog, stewards, workshop.status_quo_portfolio(catalog))
        stewards = [Steward(s.name, s.sector, s.amounts, f.may_fund, f.floors) for s, f in zip(stewards, checked, strict=True)]  # catalog order
        stored = {r["name"]: r for r in storage.select(db, "funders", workshop_id=workshop_id) if intact(db, workshop_id, "funder", r)}
        now = audit.now()
        for steward in stewards:
            before = stored.pop(steward.name, None)
            after = _row(workshop_id, steward, before["id"] if before else new_id("f"), before["created_at"] if before else now)
            if before is None:
                storage.insert(db, "funders", after)
            elif before != after:
                storage.update(db, "funders", before["id"], {k: v for k, v in after.items() if k != "id"})
            else:
                continue
            audit.append(db, workshop_id, "facilitator", "funder.set", "funder", after["id"], before, after)
        for before in stored.values():
            if before["withdrawn_at"] is None:
                storage.update(db, "funders", before["id"], {"withdrawn_at": now})
                audit.append(db, workshop_id, "facilitator", "funder.withdraw", "funder", before["id"], before, {**before, "withdrawn_at": now})
    return stewards


def funders_in(db, workshop_id: str) -> list[Steward]:
    """The workshop's funders (not withdrawn), in the order they were first entered."""
    return [_steward(r) for r in storage.select(db, "funders", workshop_id=workshop_id) if r["withdrawn_at"] is None]


def list_funders(workshop_id: str, path: Path | None = None) -> list[Steward]:
    with storage.reading(path) as db:
        return funders_in(db, workshop_id)


def to_csv_rows(catalog: Catalog, stewards: list[Steward]) -> list[dict]:
    """Rows funder,sector,element,amount in catalog order (elements a funder does not fund today are left out)."""
    return [{"funder": s.name, "sector": s.sector, "element": e, "amount": s.amounts[e]} for s in stewards for e in catalog.ids if e in s.amounts]


def to_json(stewards: list[Steward]) -> dict:
    """{funder: {sector, amount, amounts, may_fund, floors}}: the command line's and the pages' view."""
    return {s.name: {"sector": s.sector, "amount": s.amount, "amounts": s.amounts, "may_fund": list(s.may_fund) if s.may_fund is not None else None,
                     "floors": s.floors} for s in stewards}


def constraints_funders(stewards: list[Steward]) -> dict:
    """The constraints document's "funders" object: each funder's amount today and its mandate (the Optimize page's default)."""
    return {s.name: s.mandate() for s in stewards}


def by_funder(catalog: Catalog, stewards: list[Steward], allocations: dict[str, float]) -> dict[str, dict[str, float]]:
    """Who would fund what under element totals `allocations` (a proposal that gives element totals only): each funder within its
    mandate and floors, moving as little money as possible from what it funds today."""
    funders = parse_funders(catalog, {s.name: s.mandate() for s in stewards}, sum(s.amount for s in stewards))
    return split(catalog, funders, np.array([allocations.get(e, 0.0) for e in catalog.ids]), {s.name: s.amounts for s in stewards})


def changes(stewards: list[Steward], split_amounts: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """Each funder's change from today per element (only elements that change)."""
    found = {}
    for s in stewards:
        after = split_amounts.get(s.name, {})
        found[s.name] = {e: round(after.get(e, 0.0) - s.amounts.get(e, 0.0), 2) for e in sorted(set(after) | set(s.amounts))
                         if abs(after.get(e, 0.0) - s.amounts.get(e, 0.0)) >= 0.01}
    return found


def co_funded(split_amounts: dict[str, dict[str, float]]) -> dict[str, list[str]]:
    """Per element, the funders who fund it together ("with whom"), for elements with two or more."""
    together: dict[str, list[str]] = {}
    for name, amounts in split_amounts.items():
        for element, amount in amounts.items():
            if amount > 0:
                together.setdefault(element, []).append(name)
    return {e: names for e, names in together.items() if len(names) > 1}


def who_moves_what(catalog: Catalog, stewards: list[Steward], allocations: dict[str, float], table: dict[str, dict[str, float]] | None = None
                   ) -> list[dict]:
    """Rows funder, element (its name), today, proposed, change, with (the other funders of that element): what each funder would
    move under element totals `allocations`, split within mandates (see by_funder), or as a proposal's own funding `table` says.
    Elements a funder neither funds nor would fund are left out."""
    split_amounts = {s.name: table.get(s.name, {}) for s in stewards} if table is not None else by_funder(catalog, stewards, allocations)
    together = co_funded(split_amounts)
    rows = []
    for s in stewards:
        for element in catalog.elements:
            today, proposed = s.amounts.get(element.id, 0.0), split_amounts[s.name].get(element.id, 0.0)
            if today or proposed:
                rows.append({"funder": s.name, "element": element.name, "today": today, "proposed": proposed, "change": round(proposed - today, 2),
                             "with": ", ".join(n for n in together.get(element.id, []) if n != s.name)})
    return rows


def _check_commitments(catalog: Catalog, stewards: list[Steward], commitments: Any, allocations: dict[str, float]) -> dict[str, dict[str, float]]:
    """Commitments that fund exactly the decided totals, each funder its own amount within its mandate and floors (else a clear refusal)."""
    by_name = {s.name: s for s in stewards}
    if not isinstance(commitments, dict) or set(commitments) != set(by_name):
        raise InputFormatError(f"Give a commitment for each funder ({', '.join(by_name)}), as {{funder: {{element id: amount}}}}. Nothing was saved.")
    checked: dict[str, dict[str, float]] = {}
    funders = {f.name: f for f in parse_funders(catalog, {s.name: s.mandate() for s in stewards}, sum(s.amount for s in stewards))}
    for name, amounts in commitments.items():
        if not isinstance(amounts, dict):
            raise InputFormatError(f"{name}: its commitment must be an object of element id: amount. Nothing was saved.")
        checked[name] = {}
        for element, value in amounts.items():
            catalog.index(element)
            amount = _amount(str(value), f"{name} ({element})")
            if amount > 0 and not funders[name].allows(element):
                raise InputFormatError(f"{name} commits {_money(amount)} to {element}, which its mandate does not allow. Nothing was saved.")
            checked[name][element] = amount
        for element, floor in funders[name].floors.items():
            if checked[name].get(element, 0.0) < floor - 0.01:
                raise InputFormatError(f"{name} commits less to {element} than its floor ({_money(floor)}). Nothing was saved.")
        if abs(sum(checked[name].values()) - by_name[name].amount) > 1.0:
            raise InputFormatError(f"{name} commits {_money(sum(checked[name].values()))}, not its {_money(by_name[name].amount)}. Nothing was saved.")
    for element in catalog.ids:
        total = sum(c.get(element, 0.0) for c in checked.values())
        if abs(total - allocations.get(element, 0.0)) > 1.0:
            raise InputFormatError(f"{element}: the commitments add up to {_money(total)}, the decision funds {_money(allocations.get(element, 0.0))}. "
                                   "Nothing was saved.")
    return checked


def record_commitments(catalog: Catalog, workshop_id: str, commitments: dict | None, passcode: str | None, path: Path | None = None, *,
                       grant: Grant | None = None) -> dict[str, dict[str, float]]:
    """Record what each funder commits under the latest decision (facilitator only): the given {funder: {element id: amount}}, or else
    the decided proposal's own funding table when it has one, or else
    the split that moves the least money from today. They must fund exactly the decided portfolio, each within its mandate."""
    authorize(workshop_id, passcode, grant, path)
    with storage.writing(path) as db:
        intact_workshop(db, workshop_id)
        decisions = storage.select(db, "decisions", workshop_id=workshop_id)
        if not decisions:
            raise NotFound("No decision is recorded yet: record the decision first, then the funders' commitments.")
        decision = intact(db, workshop_id, "decision", decisions[-1])
        assert decision is not None
        proposal = intact(db, workshop_id, "proposal", storage.select_one(db, "proposals", id=decision["proposal_id"]))
        assert proposal is not None
        stewards = funders_in(db, workshop_id)
        if not stewards:
            raise InputFormatError("The workshop has no funders: enter them first. Nothing was saved.")
        allocations = json.loads(proposal["allocations"])
        if commitments is None:  # as the decided proposal says who funds what, else the split that moves the least money
            commitments = json.loads(proposal["by_funder"]) if proposal.get("by_funder") else by_funder(catalog, stewards, allocations)
        checked = _check_commitments(catalog, stewards, commitments, allocations)
        now = audit.now()
        for name, amounts in checked.items():
            row = {"id": new_id("c"), "workshop_id": workshop_id, "decision_id": decision["id"], "funder": name,
                   "amounts": audit.canonical(amounts), "created_at": now}
            storage.insert(db, "commitments", row)
            audit.append(db, workshop_id, "facilitator", "commitment.record", "commitment", row["id"], None, row)
    return checked


def commitments_of(workshop_id: str, path: Path | None = None) -> dict[str, dict[str, float]]:
    """What each funder committed under the latest decision that has commitments ({} when none are recorded)."""
    with storage.reading(path) as db:
        return commitments_in(db, workshop_id)


def commitments_in(db, workshop_id: str) -> dict[str, dict[str, float]]:
    """commitments_of through the caller's handle."""
    rows = storage.select(db, "commitments", workshop_id=workshop_id)
    if not rows:
        return {}
    latest = rows[-1]["decision_id"]
    return {r["funder"]: json.loads(r["amounts"]) for r in rows if r["decision_id"] == latest}


def report_section(catalog: Catalog, stewards: list[Steward], committed: dict[str, dict[str, float]]) -> str:
    """The printable report's section: each funder's amounts today, its mandate, and what it committed under the decision (escaped)."""
    if not stewards:
        return ""
    e = html.escape
    names = {el.id: el.name for el in catalog.elements}
    rows = []
    for s in stewards:
        mandate = "any element" if s.may_fund is None else ", ".join(names[i] for i in s.may_fund)
        for element in catalog.ids:
            today, promised = s.amounts.get(element, 0.0), committed.get(s.name, {}).get(element)
            if today or promised:
                rows.append(f"<tr><td>{e(s.name)} ({e(s.sector)})</td><td>{e(names[element])}</td><td>{today / 1e6:,.2f} million</td>"
                            f"<td>{f'{promised / 1e6:,.2f} million' if promised is not None else 'not recorded'}</td><td>{e(mandate)}</td></tr>")
    return ("<section><h2>Funders: today and their commitments</h2><table><tr><th>Funder</th><th>Element</th><th>Today</th>"
            "<th>Committed under the decision</th><th>May fund</th></tr>" + "".join(rows) + "</table></section>")
