"""A well-being impact statement for one proposal: what a council member can read in two minutes (issue 12, item 5).

NLC's guide: a data index may accompany any policy proposal. The statement says what the proposal funds against today and
who funds it, what the projection says (milestones against the status quo), what it does in each neighborhood that has data
(each place against its own status quo and its own past, strengths beside gaps, places in alphabetical order: no ranking),
which community indicators the funded elements should move and how the community will know in 1, 3 and 5 years, and the
rationale and stances so far. JSON for scripts, escaped HTML for printing.
"""

import html
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from portfolio_engine.community import views
from portfolio_engine.community.chdb import mapping
from portfolio_engine.community.indicators import values
from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.assumptions import default_assumptions
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.communities import communities_from_values, start_from_dict
from portfolio_engine.model.dynamics import build_model, simulate
from portfolio_engine.model.milestones import headline, milestones
from portfolio_engine.record.funders import list_funders, who_moves_what
from portfolio_engine.record.menu import WORD, current_menu, localized
from portfolio_engine.record.proposals import STANCE_WORDS, current_stances, get_proposal
from portfolio_engine.record.workshops import get_workshop

YEARS = 20
CHECKPOINTS = (1, 3, 5)


def _money(value: float) -> str:
    return f"{value / 1e6:,.2f} million"


def _funds(catalog: Catalog, allocations: dict[str, float], today: dict[str, float]) -> list[dict]:
    return [{"element": e.id, "name": e.name, "family": catalog.family_names[e.family], "definition": e.definition or e.description,
             "today": today.get(e.id, 0.0), "proposed": allocations.get(e.id, 0.0), "change": allocations.get(e.id, 0.0) - today.get(e.id, 0.0)}
            for e in catalog.elements]


def _funders(catalog: Catalog, workshop_id: str, proposal: dict, path: Path | None) -> dict[str, Any]:
    """Who funds the proposal: its own funding table when it has one, else an estimate from its element totals (said in the note)."""
    stewards = list_funders(workshop_id, path)
    if not stewards:
        return {"rows": [], "note": "No funders entered for this workshop yet."}
    try:
        rows = who_moves_what(catalog, stewards, proposal["allocations"], proposal.get("by_funder"))
    except PortfolioError as err:
        return {"rows": [], "note": str(err)}
    if proposal.get("by_funder"):
        return {"rows": rows, "note": "As the proposal says who funds what."}
    return {"rows": rows, "note": "The proposal gives element totals only: each funder is shown moving as little money as it can from today, "
                                  "within its mandate and floors."}


def _at(frame: pd.DataFrame, year: int) -> dict[str, float]:
    row = frame.iloc[min(year, len(frame) - 1)]
    return {"thriving": float(row["thriving"]), "suffering": float(row["suffering"])}


def _projection(proposal: pd.DataFrame, status_quo: pd.DataFrame) -> dict[str, Any]:
    reached = milestones(proposal, status_quo)
    return {"headline": headline(reached), "milestones": reached.to_dict(),
            "checkpoints": {str(y): {"proposal": _at(proposal, y), "status_quo": _at(status_quo, y)} for y in (*CHECKPOINTS, YEARS)},
            "band": None}  # the central run: this model gives no uncertainty band here


def _neighborhoods(model, rows: np.ndarray, data: pd.DataFrame, vital: set[str]) -> list[dict]:
    """Per neighborhood with survey data (alphabetical): its milestones against its own status quo, strengths beside gaps."""
    try:
        start = start_from_dict(communities_from_values(data, vital))
    except PortfolioError:
        return []
    runs = simulate(model, rows, YEARS, start)
    city = data[data["geo_level"] == "city"]
    found = []
    for c, name in enumerate(runs.communities):
        place = data[data["geo_name"] == name]
        strengths, gaps = views.strengths_and_gaps(place, city)
        found.append({"name": name, "headline": headline(milestones(runs.frame(0, c), runs.frame(1, c))),
                      "strengths": strengths.to_dict("records"), "gaps": gaps.to_dict("records")})
    return sorted(found, key=lambda n: n["name"])


def _indicators(catalog: Catalog, funds: list[dict], data: pd.DataFrame) -> list[dict]:
    """For each element the proposal funds more: the indicators that should move, from your data when you have it, else the
    shipped City Health Dashboard mapping; how the community will know at each checkpoint (against its own latest value)."""
    shipped = mapping()
    found = []
    for row in funds:
        if row["change"] <= 0:
            continue
        own = data[(data["vital_condition"] == row["element"]) & (data["geo_level"] == "city") & (data["group_type"] == "total")
                   & (data["value_status"] == "ok")] if not data.empty else data
        if not own.empty:
            latest = own.sort_values("period_end").groupby("indicator_id").tail(1)
            measures = [{"indicator": r.indicator_name, "baseline": float(r.value), "period": r.period_label, "unit": r.unit,
                         "better_when": "higher" if r.higher_is_better == 1 else "lower" if r.higher_is_better == 0 else "see its definition"}
                        for r in latest.itertuples()]
        else:
            mapped = shipped[shipped["vital_condition"] == row["element"]]
            measures = [{"indicator": r.metric_name, "baseline": None, "period": None, "unit": r.unit,
                         "better_when": "higher" if r.higher_is_better == "1" else "lower", "why": r.why} for r in mapped.itertuples()]
        if measures:
            names = ", ".join(m["indicator"] for m in measures)
            found.append({"element": row["element"], "name": row["name"], "measures": measures,
                          "how_we_will_know": {str(y): f"In year {y}: compare {names} with their own baseline; the statement's projection "
                                                       f"for year {y} is the yardstick, not other places." for y in CHECKPOINTS}})
    return found


def statement(catalog: Catalog, workshop_id: str, proposal_id: str, path: Path | None = None) -> dict[str, Any]:
    """The statement's content for one proposal of a workshop, in the workshop's words (its menu: element names, definitions, its
    word for well-being); every number in currency units or population shares."""
    workshop = get_workshop(workshop_id, path)
    menu = current_menu(workshop_id, path)
    catalog = localized(catalog, menu)
    proposal = get_proposal(workshop_id, proposal_id, path)
    status_quo = workshop.status_quo_portfolio(catalog)
    funds = _funds(catalog, proposal["allocations"], status_quo.allocations)
    model = build_model(catalog, status_quo, default_assumptions(catalog))
    rows = np.array([[proposal["allocations"].get(i, 0.0) for i in catalog.ids], [status_quo.allocations.get(i, 0.0) for i in catalog.ids]])
    runs = simulate(model, rows, YEARS)
    data = values(path=path)
    vital = set(catalog.in_family("vital_conditions"))
    stances = [s for s in current_stances(workshop_id, path) if s["proposal_id"] == proposal_id]
    return {
        "workshop": workshop.name, "currency": workshop.currency, "word": menu.word if menu else WORD,
        "proposal": {k: proposal[k] for k in ("id", "title", "author", "organization", "version", "rationale", "created_at")},
        "funds": funds,
        "funders": _funders(catalog, workshop_id, proposal, path),
        "projection": _projection(runs.frame(0), runs.frame(1)),
        "neighborhoods": _neighborhoods(model, rows, data, vital) if not data.empty else [],
        "indicators": _indicators(catalog, funds, data),
        "stances": [{"who": s["name"], "sector": s["sector"], "stance": STANCE_WORDS[s["stance"]], "reason": s["reason"]} for s in stances],
    }


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _baseline(measure: dict) -> str:
    return f"baseline {measure['baseline']:.3g} in {measure['period']}" if measure["baseline"] is not None else "no local value yet"


def to_html(content: dict[str, Any]) -> str:
    """The statement as one printable page; every text from people or data is escaped."""
    e = html.escape
    p = content["proposal"]
    parts = [f"<h1>{e(content['word'].capitalize())} impact statement: {e(p['title'])}</h1>",
             f"<p>{e(content['workshop'])} · proposed by {e(p['author'])}{' (' + e(p['organization']) + ')' if p['organization'] else ''}, "
             f"version {p['version']}</p>", f"<h2>Why</h2><p>{e(p['rationale'])}</p>",
             "<h2>What it funds, against today</h2>",
             _table(["Element", "What it covers", "Today", "Proposed", "Change"],
                    [[r["name"], r["definition"], _money(r["today"]), _money(r["proposed"]), f"{r['change'] / 1e6:+,.2f} million"] for r in content["funds"]])]
    funders = content["funders"]
    parts.append(f"<h2>Who funds it</h2><p>{e(funders['note'])}</p>")
    if funders["rows"]:
        parts.append(_table(["Funder", "Element", "Today", "Proposed", "Change", "Funded with"],
                            [[r["funder"], r["element"], _money(r["today"]), _money(r["proposed"]), f"{r['change'] / 1e6:+,.2f} million", r["with"]]
                             for r in funders["rows"]]))
    projection = content["projection"]
    parts.append(f"<h2>What the projection says</h2><p>{e(projection['headline'])}</p>")
    parts.append(_table(["Year", "Thriving (proposal)", "Thriving (status quo)", "Suffering (proposal)", "Suffering (status quo)"],
                        [[y, f"{c['proposal']['thriving']:.1%}", f"{c['status_quo']['thriving']:.1%}", f"{c['proposal']['suffering']:.2%}",
                          f"{c['status_quo']['suffering']:.2%}"] for y, c in projection["checkpoints"].items()]))
    parts.append("<h2>In each neighborhood</h2>")
    if not content["neighborhoods"]:
        parts.append("<p>No neighborhood survey data yet: import a resident survey by neighborhood to see each place against its own status quo.</p>")
    for n in content["neighborhoods"]:
        strengths = "; ".join(f"{s['indicator']} ({s['why']})" for s in n["strengths"]) or "none recorded yet"
        gaps = "; ".join(f"{g['indicator']} ({g['why']})" for g in n["gaps"]) or "none recorded yet"
        parts.append(f"<h3>{e(n['name'])}</h3><p>{e(n['headline'])}</p><p>Strengths: {e(strengths)}</p><p>Gaps: {e(gaps)}</p>")
    parts.append("<h2>How the community will know</h2>")
    for item in content["indicators"]:
        measures = "; ".join(f"{m['indicator']} ({_baseline(m)}, better when {m['better_when']})" for m in item["measures"])
        checks = "".join(f"<li>{e(text)}</li>" for text in item["how_we_will_know"].values())
        parts.append(f"<h3>{e(item['name'])}</h3><p>{e(measures)}</p><ul>{checks}</ul>")
    parts.append("<h2>Stances so far</h2>")
    parts.append(_table(["Who", "Sector", "Stance", "Why"], [[s["who"], s["sector"], s["stance"], s["reason"]] for s in content["stances"]])
                 if content["stances"] else "<p>No stances yet.</p>")
    style = "body{font-family:sans-serif;max-width:60rem;margin:2rem auto}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .4rem}"
    head = f"<head><meta charset='utf-8'><title>{e(p['title'])}</title><style>{style}</style></head>"
    return f"<!doctype html><html lang='en'>{head}<body>{''.join(parts)}</body></html>"
