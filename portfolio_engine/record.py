"""The workshop record: complete JSON export and import, CSV tables, and a printable HTML report."""

import csv
import html
import io
import json
from pathlib import Path

import numpy as np

from . import audit, storage
from .assumptions import default_assumptions, with_overrides
from .catalog import Catalog
from .dynamics import build_model, simulate
from .errors import InputFormatError
from .keys import code, new_id
from .proposals import STANCE_WORDS, current_stances, tallies
from .workshops import NotFound, get_workshop

FORMAT = "commons-portfolio-workshop/1"
TABLES = ("participants", "proposals", "stances", "decisions")
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def snapshot(workshop_id: str, path: Path | None = None) -> dict:
    """Every stored row of a workshop, as stored, plus its audit log and chain head."""
    with storage.reading(path) as db:
        workshop = storage.select_one(db, "workshops", id=workshop_id)
        if workshop is None:
            raise NotFound(f"No workshop with id '{workshop_id}'.")
        data = {"format": FORMAT, "exported_at": audit.now(), "chain_head": audit.chain_head(db, workshop_id), "workshop": workshop}
        for table in TABLES:
            data[table] = storage.select(db, table, workshop_id=workshop_id)
        data["audit_log"] = storage.select(db, "audit_log", order="seq", workshop_id=workshop_id)
    return data


def export_json(workshop_id: str, path: Path | None = None) -> str:
    return json.dumps(snapshot(workshop_id, path), indent=2, ensure_ascii=False)


def import_json(text: str, path: Path | None = None) -> str:
    """Restore an exported workshop under new ids (so it can sit beside the original); returns the new id.

    Every row is written as exported, with ids renamed consistently (participants' session tokens are
    not carried over); the new audit chain records the import and the original chain head.
    """
    try:
        data = json.loads(text)
    except ValueError as err:
        raise InputFormatError(f"The workshop file is not valid JSON: {err}.") from err
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("workshop"), dict):
        raise InputFormatError(f"This is not a Commons Portfolio workshop export (expected format '{FORMAT}').")
    prefixes = {"participants": "u", "proposals": "p", "stances": "s", "decisions": "d"}
    references = ("id", "workshop_id", "participant_id", "proposal_id", "parent_id")
    try:
        renamed = {data["workshop"]["id"]: new_id("w")}
        for table, prefix in prefixes.items():
            for row in data.get(table, []):
                renamed[row["id"]] = new_id(prefix)
        with storage.writing(path) as db:
            workshop = {**data["workshop"], "id": renamed[data["workshop"]["id"]]}
            while storage.select_one(db, "workshops", join_code=workshop["join_code"]):
                workshop["join_code"] = code(6)
            storage.insert(db, "workshops", workshop)
            origin = f"import of {data['workshop']['id']} (chain head {len(data.get('audit_log', []))}:{data.get('chain_head')})"
            audit.append(db, workshop["id"], origin, "workshop.import", "workshop", workshop["id"], None, workshop)
            for table in TABLES:
                entity = table[:-1]
                for row in data.get(table, []):
                    row = {k: (renamed.get(v, v) if k in references else v) for k, v in row.items()}
                    if table == "participants":
                        row["token_hash"] = None  # a credential, not content: people sign in again
                    storage.insert(db, table, row)
                    audit.append(db, workshop["id"], "import", f"{entity}.import", entity, row["id"], None, row)
    except (KeyError, TypeError) as err:
        raise InputFormatError(f"The workshop file is incomplete: {err}.") from err
    return workshop["id"]


def safe_cell(value: object) -> object:
    """Neutralize spreadsheet formulas in text cells (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def _csv(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
    return out.getvalue()


def proposals_csv(catalog: Catalog, data: dict) -> str:
    """One row per proposal version, with its allocations as columns."""
    people = {p["id"]: p for p in data["participants"]}
    rows = []
    for p in data["proposals"]:
        author = people[p["participant_id"]]
        rows.append({**p, "author": author["name"], "organization": author["organization"], "sector": author["sector"],
                     **json.loads(p["allocations"])})
    columns = ["id", "version", "parent_id", "title", "author", "organization", "sector", "origin", "created_at", "rationale", *catalog.ids]
    return _csv(rows, columns)


def write_csv_tables(catalog: Catalog, workshop_id: str, folder: Path, path: Path | None = None) -> list[Path]:
    """Every table of the workshop as CSV files in `folder` (participants without their token hashes)."""
    data = snapshot(workshop_id, path)
    folder.mkdir(parents=True, exist_ok=True)
    files = {"proposals.csv": proposals_csv(catalog, data)}
    workshop = {k: v for k, v in data["workshop"].items() if k != "passcode_hash"}
    files["workshop.csv"] = _csv([workshop], list(workshop))
    files["participants.csv"] = _csv(data["participants"], ["id", "name", "organization", "sector", "role", "created_at"])
    for table in ("stances", "decisions", "audit_log"):
        rows = data[table]
        files[f"{table}.csv"] = _csv(rows, list(rows[0]) if rows else ["id"])
    written = []
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
        written.append(folder / name)
    return written


def _projections(catalog: Catalog, workshop, proposals: list[dict], years: tuple[int, ...] = (0, 5, 10, 20)) -> dict[str, dict]:
    status_quo = workshop.status_quo_portfolio(catalog)
    rows = [status_quo.vector(catalog)] + [np.array([p["allocations"][i] for i in catalog.ids]) for p in proposals]
    defaults = default_assumptions(catalog)
    model = build_model(catalog, status_quo, defaults)
    base = simulate(model, np.array(rows), max(years)).outputs
    result = {"status quo": {y: (base["thriving"][0, 0, y], base["suffering"][0, 0, y]) for y in years}}
    for n, proposal in enumerate(proposals, start=1):
        if proposal["assumptions"]:  # a proposal saved with edited assumptions is projected under them
            own = build_model(catalog, status_quo, with_overrides(defaults, catalog, proposal["assumptions"]))
            outputs = simulate(own, rows[n], max(years)).outputs
            result[proposal["id"]] = {y: (outputs["thriving"][0, 0, y], outputs["suffering"][0, 0, y]) for y in years}
        else:
            result[proposal["id"]] = {y: (base["thriving"][n, 0, y], base["suffering"][n, 0, y]) for y in years}
    return result


def html_report(catalog: Catalog, workshop_id: str, path: Path | None = None) -> str:
    """A self-contained printable page: allocations, projections, rationales, stances, decision, chain head."""
    from .decisions import decisions
    from .proposals import list_proposals

    workshop = get_workshop(workshop_id, path)
    proposals = list_proposals(workshop_id, path)
    stances = current_stances(workshop_id, path)
    counts = tallies(workshop_id, path)
    decided = decisions(workshop_id, path)
    with storage.reading(path) as db:
        head = audit.chain_head(db, workshop_id)
    e = html.escape
    money = (lambda v: f"{v / 1e6:,.2f}") if workshop.budget >= 1e7 else (lambda v: f"{v:,.0f}")
    unit = f"million {workshop.currency}" if workshop.budget >= 1e7 else workshop.currency
    names = {el.id: el.name for el in catalog.elements}
    status_quo = workshop.status_quo_portfolio(catalog).allocations
    titles = {p["id"]: f"{p['title']} (v{p['version']})" for p in proposals}
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(workshop.name)}: workshop record</title>",
             "<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}"
             "td,th{border:1px solid #bbb;padding:.3rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}"
             ".text{white-space:pre-wrap;text-align:left}.note{color:#555}@media print{section{page-break-inside:avoid}}</style></head><body>",
             f"<h1>{e(workshop.name)}</h1>",
             f"<p>Budget {money(workshop.budget)} {e(unit)} a year · state: {e(workshop.state)} · created {e(workshop.created_at[:10])}</p>",
             f"<p class='note'>Audit chain head: <code>{head}</code>. Projections are illustrative (uncalibrated dynamics).</p>"]
    if decided:
        last = decided[-1]
        parts.append("<section><h2>Decision</h2>")
        parts.append(f"<p>Chosen: <strong>{e(titles.get(last['proposal_id'], last['proposal_id']))}</strong> ({e(last['created_at'][:16])})</p>")
        parts.append(f"<p class='text'>{e(last['rationale'])}</p>")
        if last["revision_reason"]:
            parts.append(f"<p>Revision reason: <span class='text'>{e(last['revision_reason'])}</span></p>")
        for element, why in last["justifications"].items():
            parts.append(f"<p>Departure from the residents' vote on {e(names.get(element, element))}: <span class='text'>{e(why)}</span></p>")
        parts.append(f"<p class='note'>Chain head when decided: <code>{e(last['chain_head'])}</code></p></section>")
    parts.append(f"<section><h2>Allocations ({e(unit)})</h2><table><tr><th>Element</th><th>Status quo</th>")
    parts += [f"<th>{e(titles[p['id']])}</th>" for p in proposals]
    parts.append("</tr>")
    for element in catalog.ids:
        parts.append(f"<tr><td>{e(names[element])}</td><td>{money(status_quo[element])}</td>")
        parts += [f"<td>{money(p['allocations'][element])}</td>" for p in proposals]
        parts.append("</tr>")
    parts.append("</table></section>")
    projected = _projections(catalog, workshop, proposals)
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
                     f" · {e(p['created_at'][:16])}</p><p class='text'>{e(p['rationale'])}</p>")
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
