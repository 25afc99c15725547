"""Shared ends first: the outcomes a workshop's room agrees matter, and how much, before anyone argues about means.

ReThink Health: "even if all parties agree on common ends, they may disagree ... about the best means". The room records
its ends as weights on the optimizer's objective kinds (thriving, less suffering, lower cost of harm, closing gaps between
neighborhoods, closeness to the residents' vote) at a horizon; they become the Optimize page's default objective and the
lens of Compare. The first version needs no reason; every later one is a revision with its reason. Versions are kept.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from portfolio_engine import storage
from portfolio_engine.errors import InputFormatError, NotAllowed
from portfolio_engine.model.assumptions import default_assumptions
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.dynamics import build_model, simulate
from portfolio_engine.model.portfolio import Portfolio
from portfolio_engine.optimizer.constraints import DEFAULT_YEARS, OBJECTIVE_KINDS, WEIGHT_RANGE, Term
from portfolio_engine.record import audit
from portfolio_engine.record.proposals import intact_workshop
from portfolio_engine.record.workshops import authorize, text
from portfolio_engine.security.access import Grant
from portfolio_engine.security.keys import new_id
from portfolio_engine.voting.results import results
from portfolio_engine.voting.votes import get_vote

ENDS = {  # the room's words for each end, keyed by the optimizer's objective kind
    "thriving_at_year": "More people thriving",
    "suffering_years": "Less suffering",
    "urgent_cost": "Lower cost of harm",
    "equity": "Closing gaps between neighborhoods",
    "closeness_to_vote": "Closeness to the residents' vote",
}


@dataclass(frozen=True)
class Ends:
    """The agreed ends: a weight per end (only those that matter) and the horizon in years."""

    weights: dict[str, float]
    years: int = DEFAULT_YEARS

    def to_dict(self) -> dict[str, Any]:
        return {"years": self.years, "weights": dict(self.weights)}

    def sentence(self) -> str:
        """Plain words: "Less suffering (weight 2), more people thriving (weight 1), over 20 years"."""
        parts = [f"{ENDS[k]} (weight {w:g})" for k, w in sorted(self.weights.items(), key=lambda kw: -kw[1])]
        return ", ".join([parts[0], *(p[0].lower() + p[1:] for p in parts[1:])]) + f", over {self.years} years"


def parse_ends(raw: Any) -> Ends:
    """`{"years": 20, "weights": {"suffering_years": 2, "thriving_at_year": 1}}`; weights of 0 are dropped, one must be above 0."""
    if not isinstance(raw, dict) or not isinstance(raw.get("weights"), dict) or set(raw) - {"years", "weights"}:
        raise InputFormatError('Ends are written {"years": 20, "weights": {"suffering_years": 2, "thriving_at_year": 1}}. Nothing was saved.')
    years = raw.get("years", DEFAULT_YEARS)
    if isinstance(years, bool) or not isinstance(years, int | float) or years != int(years) or not 1 <= years <= 200:
        raise InputFormatError(f"The horizon must be a whole number of years from 1 to 200, got {years!r}. Nothing was saved.")
    weights = {}
    for kind, weight in raw["weights"].items():
        if kind not in ENDS:
            known = "; ".join(f"{k} ({words})" for k, words in ENDS.items())
            raise InputFormatError(f"Unknown end '{str(kind)[:60]}'. Ends: {known}. Nothing was saved.")
        low, high = WEIGHT_RANGE
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not (weight == 0 or low <= weight <= high):
            raise InputFormatError(f"{ENDS[kind]}: the weight must be 0 or a number from {low:g} to {high:g}, got {weight!r}. Nothing was saved.")
        if weight > 0:
            weights[kind] = float(weight)
    if not weights:
        raise InputFormatError("At least one end needs a weight above 0. Nothing was saved.")
    return Ends(weights, int(years))


def set_ends(workshop_id: str, ends: Ends, reason: str | None, passcode: str | None, path: Path | None = None, *,
             grant: Grant | None = None) -> dict:
    """Record the room's ends (facilitator only); a change after the first version is a revision and needs its reason."""
    authorize(workshop_id, passcode, grant, path)
    reason = text(reason, "reason", required=False) or None
    with storage.writing(path) as db:
        workshop = intact_workshop(db, workshop_id)
        if workshop.state == "archived":
            raise NotAllowed("The workshop is archived: its ends can no longer change.")
        earlier = storage.select(db, "shared_ends", workshop_id=workshop_id)
        if earlier and not reason:
            raise InputFormatError("The room already agreed its ends: changing them is a revision and needs a reason. Nothing was saved.")
        row: dict[str, Any] = {"id": new_id("e"), "workshop_id": workshop_id, "weights": audit.canonical(ends.weights), "years": ends.years,
               "reason": reason, "created_at": audit.now()}
        storage.insert(db, "shared_ends", row)
        audit.append(db, workshop_id, "facilitator", "ends.revise" if earlier else "ends.set", "shared_end", row["id"], None, row)
    return row


FAMILY_ENDS = {  # what residents who give a family more points ask for, as an end
    "vital_conditions": "thriving_at_year",  # vital conditions: what everyone needs to thrive
    "urgent_services": "suffering_years",  # urgent services: relief for people in crisis
    "civic_muscle": "equity",  # belonging and civic muscle: no neighborhood left behind
}
VOTE_SCALE = 10  # a family's whole share is weight 10: the Facilitate fields' range


def ends_from_vote(catalog: Catalog, workshop_id: str, vote_id: str, path: Path | None = None) -> tuple[Ends, str]:
    """Ends proposed from a closed resident split vote of the workshop, and the reason to record with them (the vote's fingerprint).

    Each family's share of the residents' points becomes the weight of the end it serves (FAMILY_ENDS), on a 0-10 scale."""

    vote = get_vote(vote_id, path)
    if vote.workshop_id != workshop_id:
        raise InputFormatError(f"Vote {vote_id} is not one of this workshop's votes. Nothing was saved.")
    if vote.ballot != "split":
        raise InputFormatError(f"Vote {vote_id} ({vote.title}) chose projects: only a split vote says how much each part matters. Nothing was saved.")
    if vote.state not in ("closed", "purged"):
        raise InputFormatError(f"Vote {vote_id} ({vote.title}) is still {vote.state}: close it first, then propose the ends. Nothing was saved.")
    outcome = results(vote_id, catalog, path)
    if "allocations" not in outcome["result"]:
        raise InputFormatError(f"Vote {vote_id} ({vote.title}) has no result to propose ends from "
                               f"({outcome['result'].get('no_result', 'no ballots')}). Nothing was saved.")
    amounts = outcome["result"]["allocations"]
    families = {f: sum(v for k, v in amounts.items() if k == f or (k in catalog.ids and catalog.elements[catalog.index(k)].family == f))
                for f in FAMILY_ENDS}
    total = sum(families.values()) or 1.0
    shares = {f: v / total for f, v in families.items()}
    weights = {FAMILY_ENDS[f]: round(share * VOTE_SCALE, 1) for f, share in shares.items() if round(share * VOTE_SCALE, 1) > 0}
    ends = parse_ends({"years": DEFAULT_YEARS, "weights": weights})
    given = ", ".join(f"{catalog.family_names[f]} {share:.0%}" for f, share in shares.items())
    reason = (f"Proposed from the residents' vote '{vote.title}' ({outcome['turnout']['ballots']} ballots, counted with {vote.rule}, "
              f"rules fingerprint {(vote.rules_hash or '')[:12]}): {given}.")
    return ends, reason


def _ends(row: dict) -> Ends:
    return Ends(json.loads(row["weights"]), int(row["years"]))


def ends_history(workshop_id: str, path: Path | None = None) -> list[dict]:
    """Every version, oldest first: {ends, reason, created_at}."""
    with storage.reading(path) as db:
        rows = storage.select(db, "shared_ends", workshop_id=workshop_id)
    return [{"ends": _ends(r), "reason": r["reason"], "created_at": r["created_at"]} for r in rows]


def current_ends(workshop_id: str, path: Path | None = None) -> Ends | None:
    """The latest agreed ends, or None before the room has agreed any."""
    history = ends_history(workshop_id, path)
    return history[-1]["ends"] if history else None


def objective(ends: Ends, vote: dict[str, float] | None = None, communities: bool = False) -> tuple[dict, list[str]]:
    """The optimizer's objective for these ends, and the ends left out for want of data (the residents' vote, neighborhood data)."""
    terms, left_out = [], []
    for kind, weight in ends.weights.items():
        if (kind == "closeness_to_vote" and not vote) or (OBJECTIVE_KINDS[kind].needs_communities and not communities):
            left_out.append(ENDS[kind])
            continue
        term: dict[str, Any] = {"kind": kind, "years": ends.years, "weight": weight}
        if kind == "closeness_to_vote":
            term["target"] = dict(vote or {})
        terms.append(term)
    return {"terms": terms}, left_out


def _value(kind: str, value: float) -> str:
    """An end's value in plain units: shares as percentages, people-years of suffering as shares of a year, money in millions."""
    if kind in ("thriving_at_year", "equity"):
        return f"{value:.1%} thriving"
    if kind == "suffering_years":
        return f"{value:.3f} population-years suffering"
    return f"{value / 1e6:,.1f} million"


def lens(catalog: Catalog, ends: Ends, status_quo: Portfolio, portfolios: Mapping[str, Mapping[str, float]], vote: dict[str, float] | None = None
         ) -> list[dict]:
    """How each portfolio does on the ends the room agreed, each against the status quo (better or worse on that end), never ranked.

    Rows: end (its words), weight, portfolio, value (plain units), verdict. Ends without their data (the vote, neighborhoods) are left out."""
    goal, _ = objective(ends, vote)
    terms = [Term(t["kind"], t["years"], t["weight"], np.array([vote.get(i, 0.0) for i in catalog.ids]) if t["kind"] == "closeness_to_vote" and vote
                  else None) for t in goal["terms"]]
    if not terms:
        return []
    names = list(portfolios)
    amounts = np.array([[portfolios[n].get(i, 0.0) for i in catalog.ids] for n in names] + [[status_quo.allocations.get(i, 0.0) for i in catalog.ids]])
    model = build_model(catalog, status_quo, default_assumptions(catalog))
    outputs = simulate(model, amounts, max(t.years for t in terms)).outputs
    rows = []
    for term in terms:
        values = OBJECTIVE_KINDS[term.kind].value(outputs, amounts, term)
        for n, name in enumerate(names):
            change = (values[n] - values[-1]) * term.sense
            verdict = "about the same as the status quo" if abs(change) <= 1e-9 * max(abs(values[-1]), 1.0) else \
                "better than the status quo" if change > 0 else "worse than the status quo"
            rows.append({"end": ENDS[term.kind], "weight": term.weight, "portfolio": name, "value": _value(term.kind, float(values[n])), "verdict": verdict})
    return rows
