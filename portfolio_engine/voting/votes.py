"""Resident votes: set-up, frozen rules, one-time voter codes, casting with receipts, paper ballots, results.

Only keyed hashes of voter codes and receipts are stored (HMAC with the installation's key, kept
outside the database), so a stolen database file reveals neither. Opening a vote freezes its rules
and records their content hash; a code casts one ballot (a re-vote replaces it when the vote allows,
history kept, the last counts). Every write (set-up, opening, codes, each ballot online or on paper,
re-votes, closing, purging) is an entry on the vote's own audit chain (chain id = the vote's id), so
`audit.verify(db, vote_id)` catches a ballot or rule changed, added or removed behind the application's back.
"""

import csv
import hashlib
import io
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from portfolio_engine import limits, settings, storage
from portfolio_engine.errors import BallotExists, InputFormatError, NotAllowed, NotFound, PortfolioError, VoterCodeRefused
from portfolio_engine.limits import MAX_AMOUNT
from portfolio_engine.model.catalog import FAMILIES, Catalog, load_catalog
from portfolio_engine.record import audit
from portfolio_engine.record.workshops import authenticate, text
from portfolio_engine.security.access import MIN_PASSCODE, Grant, attempt, current_client, require
from portfolio_engine.security.keys import check_passcode, code, hash_passcode, keyed_hash, new_id
from portfolio_engine.voting import ballot_amounts, pabulib, rules, split_rules

BALLOTS = rules.BALLOTS
SMALL_GROUP = 5
CODE_LENGTH = 10
BUNDLE_FORMAT = "commons-portfolio-vote-bundle/2"


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


def as_vote(row: dict) -> Vote:
    """A stored row of the votes table as a Vote (for a caller holding the row, such as the migration filling ballots' numeric copies)."""
    return _vote(row)


def _identified_rows(rows: list[tuple[int, dict]], column: str):
    """(line, id, row) for each numbered CSV row, refusing a missing or repeated id with its line."""
    seen = set()
    for line, row in rows:
        row_id = (row.get(column) or "").strip()
        if not row_id or row_id in seen:
            raise InputFormatError(f"Line {line}: {column} {row_id!r} is missing or repeated.")
        seen.add(row_id)
        yield line, row_id, row


def read_projects(catalog: Catalog, text_: str) -> list[dict]:
    """Costed projects from CSV: project_id, name, cost, element (a portfolio element id)."""
    header, numbered = _csv_rows(text_, "projects")
    if not numbered or not {"project_id", "cost", "element"} <= set(header):
        raise InputFormatError("The projects file needs columns project_id, name, cost and element.")
    projects = []
    for line, project_id, row in _identified_rows(numbered, "project_id"):
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
                min_spend_share: float | None = None, allow_revote: bool = True, path: Path | None = None, *,
                grant: Grant | None = None, live_results: bool = False) -> Vote:
    """A draft vote, audited on its own chain. Inside a workshop its facilitator authorizes (the passcode, or a grant);
    on its own it needs the data steward or the operator (`grant`) and gets a passcode of its own for later steps.
    Results show only once it closes unless `live_results` (frozen with the rules: no bandwagon by default)."""
    _check_setup(ballot, rule, budget, split_over, projects or [], points, min_projects, max_projects, min_spend_share)
    if workshop_id:
        if grant is None:
            grant = authenticate(workshop_id, passcode or "", path)
        require(grant, "facilitator", workshop_id)
        passcode_hash = None
    else:
        require(grant, "steward")
        if len(passcode or "") < MIN_PASSCODE:
            raise PortfolioError(f"A vote outside a workshop needs its own passcode of at least {MIN_PASSCODE} characters.")
        passcode_hash = hash_passcode(passcode or "")
    options = {"split_over": split_over, "min_projects": min_projects, "max_projects": max_projects, "points": points,
               "min_spend_share": min_spend_share, "allow_revote": allow_revote, "live_results": bool(live_results)}
    row: dict[str, Any] = {"id": new_id("v"), "workshop_id": workshop_id, "title": text(title, "title"), "ballot": ballot, "rule": rule,
           "budget": float(budget), "currency": text(currency, "currency"), "options": audit.canonical(options),
           "projects": audit.canonical(projects or []), "state": "draft", "rules_hash": None, "passcode_hash": passcode_hash,
           "created_at": audit.now(), "opened_at": None, "closed_at": None, "purged_at": None}
    assert grant is not None  # require() refused a missing grant
    with storage.writing(path) as db:
        _insert(db, row["id"], grant.role, "vote.create", "vote", row)
    return _vote(row)


def _check_setup(ballot: str, rule: str, budget: float, split_over: str, projects: list[dict], points: int | None,
                 min_projects: int | None, max_projects: int | None, min_spend_share: float | None) -> None:
    """Refuse a vote whose rules could not be counted, with what to change."""
    if ballot not in BALLOTS:
        raise PortfolioError(f"Unknown ballot '{ballot}'. Ballots: {', '.join(BALLOTS)}.")
    rules.get(rule, ballot)
    if not isinstance(budget, int | float) or not math.isfinite(budget) or not 0 < budget <= MAX_AMOUNT:
        raise PortfolioError(f"The budget must be above 0 and at most {MAX_AMOUNT:g}.")
    if split_over not in ("elements", "families"):
        raise PortfolioError("A split ballot divides the budget over 'elements' or 'families'.")
    if ballot != "split" and not projects:
        raise PortfolioError(f"A {ballot} ballot needs costed projects (--projects FILE.csv).")
    if ballot == "cumulative" and (not points or points <= 0):
        raise PortfolioError("A cumulative ballot needs the number of points each voter gives (--points).")
    if min_projects and max_projects and min_projects > max_projects:
        raise PortfolioError("The minimum number of projects is above the maximum.")
    if min_spend_share is not None and not 0 <= min_spend_share <= 1:
        raise PortfolioError("The minimum spend is a share of the budget between 0 and 1.")


def _insert(db, vote_id: str, actor: str, action: str, entity: str, row: dict) -> None:
    """Store a new row and its audit entry on the vote's chain, in the caller's transaction."""
    storage.insert(db, audit.ENTITIES[entity].table, row)
    audit.append(db, vote_id, actor, action, entity, row[audit.ENTITIES[entity].id_column], None, row)


def _update(db, vote_id: str, actor: str, action: str, entity: str, before: dict, changes: dict) -> dict:
    """Change a row (refused by the audit when the stored row is not its audited state) and record before and after."""
    after = {**before, **changes}
    audit.append(db, vote_id, actor, action, entity, before["id"], before, after)
    storage.update(db, audit.ENTITIES[entity].table, before["id"], changes)
    return after


def get_vote(vote_id: str, path: Path | None = None) -> Vote:
    with storage.reading(path) as db:
        row = storage.select_one(db, "votes", id=str(vote_id))
    if row is None:
        raise NotFound(f"No vote with id '{vote_id}'.")
    return _vote(row)


def list_votes(path: Path | None = None, state: str | None = None) -> list[Vote]:
    with storage.reading(path) as db:
        rows = storage.select(db, "votes", **({"state": state} if state else {}))
    return [_vote(r) for r in rows]


def _authorize(vote_id: str, passcode: str | None, path: Path | None, grant: Grant | None = None) -> str:
    """The actor: a grant the caller holds (a facilitator of the vote's workshop, the steward or the operator), else
    a throttled passcode check, done before any write transaction (the throttle writes too)."""
    row = get_vote(vote_id, path)
    if grant is not None:
        require(grant, "facilitator", row.workshop_id)
        return grant.role
    if row.workshop_id:
        return authenticate(row.workshop_id, passcode or "", path).role
    with storage.reading(path) as db:
        stored = (storage.select_one(db, "votes", id=row.id) or {}).get("passcode_hash") or ""
    attempt(f"vote:{row.id}", current_client(), lambda: bool(stored) and check_passcode(passcode or "", stored), path)
    return "vote facilitator"


def _locked(db, vote_id: str) -> dict:
    """The vote's row inside a write transaction."""
    row = storage.select_one(db, "votes", id=vote_id)
    if row is None:
        raise NotFound(f"No vote with id '{vote_id}'.")
    return row


def change_rules(vote_id: str, passcode: str, path: Path | None = None, **changes) -> Vote:
    """Edit a draft's rule, budget or options; refused once the vote is open (its rules are frozen)."""
    actor = _authorize(vote_id, passcode, path)
    with storage.writing(path) as db:
        row = _locked(db, vote_id)
        if row["state"] != "draft":
            raise NotAllowed(f"The vote is {row['state']}: its rules were frozen when it opened (hash {row['rules_hash'][:12]}...).")
        update = {k: (audit.canonical(v) if k in ("options", "projects") else v) for k, v in changes.items()
                  if k in ("rule", "budget", "options", "projects", "title")}
        after = _update(db, vote_id, actor, "vote.change", "vote", row, update)
        vote = _vote(after)
        _check_setup(vote.ballot, vote.rule, vote.budget, vote.options.get("split_over", "elements"), vote.projects,
                     vote.options.get("points"), vote.options.get("min_projects"), vote.options.get("max_projects"),
                     vote.options.get("min_spend_share"))
        return vote


def _move(vote_id: str, passcode: str | None, target: str, path: Path | None, grant: Grant | None) -> Vote:
    """draft -> open (freezing and fingerprinting the rules) -> closed, each an audit entry."""
    source = {"open": "draft", "closed": "open"}[target]
    actor = _authorize(vote_id, passcode, path, grant)
    with storage.writing(path) as db:
        row = _locked(db, vote_id)
        if row["state"] != source:
            raise NotAllowed(f"Only a {source} vote can become {target}; this one is {row['state']}.")
        changes = {"state": target, "opened_at" if target == "open" else "closed_at": audit.now()}
        if target == "open":
            changes["rules_hash"] = rules_hash(_vote(row).rules())
        moved = _vote(_update(db, vote_id, actor, f"vote.{'open' if target == 'open' else 'close'}", "vote", row, changes))
        if target == "closed" and moved.ballot == "split":
            ballot_amounts.seal(db, moved.id, moved.categories(load_catalog()))  # each later count checks one tag, not one per ballot
        return moved


def open_vote(vote_id: str, passcode: str | None, path: Path | None = None, *, grant: Grant | None = None) -> Vote:
    return _move(vote_id, passcode, "open", path, grant)


def close_vote(vote_id: str, passcode: str | None, path: Path | None = None, *, grant: Grant | None = None) -> Vote:
    return _move(vote_id, passcode, "closed", path, grant)


def generate_codes(vote_id: str, count: int, passcode: str | None, path: Path | None = None, *, grant: Grant | None = None) -> list[str]:
    """N one-time voter codes; only their keyed hashes are stored, each issue an audit entry."""
    if not 1 <= count <= 100_000:
        raise PortfolioError("Generate between 1 and 100,000 codes at a time.")
    actor = _authorize(vote_id, passcode, path, grant)
    codes: list[str] = []
    with storage.writing(path) as db:
        if _locked(db, vote_id)["state"] == "closed":
            raise NotAllowed("The vote is closed: no new codes.")
        now = audit.now()
        while len(codes) < count:
            candidate = code(CODE_LENGTH)
            hashed = keyed_hash(f"code:{candidate}")
            if storage.select_one(db, "voter_codes", code_hash=hashed) is None:
                _insert(db, vote_id, actor, "voter_code.issue", "voter_code", {"code_hash": hashed, "vote_id": vote_id, "created_at": now})
                codes.append(candidate)
    return codes


def retry_delay(failures: int) -> float:
    """Seconds to wait before checking another code after repeated wrong ones from one browser session."""
    return 0.0 if failures < 3 else float(min(2 ** (failures - 3), 30))


def normalize_code(value: str) -> str:
    return "".join(ch for ch in str(value).upper() if ch.isalnum())


def _split_total_ok(total: float, budget: float) -> bool:
    """A split ballot gives 100 points, shares adding up to 1, or amounts adding up to the budget (docs/voting.md)."""
    return any(math.isclose(total, target, rel_tol=1e-6, abs_tol=1e-9) for target in (100.0, 1.0, budget))


def validate_ballot(vote: Vote, catalog: Catalog, raw: object) -> dict:
    """The ballot's content in a canonical form, or a clear message of what is wrong with it."""
    if not isinstance(raw, dict):
        raise InputFormatError("A ballot is a JSON object.")
    if vote.ballot == "split":
        return _split_ballot(vote, catalog, raw)
    if vote.ballot == "cumulative":
        return _points_ballot(vote, raw)
    return _project_ballot(vote, raw)


def _split_ballot(vote: Vote, catalog: Catalog, raw: dict) -> dict:
    amounts = raw.get("allocations")
    if not isinstance(amounts, dict) or not amounts:
        raise InputFormatError("A split ballot is {\"allocations\": {category: amount}}.")
    categories = vote.categories(catalog)
    unknown = [str(k) for k in amounts if k not in categories]
    if unknown:
        raise InputFormatError(f"Unknown categor{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)[:200]}; "
                               f"this vote splits over {', '.join(categories)}.")
    clean = {}
    for key in categories:
        value = amounts.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InputFormatError(f"'{key}': {str(value)[:40]!r} is not a number.")
        try:
            value = float(value)
        except (TypeError, ValueError, OverflowError):
            raise InputFormatError(f"'{key}': {str(amounts.get(key))[:40]!r} is not a number.") from None
        if not math.isfinite(value) or not 0 <= value <= MAX_AMOUNT:
            raise InputFormatError(f"'{key}': amounts are numbers from 0 to {MAX_AMOUNT:g}.")
        clean[key] = value
    total = sum(clean.values())
    if total <= 0:
        raise InputFormatError("Give something to at least one category.")
    if not _split_total_ok(total, vote.budget):
        raise InputFormatError(f"The ballot gives {total:,.6g} in all: give 100 points, shares adding up to 1, "
                               f"or amounts adding up to the budget ({vote.budget:,.0f}).")
    return {"allocations": clean}


def _points_ballot(vote: Vote, raw: dict) -> dict:
    ids = {p["id"] for p in vote.projects}
    given = raw.get("points")
    if not isinstance(given, dict):
        raise InputFormatError("A cumulative ballot is {\"points\": {project: points}}.")
    clean = {}
    for key, value in given.items():
        if key not in ids:
            raise InputFormatError(f"Unknown project '{str(key)[:60]}'.")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise InputFormatError(f"Project '{key}': points are whole numbers, 0 or more.")
        if value:
            clean[key] = value
    if sum(clean.values()) != vote.options["points"]:
        raise InputFormatError(f"Give exactly {vote.options['points']} points in all (this ballot gives {sum(clean.values())}).")
    if vote.options.get("min_projects") and len(clean) < vote.options["min_projects"]:
        raise InputFormatError(f"Spread your points over at least {vote.options['min_projects']} projects.")
    return {"points": dict(sorted(clean.items()))}


def _project_ballot(vote: Vote, raw: dict) -> dict:
    ids = {p["id"]: p for p in vote.projects}
    options = vote.options
    chosen = raw.get("projects")
    if not isinstance(chosen, list) or not all(isinstance(p, str) for p in chosen) or len(set(chosen)) != len(chosen):
        raise InputFormatError("A project ballot is {\"projects\": [project ids, each once]}.")
    unknown = [p for p in chosen if p not in ids]
    if unknown:
        raise InputFormatError(f"Unknown project(s) {', '.join(unknown)[:200]}.")
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


def _ballot_row(vote_id: str, code_hash: str | None, receipt_hash: str, content: dict, neighborhood: object, group: object,
                why: object, publish_why: bool, paper_id: str | None = None) -> dict:
    return {"id": new_id("b"), "vote_id": vote_id, "code_hash": code_hash, "paper_id": paper_id, "receipt_hash": receipt_hash,
            "content": audit.canonical(content), "neighborhood": text(neighborhood, "name", required=False),
            "group_name": text(group, "name", required=False), "why": text(why, "reason", required=False), "paper": int(paper_id is not None),
            "current": 1, "created_at": audit.now(), "why_public": int(bool(publish_why) and bool(str(why or "").strip()))}


def cast(catalog: Catalog, vote_id: str, voter_code: str, raw: dict, neighborhood: str = "", group: str = "", why: str = "",
         path: Path | None = None, *, publish_why: bool = False, replace: bool = True) -> str:
    """Record one ballot for a code (audited); returns the receipt code the voter can check later.

    A re-vote marks the code's previous ballot as replaced (also audited); a code used on a paper ballot cannot vote online.
    `why` is published with the results only when `publish_why` (the voter's consent). With `replace=False` a code that
    already voted raises BallotExists instead (the Vote page asks the person first: someone else may hold the card)."""
    hashed = keyed_hash(f"code:{normalize_code(voter_code)}")
    receipt = code(CODE_LENGTH)
    with storage.writing(path) as db:
        vote = _vote(_locked(db, str(vote_id)))
        if vote.state != "open":
            raise NotAllowed("This vote is closed: it accepts no more ballots." if vote.state == "closed" else "This vote has not opened yet.")
        if storage.select_one(db, "voter_codes", code_hash=hashed, vote_id=vote.id) is None:
            raise VoterCodeRefused("That voter code is not valid for this vote. Check it and try again.")
        content = validate_ballot(vote, catalog, raw)
        previous = storage.select(db, "ballots", vote_id=vote.id, code_hash=hashed, current=1)
        if any(old["paper"] for old in previous):
            raise VoterCodeRefused("This voter code was used on a paper ballot: it cannot vote online as well.")
        if previous and not vote.options.get("allow_revote"):
            raise NotAllowed("This code has already voted, and this vote does not allow changing a ballot.")
        if previous and not replace:
            raise BallotExists(f"This voter code has already voted (on {previous[-1]['created_at'][:16].replace('T', ' ')} UTC). "
                               "If that was you, you may replace that ballot with this one until the vote closes; "
                               "if it was not you, do not replace it: ask the organizers for a new code.")
        for old in previous:
            _update(db, vote.id, "voter", "ballot.replace", "ballot", old, {"current": 0})
            ballot_amounts.drop(db, old["id"])
        row = _ballot_row(vote.id, hashed, keyed_hash(f"receipt:{receipt}"), content, neighborhood, group, why, publish_why)
        _insert(db, vote.id, "voter", "ballot.revote" if previous else "ballot.cast", "ballot", row)
        _store_amounts(db, vote, catalog, row, content)
    return receipt


def _store_amounts(db, vote: Vote, catalog: Catalog, row: dict, content: dict) -> None:
    """A split ballot's numeric copy for counting (voting/ballot_amounts.py), beside its JSON, in the same transaction."""
    if vote.ballot == "split":
        ballot_amounts.store(db, row, content, vote.categories(catalog))


PAPER_COLUMNS = ("paper_id", "code", "neighborhood", "group", "why", "publish_why")
MARKS = {"1", "x", "yes"}
UNMARKED = {"", "0"}


def _csv_rows(csv_text: str, what: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """(header, [(line, row)]) of a CSV file, bounded in size, columns and rows; a row whose field count differs from the header's is refused."""
    if len(csv_text.encode("utf-8", "surrogatepass")) > limits.MAX_UPLOAD_BYTES:
        raise InputFormatError(f"The {what} file is larger than {limits.MAX_UPLOAD_BYTES:,} bytes.")
    reader = csv.reader(io.StringIO(csv_text.replace("\r\n", "\n").replace("\r", "\n")))
    try:
        header = [h.strip() for h in next(reader, [])]
        if len(header) > limits.MAX_COLUMNS:
            raise InputFormatError(f"The {what} file has {len(header):,} columns; at most {limits.MAX_COLUMNS} are read.")
        rows: list[tuple[int, dict]] = []
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                raise InputFormatError(f"Line {reader.line_num}: {len(fields)} fields where the header has {len(header)} "
                                       "(a trailing comma or an extra field?).")
            if len(rows) >= limits.MAX_ROWS:
                raise InputFormatError(f"The {what} file has more than {limits.MAX_ROWS:,} rows.")
            rows.append((reader.line_num, dict(zip(header, fields, strict=True))))
    except csv.Error as err:
        raise InputFormatError(f"Line {reader.line_num}: the file cannot be read as CSV ({err}).") from None
    return header, rows


def _check_paper_header(header: list[str], categories: tuple[str, ...]) -> None:
    if "paper_id" not in header:
        raise InputFormatError("The paper ballots file needs a paper_id column plus one column per category or project.")
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise InputFormatError(f"Column(s) {', '.join(repeated)[:200]} appear more than once.")
    unknown = [c for c in header if c not in PAPER_COLUMNS and c not in categories]
    if unknown:
        raise InputFormatError(f"Unknown column(s) {', '.join(unknown)[:200]}; expected paper_id, the ballot's columns "
                               f"({', '.join(categories)[:200]}) and optionally {', '.join(PAPER_COLUMNS[1:])}.")


def _paper_cell(vote: Vote, column: str, value: str) -> float | int | bool:
    """One ballot cell: an amount (split), points (cumulative) or an explicit mark (approval, knapsack)."""
    if vote.ballot == "split":
        number = float(value or 0)
        if not math.isfinite(number):
            raise ValueError
        return number
    if vote.ballot == "cumulative":
        return int(value or 0)
    if value.lower() in MARKS:
        return True
    if value in UNMARKED:
        return False
    raise ValueError


def _paper_content(vote: Vote, catalog: Catalog, line: int, paper_id: str, row: dict) -> dict:
    """A paper row's ballot, with an error naming the row and, for an unreadable cell, the column."""
    cells = {}
    for column in vote.categories(catalog):
        value = (row.get(column) or "").strip()
        try:
            cells[column] = _paper_cell(vote, column, value)
        except (ValueError, OverflowError):
            wanted = {"split": "an amount", "cumulative": "whole points"}.get(vote.ballot, "1, x or yes for a chosen project (blank or 0 otherwise)")
            raise InputFormatError(f"Line {line} (paper {paper_id}), column '{column}': {value[:40]!r} is not {wanted}.") from None
    raw: dict[str, Any]
    if vote.ballot == "split":
        raw = {"allocations": cells}
    elif vote.ballot == "cumulative":
        raw = {"points": cells}
    else:
        raw = {"projects": [c for c, marked in cells.items() if marked]}
    try:
        return validate_ballot(vote, catalog, raw)
    except InputFormatError as err:
        raise InputFormatError(f"Line {line} (paper {paper_id}): {err}") from None


def _published(line: int, value: str) -> bool:
    if value.lower() in MARKS:
        return True
    if value in UNMARKED:
        return False
    raise InputFormatError(f"Line {line}, column 'publish_why': {value[:40]!r} is not 1, x or yes (or blank).")


def _read_paper(vote: Vote, catalog: Catalog, csv_text: str) -> list[dict]:
    """Every paper row checked (ids, marks, codes given twice) before any lock is taken: one linear pass."""
    header, rows = _csv_rows(csv_text, "paper ballots")
    _check_paper_header(header, vote.categories(catalog))
    if not rows:
        raise InputFormatError("The paper ballots file has no ballots.")
    records: list[dict] = []
    codes: dict[str, int] = {}
    for line, paper_id, row in _identified_rows(rows, "paper_id"):
        voter_code = normalize_code(row.get("code") or "")
        hashed = keyed_hash(f"code:{voter_code}") if voter_code else None
        if hashed and hashed in codes:
            raise InputFormatError(f"Line {line} (paper {paper_id}): its voter code is also on line {codes[hashed]}.")
        if hashed:
            codes[hashed] = line
        try:
            extras = {k: text(row.get(c) or "", f, required=False) for k, c, f in
                      (("neighborhood", "neighborhood", "name"), ("group", "group", "name"), ("why", "why", "reason"))}
        except PortfolioError as err:
            raise InputFormatError(f"Line {line} (paper {paper_id}): {err}") from None
        records.append({"line": line, "paper_id": paper_id, "code_hash": hashed, "content": _paper_content(vote, catalog, line, paper_id, row),
                        "publish_why": _published(line, (row.get("publish_why") or "").strip()), **extras})
    return records


def _check_paper_against(db, vote_id: str, records: list[dict]) -> None:
    """Refuse, naming the row, paper ids imported before and codes unknown to the vote or already used (one query each)."""
    stored = storage.select(db, "ballots", vote_id=vote_id)
    imported = {b["paper_id"] for b in stored if b["paper"]}
    used = {b["code_hash"]: b for b in stored if b["code_hash"]}
    valid = {c["code_hash"] for c in storage.select(db, "voter_codes", vote_id=vote_id)} if any(r["code_hash"] for r in records) else set()
    for record in records:
        where = f"Line {record['line']} (paper {record['paper_id']})"
        if record["paper_id"] in imported:
            raise InputFormatError(f"{where}: this paper ballot was imported before.")
        hashed = record["code_hash"]
        if hashed and hashed not in valid:
            raise InputFormatError(f"{where}: its voter code is not valid for this vote.")
        if hashed in used:
            how = f"on paper {used[hashed]['paper_id']}" if used[hashed]["paper"] else "online"
            raise InputFormatError(f"{where}: its voter code was already used {how}; a code casts one ballot.")


def import_paper(catalog: Catalog, vote_id: str, csv_text: str, passcode: str | None, path: Path | None = None, *,
                 grant: Grant | None = None) -> int:
    """Paper ballots (one row each: paper_id plus the ballot's columns, optionally the card's code), all or nothing; returns how many.

    Each ballot is an audit entry. Refused unless the vote is open; the file is read and checked before the write lock."""
    vote = get_vote(vote_id, path)
    records = _read_paper(vote, catalog, csv_text)
    actor = _authorize(vote.id, passcode, path, grant)
    with storage.writing(path) as db:
        state = _locked(db, vote.id)["state"]
        if state != "open":
            raise NotAllowed("Open the vote before importing paper ballots." if state == "draft"
                             else "The vote is closed: it accepts no more ballots, paper ones included.")
        _check_paper_against(db, vote.id, records)
        receipts = keyed_hash(f"receipt:paper:{vote.id}")  # one keyed hash per file: each paper's receipt hash derives from it
        for r in records:
            receipt_hash = hashlib.sha256(f"{receipts}:{r['paper_id']}".encode()).hexdigest()
            row = _ballot_row(vote.id, r["code_hash"], receipt_hash, r["content"],
                              r["neighborhood"], r["group"], r["why"], r["publish_why"], paper_id=r["paper_id"])
            _insert(db, vote.id, actor, "ballot.paper", "ballot", row)
            _store_amounts(db, vote, catalog, row, r["content"])
    return len(records)


def _purge(db, vote_id: str, actor: str) -> int:
    """Unlink every ballot from its code and blank its unpublished 'why', each an audited update; returns ballots changed."""
    changed = 0
    for ballot in storage.select(db, "ballots", vote_id=vote_id):
        changes: dict[str, str | None] = {"code_hash": None} if ballot["code_hash"] else {}
        if ballot["why"] and not ballot["why_public"]:
            changes["why"] = ""
        if changes:
            _update(db, vote_id, actor, "ballot.purge", "ballot", ballot, changes)
            changed += 1
    row = _locked(db, vote_id)
    _update(db, vote_id, actor, "vote.purge", "vote", row, {"purged_at": audit.now()})
    return changed


def purge(vote_id: str, passcode: str | None, path: Path | None = None, *, grant: Grant | None = None) -> int:
    """Retention: once a vote is closed, forget which code cast which ballot and the free text voters did not publish."""
    actor = _authorize(vote_id, passcode, path, grant)
    with storage.writing(path) as db:
        if _locked(db, vote_id)["state"] != "closed":
            raise NotAllowed("Close the vote first: codes and free text are purged only after a vote is closed.")
        return _purge(db, vote_id, actor)


def purge_expired(grant: Grant | None, days: int | None = None, path: Path | None = None) -> list[str]:
    """Purge every vote closed more than `days` ago (the retention setting by default) that was not purged yet (operator or steward)."""
    require(grant, "steward")
    assert grant is not None  # require() refused a missing grant
    days = settings.retention_days() if days is None else days
    cutoff = (datetime.now(UTC) - timedelta(days=days)).isoformat()
    purged = []
    with storage.writing(path) as db:
        for row in storage.select(db, "votes", state="closed"):
            if not row["purged_at"] and (row["closed_at"] or "") <= cutoff:
                _purge(db, row["id"], grant.role)
                purged.append(row["id"])
    return purged


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


def split_matrix(vote: Vote, catalog: Catalog, contents: list[dict]) -> np.ndarray:
    """Split ballot contents as rows of amounts, one column per category (a category a ballot leaves out counts 0)."""
    return np.array([[c["allocations"].get(k, 0.0) for k in vote.categories(catalog)] for c in contents])


def count(vote: Vote, contents: list[dict] | np.ndarray, catalog: Catalog, rule: str | None = None) -> dict:
    """The outcome of a rule (the frozen one by default) on ballot contents; a split vote's may come as their matrix
    (split_matrix, or ballot_table's read straight from the database)."""
    rule = rule or vote.rule
    categories = vote.categories(catalog)
    if len(contents) == 0:
        return {"rule": rule, "ballots": 0}
    if vote.ballot == "split":
        matrix = contents if isinstance(contents, np.ndarray) else split_matrix(vote, catalog, contents)
        amounts = split_rules.aggregate(matrix, rule, vote.budget)
        return {"rule": rule, "ballots": len(contents), "allocations": dict(zip(categories, map(float, amounts), strict=True))}
    assert isinstance(contents, list), "a project vote's ballots are counted from their contents"
    election = as_election(vote, contents)
    selected = rules.get(rule, vote.ballot).count(rules.Tally(election=election, satisfaction="points" if vote.ballot == "cumulative" else "cost"))
    return {"rule": rule, "ballots": len(contents), "selected": sorted(selected), "cost": float(sum(election.cost(p) for p in selected))}


def as_election(vote: Vote, contents: list[dict]) -> pabulib.Election:
    """A project vote's ballot contents as a pabulib election (what the project rules count and the .pb export writes)."""
    meta = {"budget": str(Fraction(vote.budget).limit_denominator()), "vote_type": "cumulative" if vote.ballot == "cumulative" else "approval"}
    projects = {p["id"]: {"project_id": p["id"], "cost": str(p["cost"]), "name": p["name"]} for p in vote.projects}
    votes = []
    for n, content in enumerate(contents, start=1):
        if "points" in content:
            votes.append({"voter_id": str(n), "vote": ",".join(content["points"]), "points": ",".join(map(str, content["points"].values()))})
        else:
            votes.append({"voter_id": str(n), "vote": ",".join(content["projects"])})
    return pabulib.Election(meta, projects, votes)
