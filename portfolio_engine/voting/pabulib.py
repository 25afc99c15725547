"""The pabulib .pb format (META / PROJECTS / VOTES sections, semicolon-separated): parse and write.

String-level functions do the work; file wrappers only read and write, so tests need no files.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from portfolio_engine.errors import InputFormatError
from portfolio_engine.limits import MAX_AMOUNT, read_text

SECTIONS = ("META", "PROJECTS", "VOTES")
LARGEST = int(MAX_AMOUNT)
_RATIO = re.compile(r"(\d{1,30})/(\d{1,30})")


def number(text: str, what: str) -> Fraction:
    """A budget, cost or points value as an exact fraction, from 0 to 10^15.

    NaN, infinities, negatives and absurd exponents are refused before any exact arithmetic:
    `Fraction("1e100000000")` would build a hundred-million-digit integer.
    """
    cleaned = str(text).strip().replace(",", ".")
    try:
        ratio = _RATIO.fullmatch(cleaned)
        value = Fraction(int(ratio[1]), int(ratio[2])) if ratio else _decimal(cleaned, what)
    except (ArithmeticError, ValueError):  # decimal.InvalidOperation is an ArithmeticError
        raise InputFormatError(f"{what}: {cleaned[:40]!r} is not a number.") from None
    if not 0 <= value <= LARGEST:
        raise _out_of_range(cleaned, what)
    return value


def _out_of_range(text: str, what: str) -> InputFormatError:
    return InputFormatError(f"{what}: {text[:40]!r} is out of range (0, or from 1e-12 to 1e15).")


def _decimal(text: str, what: str) -> Fraction:
    """A plain decimal of at most 100 characters with a modest exponent, exactly."""
    value = Decimal(text) if len(text) <= 100 else Decimal("NaN")
    if not value.is_finite():
        raise ValueError(text)
    if value and not -12 <= value.adjusted() <= 15:
        raise _out_of_range(text, what)
    return Fraction(value) if value else Fraction(0)


@dataclass
class Election:
    """A participatory-budgeting election: metadata, projects with costs, and ballots."""

    meta: dict[str, str]
    projects: dict[str, dict[str, str]]
    votes: list[dict[str, str]] = field(default_factory=list)

    @property
    def budget(self) -> Fraction:
        return number(self.meta["budget"], "META budget")

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval")

    def cost(self, project_id: str) -> Fraction:
        return number(self.projects[project_id]["cost"], f"Project {project_id} cost")

    def ballots(self) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
        """Each ballot as (project ids, points); approval ballots give 1 point to each project."""
        result = []
        for vote in self.votes:
            ids = tuple(v.strip() for v in vote.get("vote", "").split(",") if v.strip())
            points_text = vote.get("points", "")
            where = f"Voter {vote.get('voter_id')} points"
            points = tuple(int(number(p, where)) for p in points_text.split(",")) if points_text.strip() else (1,) * len(ids)
            result.append((ids, points))
        return result


def parse(text: str, where: str = "the file") -> Election:
    """Parse pabulib text; messages name the line and what was wrong."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    except csv.Error as err:
        raise InputFormatError(f"{where} is not a readable pabulib file: {err}.") from None
    sections: dict[str, list[list[str]]] = {}
    current = None
    for number, row in enumerate(rows, start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) == 1 and row[0].strip().upper() in SECTIONS:
            current = row[0].strip().upper()
            sections[current] = []
            continue
        if current is None:
            raise InputFormatError(f"{where}, line {number}: expected a META, PROJECTS or VOTES section first.")
        sections[current].append([cell.strip() for cell in row])
    missing = [s for s in SECTIONS if s not in sections or not sections[s]]
    if missing:
        raise InputFormatError(f"{where}: missing section(s) {', '.join(missing)}.")
    meta = {row[0]: row[1] if len(row) > 1 else "" for row in sections["META"][1:]}
    if "budget" not in meta:
        raise InputFormatError(f"{where}: META has no budget.")
    projects_header = sections["PROJECTS"][0]
    projects = {}
    for row in sections["PROJECTS"][1:]:
        record = dict(zip(projects_header, row, strict=False))
        if "project_id" not in record or "cost" not in record:
            raise InputFormatError(f"{where}: PROJECTS needs project_id and cost columns.")
        projects[record["project_id"]] = record
    votes_header = sections["VOTES"][0]
    votes = [dict(zip(votes_header, row, strict=False)) for row in sections["VOTES"][1:]]
    if not votes:
        raise InputFormatError(f"{where}: VOTES has no ballots.")
    election = Election(meta, projects, votes)
    _check_numbers(election, where)
    _check_votes(votes, projects, where)
    return election


def _check_numbers(election: Election, where: str) -> None:
    """Budget, costs and points are numbers in range, refused here rather than half-way through a count."""
    try:
        number(election.meta["budget"], "META budget")
        for project_id in election.projects:
            election.cost(project_id)
        election.ballots()
    except InputFormatError as err:
        raise InputFormatError(f"{where}: {err}") from None


def _check_votes(votes: list[dict[str, str]], projects: dict, where: str) -> None:
    """Every voter once (a repeated id would be counted again), voting only for listed projects."""
    seen: set[str] = set()
    for vote in votes:
        voter = vote.get("voter_id")
        if voter in seen:
            raise InputFormatError(f"{where}: voter {voter} appears more than once in VOTES; each voter casts one ballot.")
        if voter:
            seen.add(voter)
        for project_id in (v.strip() for v in vote.get("vote", "").split(",") if v.strip()):
            if project_id not in projects:
                raise InputFormatError(f"{where}: voter {voter} votes for unknown project {project_id}.")


def read(path: Path) -> Election:
    """A .pb file, within the upload size limit."""
    return parse(read_text(path), str(path))


def write(election: Election, anonymize: bool = True) -> str:
    """pabulib text; anonymized ballots get sequential voter ids and lose any other voter fields."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in election.meta.items():
        writer.writerow([key, value])
    writer.writerow(["PROJECTS"])
    columns = list(next(iter(election.projects.values())))
    writer.writerow(columns)
    for record in election.projects.values():
        writer.writerow([record.get(c, "") for c in columns])
    writer.writerow(["VOTES"])
    columns = ["voter_id", "vote"] + (["points"] if any(v.get("points") for v in election.votes) else [])
    if not anonymize:
        columns += [c for c in (election.votes[0] if election.votes else {}) if c not in columns]
    writer.writerow(columns)
    for n, vote in enumerate(election.votes, start=1):
        row = {**vote, "voter_id": str(n) if anonymize else vote.get("voter_id", str(n))}
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()
