"""The pabulib .pb format (META / PROJECTS / VOTES sections, semicolon-separated): parse and write.

String-level functions do the work; file wrappers only read and write, so tests need no files.
"""

import csv
import io
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..errors import InputFormatError

SECTIONS = ("META", "PROJECTS", "VOTES")


@dataclass
class Election:
    """A participatory-budgeting election: metadata, projects with costs, and ballots."""

    meta: dict[str, str]
    projects: dict[str, dict[str, str]]
    votes: list[dict[str, str]] = field(default_factory=list)

    @property
    def budget(self) -> Fraction:
        return Fraction(self.meta["budget"].replace(",", "."))

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval")

    def cost(self, project_id: str) -> Fraction:
        return Fraction(self.projects[project_id]["cost"].replace(",", "."))

    def ballots(self) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
        """Each ballot as (project ids, points); approval ballots give 1 point to each project."""
        result = []
        for vote in self.votes:
            ids = tuple(v.strip() for v in vote.get("vote", "").split(",") if v.strip())
            points_text = vote.get("points", "")
            points = tuple(int(float(p)) for p in points_text.split(",")) if points_text.strip() else (1,) * len(ids)
            result.append((ids, points))
        return result


def parse(text: str, where: str = "the file") -> Election:
    """Parse pabulib text; messages name the line and what was wrong."""
    sections: dict[str, list[list[str]]] = {}
    current = None
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=";"), start=1):
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
    election = Election(meta, projects, votes)
    for vote in votes:
        for project_id in (v.strip() for v in vote.get("vote", "").split(",") if v.strip()):
            if project_id not in projects:
                raise InputFormatError(f"{where}: voter {vote.get('voter_id')} votes for unknown project {project_id}.")
    return election


def read(path: Path) -> Election:
    try:
        return parse(Path(path).read_text(encoding="utf-8-sig"), str(path))
    except (OSError, UnicodeDecodeError) as err:
        raise InputFormatError(f"Cannot read {path} as UTF-8 text.") from err


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
