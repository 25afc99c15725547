"""A vote's counted ballots as columns: read in one query and parsed by Arrow, without a Python object per ballot.

Counting a city's vote (100,000 ballots) spent most of its time turning stored JSON into dictionaries and dictionaries
into a matrix. Here the database hands over the current ballots as one JSON-lines text (storage.counted_ballot_lines),
Arrow parses it against a schema fixed by the vote (its categories or projects), and a split vote's ballots become a
matrix straight from Arrow's columns; when every split ballot's numeric copy checks out (ballot_amounts.py), the
matrix is those bytes and only the self-reported fields are parsed. A category a ballot does not mention counts 0, and a key the vote does not know is
ignored, as the per-ballot reading did. Project ballots become dictionaries only when a project rule counts them.
"""

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import json as pa_json

from portfolio_engine import storage
from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.voting import ballot_amounts
from portfolio_engine.voting.votes import Vote

FIELDS = ("neighborhood", "group")  # the self-reported fields results break down by
SELF_REPORTED = [("neighborhood", pa.string()), ("group", pa.string()), ("paper", pa.int64())]  # each ballot's line besides its content


def _schema(vote: Vote, catalog: Catalog) -> pa.Schema:
    """Each line's fields, typed by the vote: a split ballot's amount per category, a project ballot's ids or points."""
    if vote.ballot == "split":
        content = pa.struct([("allocations", pa.struct([(k, pa.float64()) for k in vote.categories(catalog)]))])
    elif vote.ballot == "cumulative":
        content = pa.struct([("points", pa.struct([(p["id"], pa.int64()) for p in vote.projects]))])
    else:
        content = pa.struct([("projects", pa.list_(pa.string()))])
    return pa.schema([("content", content), *SELF_REPORTED])


@dataclass(frozen=True)
class BallotTable:
    """One row per counted ballot, oldest first."""

    vote: Vote
    categories: tuple[str, ...]
    table: pa.Table
    amounts: np.ndarray | None = None  # a split vote's matrix read from the ballots' numeric copies (ballot_amounts), when they check out

    def __len__(self) -> int:
        return self.table.num_rows

    def paper(self) -> int:
        """How many of the ballots were cast on paper."""
        return int(pc.sum(self.table["paper"]).as_py() or 0)

    def matrix(self) -> np.ndarray:
        """A split vote's ballots as rows of amounts, one column per category in the vote's order."""
        if self.amounts is not None:
            return self.amounts
        allocations = pc.struct_field(self.table["content"], "allocations")
        columns = [pc.fill_null(pc.struct_field(allocations, k), 0.0).to_numpy() for k in self.categories]
        return np.column_stack(columns) if columns else np.empty((len(self), 0))

    def contents(self) -> list[dict]:
        """A project vote's ballots as the dictionaries the project rules read ({'projects': [...]} or {'points': {...}})."""
        if self.vote.ballot == "cumulative":
            return [{"points": {k: v for k, v in sorted(c["points"].items()) if v}} for c in self.table["content"].to_pylist()]
        return [{"projects": c["projects"]} for c in self.table["content"].to_pylist()]

    def for_count(self) -> np.ndarray | list[dict]:
        """What votes.count reads: the matrix of a split vote, the contents of a project vote."""
        return self.matrix() if self.vote.ballot == "split" else self.contents()

    def groups(self, field: str) -> dict[str, "BallotTable"]:
        """The ballots of each named neighborhood or group (blank names left out), by name."""
        names = pc.fill_null(self.table[field], "").combine_chunks().dictionary_encode()
        codes = names.indices.to_numpy(zero_copy_only=False)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(names.dictionary) + 1))
        def part(rows: np.ndarray) -> BallotTable:
            return BallotTable(self.vote, self.categories, self.table.take(rows), None if self.amounts is None else self.amounts[rows])

        return {name: part(order[bounds[i]:bounds[i + 1]]) for i, name in enumerate(names.dictionary.to_pylist()) if name}


def parse(vote: Vote, catalog: Catalog, lines: str) -> BallotTable:
    """Ballot lines (storage.counted_ballot_lines) as a table typed by the vote."""
    schema = _schema(vote, catalog)
    if not lines:
        table = schema.empty_table()
    else:
        options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
        try:
            table = pa_json.read_json(io.BytesIO(lines.encode()), parse_options=options)
        except pa.ArrowInvalid as err:
            raise PortfolioError(f"The stored ballots of this vote could not be read for counting ({str(err)[:200]}).") from None
    return BallotTable(vote, vote.categories(catalog), table)


def read(vote: Vote, catalog: Catalog, path: Path | None = None) -> BallotTable:
    """The vote's current (counted) ballots: a split vote's from their numeric copies when every one checks out, else from their JSON."""
    categories = vote.categories(catalog)
    with storage.reading(path) as db:
        copies = ballot_amounts.read(db, vote.id, categories) if vote.ballot == "split" else None
        lines = "" if copies is not None else storage.counted_ballot_lines(db, vote.id)
    if copies is None:
        return parse(vote, catalog, lines)
    matrix, fields = copies
    table = pa_json.read_json(io.BytesIO(fields.encode()), parse_options=pa_json.ParseOptions(explicit_schema=pa.schema(SELF_REPORTED)))
    return BallotTable(vote, categories, table, matrix)
