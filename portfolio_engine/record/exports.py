"""The workshop record: complete JSON export and import, CSV tables, and a printable HTML report.

No credential leaves the server: exports carry no passcode or token hash (audit entries hold keyed
digests in their place). An import is checked field by field before anything is written, and gets
a new facilitator passcode.
"""

import csv
import html
import io
import json
import math
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from portfolio_engine import storage
from portfolio_engine.errors import InputFormatError, NotFound, PortfolioError
from portfolio_engine.jsonfile import parse_json
from portfolio_engine.limits import MAX_AMOUNT
from portfolio_engine.model.assumptions import default_assumptions, with_overrides
from portfolio_engine.model.catalog import Catalog, Element, load_catalog
from portfolio_engine.model.portfolio import make_portfolio, portfolio_from_dict, require_positive_total
from portfolio_engine.record import audit
from portfolio_engine.record.decisions import decisions_in
from portfolio_engine.record.funders import commitments_in, funders_in
from portfolio_engine.record.funders import report_section as funders_section
from portfolio_engine.record.menu import latest_menu, localized, menu_in, parse_menu
from portfolio_engine.record.proposals import ORIGINS, STANCE_WORDS, STANCES, proposals_in, stances_in, tally
from portfolio_engine.record.report_chart import bars_svg
from portfolio_engine.record.times import readable
from portfolio_engine.record.workshops import ROLES, STATES, text, workshop_in
from portfolio_engine.security import access
from portfolio_engine.security.access import MIN_PASSCODE, Grant
from portfolio_engine.security.keys import ALPHABET, code, hash_passcode, new_id

FORMAT = "commons-portfolio-workshop/2"
FORMATS = ("commons-portfolio-workshop/1", FORMAT)  # /1 exports carried credential hashes: accepted, never imported
UNVERSIONED = 7  # the schema version of exports written before they stated one
TABLES = ("participants", "proposals", "stances", "decisions", "funders", "shared_ends", "menus", "commitments")
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
PREFIXES = {"workshop": "w", "participants": "u", "proposals": "p", "stances": "s", "decisions": "d", "funders": "f", "shared_ends": "e", "menus": "m",
            "commitments": "c"}
CREDENTIALS = ("passcode_hash", "token_hash")


def _exported_entry(entry: dict) -> dict:
    """An audit entry as exported: secrets written in the clear by older versions become their keyed digests."""
    return {**entry, "before": audit.recorded(entry["before"]), "after": audit.recorded(entry["after"])}


def snapshot(workshop_id: str, path: Path | None = None) -> dict:
    """Every stored row of a workshop, as stored but without credential hashes, plus its audit log and chain head."""
    with storage.reading(path) as db:
        return snapshot_in(db, workshop_id)


def snapshot_in(db: storage.Handle, workshop_id: str) -> dict:
    """snapshot through the caller's handle: with a read transaction (services.unit_of_work), every table from one moment."""
    workshop = storage.select_one(db, "workshops", id=workshop_id)
    if workshop is None:
        raise NotFound(f"No workshop with id '{workshop_id}'.")
    data = {"format": FORMAT, "schema_version": storage.migrations.version(db), "exported_at": audit.now(), "chain_head": audit.chain_head(db, workshop_id),
            "head": audit.head_label(db, workshop_id), "workshop": _public(workshop)}
    for table in TABLES:
        data[table] = [_public(row) for row in storage.select(db, table, workshop_id=workshop_id)]
    data["audit_log"] = [_exported_entry(e) for e in storage.select(db, "audit_log", order="seq", workshop_id=workshop_id)]
    return data


def _public(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in CREDENTIALS}


def export_json(workshop_id: str, path: Path | None = None) -> str:
    return json.dumps(snapshot(workshop_id, path), indent=2, ensure_ascii=False)


def import_json(text: str | bytes, passcode: str, path: Path | None = None, *, grant: Grant | None = None) -> str:
    """Restore a workshop exported as JSON text (bounded in size and depth); returns the new id. See import_document."""
    return import_document(parse_json(text, "The workshop file"), passcode, path, grant=grant)


def import_document(document: Any, passcode: str, path: Path | None = None, *, grant: Grant | None = None) -> str:
    """Restore an exported workshop under new ids (so it can sit beside the original); returns the new id.

    Exports carry no credentials, so the imported workshop gets a new facilitator `passcode` and its
    participants sign in again. Every field is checked (type, allowed values, references) before
    anything is written, and an unknown key is refused by name. The new audit chain records the import
    and the original chain head. Creating a workshop this way needs the data steward or the operator.
    """
    access.require(grant, "steward")
    if len(passcode or "") < MIN_PASSCODE:
        raise PortfolioError(f"The imported workshop needs a new facilitator passcode of at least {MIN_PASSCODE} characters.")
    data = _checked_export(load_catalog(), document)
    renamed = {data["workshop"]["id"]: new_id("w")}
    renamed.update({row["id"]: new_id(PREFIXES[table]) for table in TABLES for row in data[table]})
    references = ("id", "workshop_id", "participant_id", "proposal_id", "parent_id", "decision_id")
    with storage.writing(path) as db:
        workshop = {**data["workshop"], "id": renamed[data["workshop"]["id"]], "passcode_hash": hash_passcode(passcode)}
        while storage.select_one(db, "workshops", join_code=workshop["join_code"]):
            workshop["join_code"] = code(6)
        storage.insert(db, "workshops", workshop)
        origin = f"import of {data['workshop']['id']} (chain head {data['origin_head']})"
        audit.append(db, workshop["id"], origin, "workshop.import", "workshop", workshop["id"], None, workshop)
        for table in TABLES:
            for row in data[table]:
                row = {k: (renamed.get(v, v) if k in references else v) for k, v in row.items()}
                if table == "participants":
                    row["token_hash"] = None  # a credential, not content: people sign in again
                storage.insert(db, table, row)
                audit.append(db, workshop["id"], "import", f"{table[:-1]}.import", table[:-1], row["id"], None, row)
    return workshop["id"]


# Checking an export before import: each table's fields, each with a check that returns the value to store.

def _fail(where: str, problem: str) -> InputFormatError:
    return InputFormatError(f"The workshop file: {where} {problem}. Nothing was imported.")


def _id(prefix: str) -> Callable[[Any, str], str]:
    def check(value: Any, where: str) -> str:
        if not isinstance(value, str) or not ID.fullmatch(value) or not value.startswith(f"{prefix}-"):
            raise _fail(where, f"is not an id like '{prefix}-3f9a1c2b7d'")
        return value
    return check


def _text(field: str, required: bool = True) -> Callable[[Any, str], str | None]:
    def check(value: Any, where: str) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str):
            raise _fail(where, "must be text")
        try:
            return text(value, field, required)
        except PortfolioError as err:
            raise _fail(where, f"is not acceptable ({err})") from None
    return check


def _choice(allowed: tuple[str, ...]) -> Callable[[Any, str], str]:
    def check(value: Any, where: str) -> str:
        if value not in allowed:
            raise _fail(where, f"must be one of {', '.join(allowed)}, not {str(value)[:40]!r}")
        return value
    return check


def _number(low: float, high: float) -> Callable[[Any, str], float]:
    def check(value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or not low <= value <= high:
            raise _fail(where, f"must be a number from {low:g} to {high:g}")
        return float(value)
    return check


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100_000:
        raise _fail(where, "must be a whole number from 1")
    return value


def _time(value: Any, where: str) -> str:
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _fail(where, "must be a date and time like 2027-03-01T18:30:00+00:00") from None
    return value


def _join_code(value: Any, where: str) -> str:
    if not isinstance(value, str) or len(value) != 6 or any(c not in ALPHABET for c in value):
        raise _fail(where, "must be a six-character join code")
    return value


def _json_object(required: bool = True, values: Callable[[Any, str], Any] | None = None) -> Callable[[Any, str], str | None]:
    """A JSON object stored as text (as the database keeps it), optionally with checked values."""
    def check(value: Any, where: str) -> str | None:
        if value is None and not required:
            return None
        parsed = parse_json(value, where) if isinstance(value, str) else None
        if not isinstance(parsed, dict):
            raise _fail(where, "must be a JSON object written as text")
        if values is not None:
            for key, item in parsed.items():
                values(item, f"{where} ({key})")
        return value
    return check


def _json_list(value: Any, where: str) -> str | None:
    """A JSON list of names stored as text, or null (a funder's mandate: null is any element)."""
    parsed = parse_json(value, where) if isinstance(value, str) else None
    if value is not None and (not isinstance(parsed, list) or not all(isinstance(v, str) for v in parsed)):
        raise _fail(where, "must be a JSON list of element ids written as text, or null")
    return value


def _json_text(value: Any, where: str) -> str:
    """Any JSON value stored as text (its content is checked with the workshop's catalog: _check_content)."""
    if not isinstance(value, str):
        raise _fail(where, "must be JSON written as text")
    parse_json(value, where)
    return value


def _hex64(value: Any, where: str) -> str:
    if not isinstance(value, str) or len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise _fail(where, "must be a chain head (64 hex characters)")
    return value


ID = re.compile(r"[a-z]-[0-9a-z]{4,40}")
HEAD = re.compile(r"[0-9]{1,9}:[0-9a-f]{64}")
FIELDS: dict[str, dict[str, Callable[[Any, str], Any]]] = {
    "workshop": {"id": _id("w"), "name": _text("name"), "budget": _number(0.01, MAX_AMOUNT), "currency": _text("currency"),
                 "status_quo": _json_object(), "constraints": _json_object(required=False), "join_code": _join_code,
                 "state": _choice(STATES), "deviation_threshold": _number(0, 1), "created_at": _time},
    "participants": {"id": _id("u"), "workshop_id": _id("w"), "name": _text("name"), "organization": _text("organization", False),
                     "sector": _text("sector", False), "role": _choice(ROLES), "created_at": _time},
    "proposals": {"id": _id("p"), "workshop_id": _id("w"), "participant_id": _id("u"), "title": _text("title"),
                  "rationale": _text("rationale"), "allocations": _json_object(), "notes": _json_object(values=_text("note")),
                  "origin": _choice(ORIGINS), "origin_details": _json_object(), "assumptions": _json_object(required=False),
                  "parent_id": lambda v, where: None if v is None else _id("p")(v, where), "version": _count, "created_at": _time,
                  "by_funder": _json_object(required=False, values=lambda v, where: _json_object(values=_number(0, MAX_AMOUNT))(json.dumps(v), where))},
    "stances": {"id": _id("s"), "workshop_id": _id("w"), "proposal_id": _id("p"), "participant_id": _id("u"), "stance": _choice(STANCES),
                "reason": _text("reason"), "created_at": _time},
    "decisions": {"id": _id("d"), "workshop_id": _id("w"), "proposal_id": _id("p"), "rationale": _text("rationale"),
                  "justifications": _json_object(values=_text("reason")), "revision_reason": _text("reason", False),
                  "chain_head": _hex64, "created_at": _time},
    "funders": {"id": _id("f"), "workshop_id": _id("w"), "name": _text("name"), "sector": _text("sector", False),
                "amounts": _json_object(values=_number(0, MAX_AMOUNT)), "may_fund": _json_list, "floors": _json_object(values=_number(0, MAX_AMOUNT)),
                "withdrawn_at": lambda v, where: None if v is None else _time(v, where), "created_at": _time},
    "shared_ends": {"id": _id("e"), "workshop_id": _id("w"), "weights": _json_object(values=_number(0, 1000)), "years": _count,
                    "reason": _text("reason", False), "created_at": _time},
    "menus": {"id": _id("m"), "workshop_id": _id("w"), "word": _text("name"), "elements": _json_object(), "line_items": _json_text,
              "reason": _text("reason", False), "created_at": _time},
    "commitments": {"id": _id("c"), "workshop_id": _id("w"), "decision_id": _id("d"), "funder": _text("name"),
                    "amounts": _json_object(values=_number(0, MAX_AMOUNT)), "created_at": _time},
}
TOP_LEVEL = ("format", "schema_version", "exported_at", "chain_head", "head", "workshop", *TABLES, "audit_log")


def _nullable(check: Callable[[Any, str], Any]) -> bool:
    try:
        return check(None, "") is None
    except InputFormatError:
        return False


def _checked_row(table: str, raw: Any, where: str, version: int) -> dict:
    """One row with every field checked, in the table's column order; unknown and missing keys refused by name.

    A file from an older schema `version` may lack a column added since: a nullable one is imported as null."""
    if not isinstance(raw, dict):
        raise _fail(where, "must be an object")
    fields = FIELDS[table]
    for key in raw:
        if key not in fields and key not in CREDENTIALS:
            raise _fail(f"{where}.{str(key)[:80]}", "is not a field this file can have")
    older = version < len(storage.migrations.MIGRATIONS)
    missing = [k for k in fields if k not in raw and not (older and _nullable(fields[k]))]
    if missing:
        why = f" (the file has schema version {version}, and this field has no value to give it)" if older else ""
        raise _fail(f"{where}.{missing[0]}", "is missing" + why)
    return {k: check(raw.get(k), f"{where}.{k}") for k, check in fields.items()}


def _schema_version(data: dict) -> int:
    """The export's schema version; a file from a newer schema than this installation's is refused, naming both."""
    version = data.get("schema_version", UNVERSIONED)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _fail("schema_version", "must be a whole number from 1")
    current = len(storage.migrations.MIGRATIONS)
    if version > current:
        raise InputFormatError(f"The workshop file has schema version {version}, newer than this installation's ({current}): "
                               "update Commons Portfolio before importing it. Nothing was imported.")
    return version


def _checked_export(catalog: Catalog, data: Any) -> dict:
    """The export with every table and field checked, and the references between rows consistent."""
    if not isinstance(data, dict) or data.get("format") not in FORMATS:
        raise InputFormatError(f"This is not a Commons Portfolio workshop export (expected format '{FORMAT}').")
    unknown = [k for k in data if k not in TOP_LEVEL]
    if unknown:
        raise _fail(str(unknown[0])[:80], "is not a part this file can have")
    version = _schema_version(data)
    checked = {"origin_head": _origin_head(data), "workshop": _checked_row("workshop", data.get("workshop"), "workshop", version)}
    for table in TABLES:
        rows = data.get(table, [])
        if not isinstance(rows, list):
            raise _fail(table, "must be a list")
        checked[table] = [_checked_row(table, row, f"{table}[{n}]", version) for n, row in enumerate(rows)]
    if not isinstance(data.get("audit_log", []), list):
        raise _fail("audit_log", "must be a list")
    _check_content(catalog, checked)
    _check_references(checked)
    return checked


def _origin_head(data: dict) -> str:
    """The exported chain's head as 'entries:hash' (older exports: counted from their log), or 'unknown'."""
    head = data.get("head")
    if isinstance(head, str) and HEAD.fullmatch(head):
        return head
    log, chain_head = data.get("audit_log"), data.get("chain_head")
    if isinstance(log, list) and isinstance(chain_head, str) and HEAD.fullmatch(f"{len(log)}:{chain_head}"):
        return f"{len(log)}:{chain_head}"
    return "unknown"


def _check_funding(catalog: Catalog, table: dict[str, dict[str, float]], allocations: dict[str, float]) -> None:
    """A proposal's own funding table (if any) names elements of the catalog and adds up, per element, to the proposal's amounts."""
    for amounts in table.values():
        for element in amounts:
            catalog.index(element)
    for element in catalog.ids if table else ():
        if abs(sum(amounts.get(element, 0.0) for amounts in table.values()) - allocations.get(element, 0.0)) > 0.5:
            raise PortfolioError(f"its funding table does not add up to its amount for {element}")


def _check_content(catalog: Catalog, data: dict) -> None:
    """Portfolios of the catalog: a status quo with a positive total, proposals adding up to the budget, valid assumptions."""
    workshop = data["workshop"]
    try:
        status_quo = portfolio_from_dict(catalog, json.loads(workshop["status_quo"]), "workshop.status_quo")
        make_portfolio(catalog, status_quo.allocations, workshop["budget"])  # scaled to the workshop's budget
        require_positive_total(status_quo, "workshop.status_quo")
    except PortfolioError as err:
        raise _fail("workshop.status_quo", f"is not a status quo of this catalog ({err})") from None
    defaults = default_assumptions(catalog)
    for n, proposal in enumerate(data["proposals"]):
        where = f"proposals[{n}]"
        try:
            make_portfolio(catalog, json.loads(proposal["allocations"]), workshop["budget"], workshop["currency"])
            for element in json.loads(proposal["notes"]):
                catalog.index(element)
            if proposal["assumptions"]:
                with_overrides(defaults, catalog, json.loads(proposal["assumptions"]))
            _check_funding(catalog, json.loads(proposal.get("by_funder") or "{}"), json.loads(proposal["allocations"]))
        except PortfolioError as err:
            raise _fail(where, f"is not a proposal of this workshop ({err})") from None
    for n, funder in enumerate(data["funders"]):
        named = [*json.loads(funder["amounts"]), *json.loads(funder["floors"]), *json.loads(funder["may_fund"] or "[]")]
        unknown = [e for e in named if e not in catalog.ids]
        if unknown:
            raise _fail(f"funders[{n}]", f"names an element this catalog lacks ({str(unknown[0])[:40]})")
    for n, menu in enumerate(data["menus"]):
        try:
            parse_menu(catalog, {"word": menu["word"], "elements": json.loads(menu["elements"]), "line_items": json.loads(menu["line_items"])},
                       status_quo)
        except PortfolioError as err:
            raise _fail(f"menus[{n}]", f"is not a menu of this workshop ({err})") from None


def _check_references(data: dict) -> None:
    """Every row belongs to the workshop, ids are unique, and every reference names a row of the file (parents before versions)."""
    workshop_id = data["workshop"]["id"]
    seen = {workshop_id}
    known: dict[str, set] = {table: set() for table in TABLES}
    links = {"participant_id": "participants", "proposal_id": "proposals", "parent_id": "proposals", "decision_id": "decisions"}
    for table in TABLES:
        for n, row in enumerate(data[table]):
            where = f"{table}[{n}]"
            if row["workshop_id"] != workshop_id:
                raise _fail(f"{where}.workshop_id", "names another workshop")
            if row["id"] in seen:
                raise _fail(f"{where}.id", "is used twice")
            for column, target in links.items():
                if row.get(column) is not None and row[column] not in known[target]:
                    raise _fail(f"{where}.{column}", f"names no earlier row of {target}")
            seen.add(row["id"])
            known[table].add(row["id"])


def safe_cell(value: object) -> object:
    """Neutralize spreadsheet formulas in text cells (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def csv_text(rows: list[dict], columns: list[str]) -> str:
    """Rows as CSV text with a header, spreadsheet formulas neutralized (safe_cell): every CSV the product writes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
    return out.getvalue()


def element_column(element: Element) -> str:
    """A CSV column of amounts, as people read it in a spreadsheet, with the id beside the name for programs: 'Acute care (acute_care)'."""
    return f"{element.name} ({element.id})"


def proposals_csv(catalog: Catalog, data: dict) -> str:
    """One row per proposal version, with its allocations as columns headed by element names in the workshop's words (ids beside them)
    and a readable time."""
    catalog = localized(catalog, latest_menu(data.get("menus", [])))
    people = {p["id"]: p for p in data["participants"]}
    rows = []
    for p in data["proposals"]:
        author = people[p["participant_id"]]
        amounts = json.loads(p["allocations"])
        rows.append({**p, "author": author["name"], "organization": author["organization"], "sector": author["sector"],
                     "saved": readable(p["created_at"]), **{element_column(e): amounts[e.id] for e in catalog.elements}})
    columns = ["id", "version", "parent_id", "title", "author", "organization", "sector", "origin", "saved", "created_at", "rationale",
               *(element_column(e) for e in catalog.elements)]
    return csv_text(rows, columns)


def write_csv_tables(catalog: Catalog, workshop_id: str, folder: Path, path: Path | None = None) -> list[Path]:
    """Every table of the workshop as CSV files in `folder` (without credential hashes, as every export)."""
    return write_tables(csv_tables(catalog, snapshot(workshop_id, path)), folder)


def csv_tables(catalog: Catalog, data: dict) -> dict[str, str]:
    """Every table of a snapshot as CSV text, by file name."""
    files = {"proposals.csv": proposals_csv(catalog, data)}
    files["workshop.csv"] = csv_text([data["workshop"]], list(data["workshop"]))
    files["participants.csv"] = csv_text(data["participants"], ["id", "name", "organization", "sector", "role", "created_at"])
    for table in ("stances", "decisions", "funders", "shared_ends", "menus", "commitments", "audit_log"):
        rows = data[table]
        files[f"{table}.csv"] = csv_text(rows, list(rows[0]) if rows else ["id"])
    return files


def write_tables(files: dict[str, str], folder: Path) -> list[Path]:
    """Write CSV texts (csv_tables) into `folder`; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
        written.append(folder / name)
    return written


def report_record(db: storage.Handle, workshop_id: str) -> dict:
    """What the printable report shows, read through the caller's handle: workshop, proposals, stances, tallies, decisions, head."""
    stances = stances_in(db, workshop_id)
    return {"workshop": workshop_in(db, workshop_id), "proposals": proposals_in(db, workshop_id), "stances": stances,
            "tallies": tally(stances), "decisions": decisions_in(db, workshop_id), "head": audit.head_label(db, workshop_id),
            "funders": funders_in(db, workshop_id), "commitments": commitments_in(db, workshop_id), "menu": menu_in(db, workshop_id)}


def decision_chart(catalog: Catalog, status_quo: dict, proposals: list[dict], chosen: str, titles: dict, budget: float, unit: str) -> str:
    """The decision's portfolio beside the status quo and the residents' vote (the latest proposal made from it), as static SVG."""
    series = {"Status quo": status_quo}
    picked = next((p for p in proposals if p["id"] == chosen), None)
    if picked:
        series[f"Decision: {titles[chosen]}"] = picked["allocations"]
    residents = [p for p in proposals if p["origin"] == "resident_vote"]
    if residents:
        series["Residents' vote"] = residents[-1]["allocations"]
    return f"<figure>{bars_svg(catalog, series, 1e6 if budget >= 1e7 else 1.0, unit)}</figure>"


def constraints_section(catalog: Catalog, workshop, money: Callable[[float], str], unit: str) -> str:
    """The workshop's constraints in words, each with who asked for it (empty when it has none)."""
    document = workshop.constraints or {}
    owners = document.get("owners") or {}
    names = {el.id: el.name for el in catalog.elements}
    words = {"floors": "at least {amount} for {name}", "ceilings": "at most {amount} for {name}", "locks": "{name} kept at {amount}"}
    rows = [(template.format(amount=f"{money(float(amount))} {unit}", name=names.get(element, element)), owners.get(f"{kind}.{element}", ""))
            for kind, template in words.items() for element, amount in (document.get(kind) or {}).items()]
    if document.get("max_change") is not None:
        rows.append((f"no element moves more than {float(document['max_change']):.0%} from the status quo", owners.get("max_change", "")))
    if not rows:
        return ""
    e = html.escape
    body = "".join(f"<tr><td class='text'>{e(what[0].upper() + what[1:])}</td><td class='text'>{e(who) or 'not recorded'}</td></tr>"
                   for what, who in rows)
    return f"<section><h2>Constraints and who asked for them</h2><table><tr><th>Constraint</th><th>Asked by</th></tr>{body}</table></section>"


def definitions_section(catalog: Catalog) -> str:
    """Each element's name, one-line definition and what it covers (its items and local programs), so a reader knows what the money buys."""
    e = html.escape
    rows = "".join(f"<tr><td class='text'>{e(el.name)}</td><td class='text'>{e(el.definition or el.description)}</td>"
                   f"<td class='text'>{e('; '.join(el.items))}</td></tr>" for el in catalog.elements)
    return f"<section><h2>What each element covers</h2><table><tr><th>Element</th><th>Definition</th><th>What it covers</th></tr>{rows}</table></section>"


def html_report(catalog: Catalog, record: dict, projected: dict[str, dict[int, tuple[float, float]]]) -> str:
    """A self-contained printable page: allocations, projections, rationales, stances, decision, chain head.

    `record` comes from report_record; `projected` holds (thriving, suffering) by year for "status quo" and each proposal id.
    Elements are named in the workshop's words (its local menu), with what each covers."""
    catalog = localized(catalog, record.get("menu"))
    workshop, proposals, stances, counts, decided, head = (record[k] for k in ("workshop", "proposals", "stances", "tallies", "decisions", "head"))
    e = html.escape
    money = (lambda v: f"{v / 1e6:,.2f}") if workshop.budget >= 1e7 else (lambda v: f"{v:,.0f}")
    unit = f"million {workshop.currency}" if workshop.budget >= 1e7 else workshop.currency
    names = {el.id: el.name for el in catalog.elements}
    status_quo = workshop.status_quo_portfolio(catalog).allocations
    titles = {p["id"]: f"{p['title']} (v{p['version']})" for p in proposals}
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(workshop.name)}: workshop record</title>",
             "<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}"
             "td,th{border:1px solid #bbb;padding:.3rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}"
             ".text{white-space:pre-wrap;text-align:left}.note{color:#555}.chosen{background:#e8f0fb;font-weight:600}"
             "@media print{section{page-break-inside:avoid}}</style></head><body>",
             f"<h1>{e(workshop.name)}</h1>",
             f"<p>Budget {money(workshop.budget)} {e(unit)} a year · state: {e(workshop.state)} · created {e(readable(workshop.created_at))}</p>",
             f"<p class='note'>Audit chain head (entries:hash): <code>{head}</code>. Keep it: 'audit verify --head' then finds any newest entry "
             "removed later. Projections are illustrative (uncalibrated dynamics).</p>"]
    if decided:
        last = decided[-1]
        parts.append("<section><h2>Decision</h2>")
        parts.append(f"<p>Chosen: <strong>{e(titles.get(last['proposal_id'], last['proposal_id']))}</strong> ({e(readable(last['created_at']))})</p>")
        parts.append(decision_chart(catalog, status_quo, proposals, last["proposal_id"], titles, workshop.budget, unit))
        parts.append(f"<p class='text'>{e(last['rationale'])}</p>")
        if last["revision_reason"]:
            parts.append(f"<p>Revision reason: <span class='text'>{e(last['revision_reason'])}</span></p>")
        for element, why in last["justifications"].items():
            parts.append(f"<p>Departure from the residents' vote on {e(names.get(element, element))}: <span class='text'>{e(why)}</span></p>")
        parts.append(f"<p class='note'>Chain head when decided: <code>{e(last['chain_head'])}</code></p></section>")
    parts.append(f"<section><h2>Allocations ({e(unit)})</h2><table><tr><th>Element</th><th>Status quo</th>")
    chosen = decided[-1]["proposal_id"] if decided else None
    parts += [f"<th class='chosen'>&#9733; Chosen: {e(titles[p['id']])}</th>" if p["id"] == chosen else f"<th>{e(titles[p['id']])}</th>"
              for p in proposals]
    parts.append("</tr>")
    for element in catalog.ids:
        parts.append(f"<tr><td>{e(names[element])}</td><td>{money(status_quo[element])}</td>")
        parts += [f"<td{' class=chosen' if p['id'] == chosen else ''}>{money(p['allocations'][element])}</td>" for p in proposals]
        parts.append("</tr>")
    parts.append("</table></section>")
    parts.append(definitions_section(catalog))
    parts.append(constraints_section(catalog, workshop, money, unit))
    parts.append(funders_section(catalog, record.get("funders", []), record.get("commitments", {})))  # record/funders.py
    parts.append("<section><h2>Projections (illustrative)</h2><table><tr><th>Portfolio</th>")
    years = list(next(iter(projected.values())))
    parts += [f"<th>thriving, year {y}</th>" for y in years] + [f"<th>suffering, year {y}</th>" for y in years] + ["</tr>"]
    for key, values in projected.items():
        label = "Status quo" if key == "status quo" else titles[key]
        parts.append(f"<tr><td>{e(label)}</td>" + "".join(f"<td>{values[y][0]:.1%}</td>" for y in years)
                     + "".join(f"<td>{values[y][1]:.2%}</td>" for y in years) + "</tr>")
    parts.append("</table></section><section><h2>Proposals and their rationales</h2>")
    for p in proposals:
        parts.append(f"<h3>{e(titles[p['id']])}</h3><p>By {e(p['author'])}, {e(p['organization'])} ({e(p['sector'])}) · origin: {e(p['origin'])}"
                     f" · {e(readable(p['created_at']))}</p><p class='text'>{e(p['rationale'])}</p>")
        if p["notes"]:
            parts.append("<ul>" + "".join(f"<li>{e(names.get(k, k))}: <span class='text'>{e(v)}</span></li>" for k, v in p["notes"].items()) + "</ul>")
        tally = counts.get(p["id"], {}).get("by_stance", {})
        if tally:
            parts.append("<p>Stances: " + ", ".join(f"{STANCE_WORDS[s]} {n}" for s, n in tally.items()) + "</p><ul>")
            parts += [f"<li>{e(s['name'])} ({e(s['sector'])}): {STANCE_WORDS[s['stance']]}. <span class='text'>{e(s['reason'])}</span></li>"
                      for s in stances if s["proposal_id"] == p["id"]]
            parts.append("</ul>")
    parts.append("</section></body></html>")
    return "".join(parts)
