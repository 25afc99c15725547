"""Resident votes: set-up, frozen rules, one-time voter codes, casting with receipts, paper ballots, results.

Only keyed hashes of voter codes and receipts are stored (HMAC with the installation's key, kept
outside the database), so a stolen database file reveals neither. Opening a vote freezes its rules
and records their content hash; a code casts one ballot (a re-vote replaces it when the vote allows,
history kept, the last counts).
"""

import csv
import hashlib
import io
import json
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from .. import audit, storage
from ..catalog import FAMILIES, Catalog
from ..errors import InputFormatError, PortfolioError
from ..keys import check_passcode, code, hash_passcode, keyed_hash, new_id
from ..workshops import MIN_PASSCODE, NotAllowed, NotFound, authenticate, text
from . import pabulib, project_rules, split_rules

BALLOTS = ("split", "knapsack", "approval", "cumulative")
RULE_WORDS = {
    "mean": "Each ballot counts equally; the result is the average split. Easy to explain, but a group can exaggerate to pull it.",
    "median": "Each category gets the middle value of all ballots, then the whole is rescaled to the budget. Hard to pull by one "
              "extreme ballot, but not strategy-proof once rescaled.",
    "independent-markets": "A truthful rule: no one gains by misstating their split, and groups who agree get their proportional "
                           "share of the budget.",
    "welfare-phantoms": "A truthful rule that leans toward the split most residents are close to.",
    "greedy": "Projects with the most votes are funded first, skipping any that no longer fit the budget.",
    "mes": "The Method of Equal Shares: each voter controls an equal share of the budget and projects are funded by the voters who "
           "support them, so every group gets a fair share.",
    "mes-add1": "Equal Shares, completed as real cities do: voters' shares are raised step by step until the budget is used as "
                "fully as possible.",
    "mes-add1-greedy": "Equal Shares with its completion, then any money left funds the most voted projects that still fit.",
}
PROJECT_RULES = ("greedy", "mes", "mes-add1", "mes-add1-greedy")
SMALL_GROUP = 5
CODE_LENGTH = 10
BUNDLE_FORMAT = "commons-portfolio-vote-bundle/1"


@dataclass(frozen=True)
class Vote:
    id: str
    workshop_id: str | None
    title: str
    ballot: str
    rule: str
    budget: float
    currency: str
    options: dict
    projects: list[dict]
    state: str
    rules_hash: str | None
    created_at: str

    def rules(self) -> dict:
        """What opening the vote freezes (and what the content hash covers)."""
        return {"title": self.title, "ballot": self.ballot, "rule": self.rule, "budget": self.budget, "currency": self.currency,
                "options": self.options, "projects": self.projects}

    def categories(self, catalog: Catalog) -> tuple[str, ...]:
        if self.ballot != "split":
            return tuple(p["id"] for p in self.projects)
        return FAMILIES if self.options.get("split_over") == "families" else catalog.ids


def rules_hash(rules: dict) -> str:
    return hashlib.sha256(audit.canonical(rules).encode()).hexdigest()


def _vote(row: dict) -> Vote:
    return Vote(row["id"], row["workshop_id"], row["title"], row["ballot"], row["rule"], row["budget"], row["currency"],
                json.loads(row["options"]), json.loads(row["projects"]), row["state"], row["rules_hash"], row["created_at"])


def _identified_rows(rows: list[dict], column: str):
    """(line, id, row) for each CSV row, refusing a missing or repeated id with its line (the header is line 1)."""
    seen = set()
    for line, row in enumerate(rows, start=2):
        row_id = (row.get(column) or "").strip()
        if not row_id or row_id in seen:
            raise InputFormatError(f"Line {line}: {column} {row_id!r} is missing or repeated.")
        seen.add(row_id)
        yield line, row_id, row


def read_projects(catalog: Catalog, text_: str) -> list[dict]:
    """Costed projects from CSV: project_id, name, cost, element (a portfolio element id)."""
    rows = list(csv.DictReader(io.StringIO(text_)))
    if not rows or not {"project_id", "cost", "element"} <= set(rows[0]):
        raise InputFormatError("The projects file needs columns project_id, name, cost and element.")
    projects = []
    for line, project_id, row in _identified_rows(rows, "project_id"):
        try:
            cost = float(row["cost"])
        except ValueError:
            raise InputFormatError(f"Line {line}, column 'cost': {row['cost']!r} is not a number.") from None
        if not math.isfinite(cost) or cost <= 0:
            raise InputFormatError(f"Line {line}, column 'cost': the cost must be above 0.")
        catalog.index(row["element"].strip())
        projects.append({"id": project_id, "name": (row.get("name") or project_id).strip(), "cost": cost, "element": row["element"].strip()})
    return projects


def create_vote(catalog: Catalog, title: str, ballot: str, rule: str, budget: float, workshop_id: str | None = None,
                passcode: str | None = None, currency: str = "USD", projects: list[dict] | None = None, split_over: str = "elements",
                min_projects: int | None = None, max_projects: int | None = None, points: int | None = None,
                min_spend_share: float | None = None, allow_revote: bool = True, path: Path | None = None) -> Vote:
    """A draft vote. Inside a workshop the workshop's passcode authorizes; on its own it gets its own passcode."""
    if ballot not in BALLOTS:
        raise PortfolioError(f"Unknown ballot '{ballot}'. Ballots: {', '.join(BALLOTS)}.")
    allowed = split_rules.RULES if ballot == "split" else PROJECT_RULES
    if rule not in allowed:
        raise PortfolioError(f"The {ballot} ballot is counted with {', '.join(allowed)}; got '{rule}'.")
    if not budget or budget <= 0 or not math.isfinite(budget):
        raise PortfolioError("The budget must be above 0.")
    if split_over not in ("elements", "families"):
        raise PortfolioError("A split ballot divides the budget over 'elements' or 'families'.")
    projects = projects or []
    if ballot != "split" and not projects:
        raise PortfolioError(f"A {ballot} ballot needs costed projects (--projects FILE.csv).")
    if ballot == "cumulative" and (not points or points <= 0):
        raise PortfolioError("A cumulative ballot needs the number of points each voter gives (--points).")
    if min_projects and max_projects and min_projects > max_projects:
        raise PortfolioError("The minimum number of projects is above the maximum.")
    if min_spend_share is not None and not 0 <= min_spend_share <= 1:
        raise PortfolioError("The minimum spend is a share of the budget between 0 and 1.")
    if workshop_id:
        authenticate(workshop_id, passcode or "", path)
        passcode_hash = None
    else:
        if len(passcode or "") < MIN_PASSCODE:
            raise PortfolioError(f"A vote outside a workshop needs its own passcode of at least {MIN_PASSCODE} characters.")
        passcode_hash = hash_passcode(passcode)
    options = {"split_over": split_over, "min_projects": min_projects, "max_projects": max_projects, "points": points,
               "min_spend_share": min_spend_share, "allow_revote": allow_revote}
    row = {"id": new_id("v"), "workshop_id": workshop_id, "title": text(title, "title"), "ballot": ballot, "rule": rule,
           "budget": float(budget), "currency": currency, "options": audit.canonical(options), "projects": audit.canonical(projects),
           "state": "draft", "rules_hash": None, "passcode_hash": passcode_hash, "created_at": audit.now(), "opened_at": None,
           "closed_at": None}
    with storage.writing(path) as db:
        storage.insert(db, "votes", row)
    return _vote(row)


def get_vote(vote_id: str, path: Path | None = None) -> Vote:
    with storage.reading(path) as db:
        row = storage.select_one(db, "votes", id=vote_id)
    if row is None:
        raise NotFound(f"No vote with id '{vote_id}'.")
    return _vote(row)


def list_votes(path: Path | None = None, state: str | None = None) -> list[Vote]:
    with storage.reading(path) as db:
        rows = storage.select(db, "votes", **({"state": state} if state else {}))
    return [_vote(r) for r in rows]


def _authorize(db, vote_id: str, passcode: str, path: Path | None) -> dict:
    row = storage.select_one(db, "votes", id=vote_id)
    if row is None:
        raise NotFound(f"No vote with id '{vote_id}'.")
    if row["workshop_id"]:
        authenticate(row["workshop_id"], passcode or "", path)
    elif not check_passcode(passcode or "", row["passcode_hash"]):
        raise NotAllowed("Wrong passcode for this vote.")
    return row


def change_rules(vote_id: str, passcode: str, path: Path | None = None, **changes) -> Vote:
    """Edit a draft's rule, budget or options; refused once the vote is open (its rules are frozen)."""
    with storage.writing(path) as db:
        row = _authorize(db, vote_id, passcode, path)
        if row["state"] != "draft":
            raise NotAllowed(f"The vote is {row['state']}: its rules were frozen when it opened (hash {row['rules_hash'][:12]}...).")
        update = {k: (audit.canonical(v) if k in ("options", "projects") else v) for k, v in changes.items()
                  if k in ("rule", "budget", "options", "projects", "title")}
        storage.update(db, "votes", vote_id, update)
        return _vote(storage.select_one(db, "votes", id=vote_id))


def _move(vote_id: str, passcode: str, target: str, path: Path | None) -> Vote:
    """draft -> open (freezing and fingerprinting the rules) -> closed."""
    source = {"open": "draft", "closed": "open"}[target]
    with storage.writing(path) as db:
        row = _authorize(db, vote_id, passcode, path)
        if row["state"] != source:
            raise NotAllowed(f"Only a {source} vote can become {target}; this one is {row['state']}.")
        changes = {"state": target, "opened_at" if target == "open" else "closed_at": audit.now()}
        if target == "open":
            changes["rules_hash"] = rules_hash(_vote(row).rules())
        storage.update(db, "votes", vote_id, changes)
        return _vote(storage.select_one(db, "votes", id=vote_id))


def open_vote(vote_id: str, passcode: str, path: Path | None = None) -> Vote:
    return _move(vote_id, passcode, "open", path)


def close_vote(vote_id: str, passcode: str, path: Path | None = None) -> Vote:
    return _move(vote_id, passcode, "closed", path)


def generate_codes(vote_id: str, count: int, passcode: str, path: Path | None = None) -> list[str]:
    """N one-time voter codes; only their keyed hashes are stored."""
    if not 1 <= count <= 100_000:
        raise PortfolioError("Generate between 1 and 100,000 codes at a time.")
    codes = []
    with storage.writing(path) as db:
        row = _authorize(db, vote_id, passcode, path)
        if row["state"] == "closed":
            raise NotAllowed("The vote is closed: no new codes.")
        now = audit.now()
        while len(codes) < count:
            candidate = code(CODE_LENGTH)
            hashed = keyed_hash(f"code:{candidate}")
            if storage.select_one(db, "voter_codes", code_hash=hashed) is None:
                storage.insert(db, "voter_codes", {"code_hash": hashed, "vote_id": vote_id, "created_at": now})
                codes.append(candidate)
    return codes


def retry_delay(failures: int) -> float:
    """Seconds to wait before checking another code after repeated wrong ones from one browser session."""
    return 0.0 if failures < 3 else float(min(2 ** (failures - 3), 30))


def normalize_code(value: str) -> str:
    return "".join(ch for ch in str(value).upper() if ch.isalnum())


def validate_ballot(vote: Vote, catalog: Catalog, raw: dict) -> dict:
    """The ballot's content in a canonical form, or a clear message of what is wrong with it."""
    if not isinstance(raw, dict):
        raise InputFormatError("A ballot is a JSON object.")
    options = vote.options
    if vote.ballot == "split":
        amounts = raw.get("allocations")
        if not isinstance(amounts, dict) or not amounts:
            raise InputFormatError("A split ballot is {\"allocations\": {category: amount}}.")
        categories = vote.categories(catalog)
        unknown = [k for k in amounts if k not in categories]
        if unknown:
            raise InputFormatError(f"Unknown categor{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)}; this vote splits over {', '.join(categories)}.")
        clean = {}
        for key in categories:
            try:
                value = float(amounts.get(key, 0))
            except (TypeError, ValueError):
                raise InputFormatError(f"'{key}': {amounts.get(key)!r} is not a number.") from None
            if not math.isfinite(value) or value < 0:
                raise InputFormatError(f"'{key}': amounts must be 0 or more.")
            clean[key] = value
        if sum(clean.values()) <= 0:
            raise InputFormatError("Give something to at least one category.")
        return {"allocations": clean}
    ids = {p["id"]: p for p in vote.projects}
    if vote.ballot == "cumulative":
        given = raw.get("points")
        if not isinstance(given, dict):
            raise InputFormatError("A cumulative ballot is {\"points\": {project: points}}.")
        clean = {}
        for key, value in given.items():
            if key not in ids:
                raise InputFormatError(f"Unknown project '{key}'.")
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InputFormatError(f"Project '{key}': points are whole numbers, 0 or more.")
            if value:
                clean[key] = value
        if sum(clean.values()) != options["points"]:
            raise InputFormatError(f"Give exactly {options['points']} points in all (this ballot gives {sum(clean.values())}).")
        if options.get("min_projects") and len(clean) < options["min_projects"]:
            raise InputFormatError(f"Spread your points over at least {options['min_projects']} projects.")
        return {"points": dict(sorted(clean.items()))}
    chosen = raw.get("projects")
    if not isinstance(chosen, list) or len(set(map(str, chosen))) != len(chosen):
        raise InputFormatError("A project ballot is {\"projects\": [project ids, each once]}.")
    chosen = [str(p) for p in chosen]
    unknown = [p for p in chosen if p not in ids]
    if unknown:
        raise InputFormatError(f"Unknown project(s) {', '.join(unknown)}.")
    if options.get("min_projects") and len(chosen) < options["min_projects"]:
        raise InputFormatError(f"Choose at least {options['min_projects']} projects.")
    if options.get("max_projects") and len(chosen) > options["max_projects"]:
        raise InputFormatError(f"Choose at most {options['max_projects']} projects.")
    if vote.ballot == "knapsack":
        total = sum(ids[p]["cost"] for p in chosen)
        if total > vote.budget + 1e-9:
            raise InputFormatError(f"These projects cost {total:,.0f}, more than the budget of {vote.budget:,.0f}.")
        if options.get("min_spend_share") and total < options["min_spend_share"] * vote.budget - 1e-9:
            raise InputFormatError(f"Spend at least {options['min_spend_share']:.0%} of the budget ({options['min_spend_share'] * vote.budget:,.0f}).")
    return {"projects": sorted(chosen)}


def cast(catalog: Catalog, vote_id: str, voter_code: str, raw: dict, neighborhood: str = "", group: str = "", why: str = "",
         path: Path | None = None) -> str:
    """Record one ballot for a code; returns the receipt code the voter can check later."""
    hashed = keyed_hash(f"code:{normalize_code(voter_code)}")
    receipt = code(CODE_LENGTH)
    with storage.writing(path) as db:
        row = storage.select_one(db, "votes", id=vote_id)
        if row is None:
            raise NotFound(f"No vote with id '{vote_id}'.")
        vote = _vote(row)
        if vote.state != "open":
            raise NotAllowed("This vote is closed: it accepts no more ballots." if vote.state == "closed" else "This vote has not opened yet.")
        if storage.select_one(db, "voter_codes", code_hash=hashed, vote_id=vote_id) is None:
            raise NotAllowed("That voter code is not valid for this vote. Check it and try again.")
        content = validate_ballot(vote, catalog, raw)
        previous = storage.select(db, "ballots", vote_id=vote_id, code_hash=hashed, current=1)
        if previous and not vote.options.get("allow_revote"):
            raise NotAllowed("This code has already voted, and this vote does not allow changing a ballot.")
        for old in previous:
            storage.update(db, "ballots", old["id"], {"current": 0})
        storage.insert(db, "ballots", {
            "id": new_id("b"), "vote_id": vote_id, "code_hash": hashed, "paper_id": None, "receipt_hash": keyed_hash(f"receipt:{receipt}"),
            "content": audit.canonical(content), "neighborhood": text(neighborhood, "name", required=False),
            "group_name": text(group, "name", required=False), "why": text(why, "reason", required=False), "paper": 0, "current": 1,
            "created_at": audit.now()})
    return receipt


def import_paper(catalog: Catalog, vote_id: str, csv_text: str, passcode: str, path: Path | None = None) -> int:
    """Paper ballots (one row each: paper_id plus the ballot's columns), all or nothing; returns how many."""
    vote = get_vote(vote_id, path)
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    if not rows or "paper_id" not in rows[0]:
        raise InputFormatError("The paper ballots file needs a paper_id column plus one column per category or project.")
    categories = vote.categories(catalog)
    unknown = [c for c in rows[0] if c not in ("paper_id", "neighborhood", "group", "why") and c not in categories]
    if unknown:
        raise InputFormatError(f"Unknown column(s) {', '.join(unknown)}.")
    records = []
    for line, paper_id, row in _identified_rows(rows, "paper_id"):
        cells = {c: (row.get(c) or "").strip() for c in categories}
        try:
            if vote.ballot == "split":
                raw = {"allocations": {c: float(v or 0) for c, v in cells.items()}}
            elif vote.ballot == "cumulative":
                raw = {"points": {c: int(v or 0) for c, v in cells.items()}}
            else:
                raw = {"projects": [c for c, v in cells.items() if v not in ("", "0")]}
            content = validate_ballot(vote, catalog, raw)
        except (ValueError, InputFormatError) as err:
            raise InputFormatError(f"Line {line} (paper {paper_id}): {err}") from err
        records.append((paper_id, content, row))
    with storage.writing(path) as db:
        _authorize(db, vote_id, passcode, path)
        if vote.state == "draft":
            raise NotAllowed("Open the vote before importing paper ballots.")
        for paper_id, content, row in records:
            if storage.select_one(db, "ballots", vote_id=vote_id, paper_id=paper_id):
                raise InputFormatError(f"Paper ballot {paper_id} was imported before.")
            storage.insert(db, "ballots", {
                "id": new_id("b"), "vote_id": vote_id, "code_hash": None, "paper_id": paper_id,
                "receipt_hash": keyed_hash(f"receipt:paper:{vote_id}:{paper_id}"), "content": audit.canonical(content),
                "neighborhood": (row.get("neighborhood") or "").strip(), "group_name": (row.get("group") or "").strip(),
                "why": (row.get("why") or "").strip(), "paper": 1, "current": 1, "created_at": audit.now()})
    return len(records)


def current_ballots(vote_id: str, path: Path | None = None) -> list[dict]:
    with storage.reading(path) as db:
        rows = storage.select(db, "ballots", vote_id=vote_id, current=1)
    return [{**r, "content": json.loads(r["content"])} for r in rows]


def check_receipt(vote_id: str, receipt: str, path: Path | None = None) -> str:
    """Whether the ballot with this receipt counts, without revealing its content."""
    with storage.reading(path) as db:
        row = storage.select_one(db, "ballots", vote_id=vote_id, receipt_hash=keyed_hash(f"receipt:{normalize_code(receipt)}"))
    if row is None:
        return "No ballot with this receipt in this vote. Check the code."
    if row["current"]:
        return f"This ballot is counted (recorded {row['created_at'][:16].replace('T', ' ')} UTC)."
    return "This ballot was replaced by a later ballot from the same voter code; the later one counts."


def count(vote: Vote, contents: list[dict], catalog: Catalog, rule: str | None = None) -> dict:
    """The outcome of a rule (the frozen one by default) on ballot contents."""
    rule = rule or vote.rule
    categories = vote.categories(catalog)
    if not contents:
        return {"rule": rule, "ballots": 0}
    if vote.ballot == "split":
        matrix = np.array([[c["allocations"].get(k, 0.0) for k in categories] for c in contents])
        amounts = split_rules.aggregate(matrix, rule, vote.budget)
        return {"rule": rule, "ballots": len(contents), "allocations": dict(zip(categories, map(float, amounts), strict=True))}
    election = _election(vote, contents)
    selected = project_rules.run(election, rule, "points" if vote.ballot == "cumulative" else "cost")
    return {"rule": rule, "ballots": len(contents), "selected": sorted(selected), "cost": float(sum(election.cost(p) for p in selected))}


def _election(vote: Vote, contents: list[dict]) -> pabulib.Election:
    meta = {"budget": str(Fraction(vote.budget).limit_denominator()), "vote_type": "cumulative" if vote.ballot == "cumulative" else "approval"}
    projects = {p["id"]: {"project_id": p["id"], "cost": str(p["cost"]), "name": p["name"]} for p in vote.projects}
    votes = []
    for n, content in enumerate(contents, start=1):
        if "points" in content:
            votes.append({"voter_id": str(n), "vote": ",".join(content["points"]), "points": ",".join(map(str, content["points"].values()))})
        else:
            votes.append({"voter_id": str(n), "vote": ",".join(content["projects"])})
    return pabulib.Election(meta, projects, votes)
