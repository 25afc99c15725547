"""Named queries of the record: audit chains, sign-in counters, voter codes, and a table's column defaults."""

from dataclasses import dataclass

from portfolio_engine.storage import database
from portfolio_engine.storage.database import Handle
from portfolio_engine.storage.migrations import now
from portfolio_engine.storage.schema import TABLES, first, rows


def last_audit(db: Handle, workshop_id: str) -> dict | None:
    """The newest entry of a chain (its seq and hash), or None for an empty chain."""
    return first(db.execute("SELECT seq, hash FROM audit_log WHERE workshop_id = ? ORDER BY seq DESC LIMIT 1", [workshop_id]))


def last_audit_of(db: Handle, chain_id: str, entity: str, entity_id: str) -> dict | None:
    """The newest audit entry of one record in a chain (its seq and after), or None if it was never audited."""
    return first(db.execute("SELECT seq, after FROM audit_log WHERE workshop_id = ? AND entity = ? AND entity_id = ? ORDER BY seq DESC LIMIT 1",
                            [chain_id, entity, entity_id]))


def column_defaults(db: Handle, table: str) -> dict[str, object]:
    """Each column's default as a value (None when it has none), for the columns whose default is NULL or a plain literal.

    A column added by a migration holds its default in every row written before it: the audit compares those."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table}")
    defaults: dict[str, object] = {}
    for name, literal in database.table_info(db, table):
        if literal is None or literal.upper() == "NULL":
            defaults[name] = None
        elif literal.startswith("'") and literal.endswith("'"):
            defaults[name] = literal[1:-1].replace("''", "'")
        else:
            try:
                defaults[name] = float(literal) if any(c in literal for c in ".eE") else int(literal)
            except ValueError:  # an expression (CURRENT_TIMESTAMP...): not compared
                continue
    return defaults


def voter_codes_issued(db: Handle, vote_id: str) -> int:
    """How many voter codes a vote has (their hashes are never read here)."""
    return int(db.execute("SELECT COUNT(*) FROM voter_codes WHERE vote_id = ?", [vote_id]).fetchone()[0])


def counted_ballot_lines(db: Handle, vote_id: str) -> str:
    """A vote's current ballots as one text, a JSON line per ballot (content, neighborhood, group, paper), oldest first.

    Built by the database in one value, so counting 100,000 ballots reads one string rather than a row object per ballot
    (voting/ballot_table.py parses it with Arrow). Empty when there is no ballot."""
    quote = "to_json({})::text" if isinstance(db, database.PgDatabase) else "json_quote({})"
    line = (f"""'{{"content":' || content || ',"neighborhood":' || {quote.format('neighborhood')} || ',"group":' || """
            f"""{quote.format('group_name')} || ',"paper":' || paper || '}}'""")  # content is stored as JSON: copied, not parsed
    if isinstance(db, database.PgDatabase):
        sql = f"SELECT string_agg({line}, chr(10) ORDER BY created_at, rowid) FROM ballots WHERE vote_id = ? AND current = 1"
    else:
        sql = f"SELECT group_concat(line, char(10)) FROM (SELECT {line} AS line FROM ballots WHERE vote_id = ? AND current = 1 ORDER BY created_at, rowid)"
    return str(db.execute(sql, [vote_id]).fetchone()[0] or "")


@dataclass(frozen=True)
class CountedAmounts:
    """A split vote's current ballots' ids and the numeric copies kept for them, as a few values joined by the database."""

    ids: str  # the current ballots' ids in id order, joined by ',' (read from an index, not from the ballots)
    copy_ids: str  # the ballot ids the copies name, oldest first, joined by ','
    amounts: bytes  # every copy's amounts, oldest first, one after the other
    fields: str  # every copy's self-reported fields (a JSON line), oldest first
    tags: bytes  # every copy's tag (fixed length), oldest first, one after the other


def counted_ballot_amounts(db: Handle, vote_id: str) -> CountedAmounts:
    """A split vote's current ballot ids and numeric copies (ballot_amounts), in two queries, neither reading a ballot's row."""
    oldest = " ORDER BY created_at, rowid"
    if isinstance(db, database.PgDatabase):
        ids = "SELECT string_agg(id, ',' ORDER BY id COLLATE \"C\") FROM ballots WHERE vote_id = ? AND current = 1"
        copies = (f"SELECT string_agg(ballot_id, ','{oldest}), string_agg(amounts, ''::bytea{oldest}), string_agg(fields, chr(10){oldest}), "
                  f"string_agg(tag, ''::bytea{oldest}) FROM ballot_amounts WHERE vote_id = ?")
    else:
        ids = "SELECT group_concat(id, ',') FROM (SELECT id FROM ballots WHERE vote_id = ? AND current = 1 ORDER BY id)"
        # group_concat joins blobs byte for byte (by length, zero bytes kept); the cast hands them over as bytes, not text
        copies = ("SELECT group_concat(ballot_id, ','), CAST(group_concat(amounts, '') AS BLOB), group_concat(fields, char(10)), "
                  f"CAST(group_concat(tag, '') AS BLOB) FROM (SELECT ballot_id, amounts, fields, tag FROM ballot_amounts WHERE vote_id = ?{oldest})")
    current = db.execute(ids, [vote_id]).fetchone()[0]
    copy_ids, amounts, fields, tags = db.execute(copies, [vote_id]).fetchone()
    return CountedAmounts(current or "", copy_ids or "", _bytes(amounts), fields or "", _bytes(tags))


def _bytes(joined: bytes | memoryview | None) -> bytes:
    """Joined blobs as bytes (a driver may hand over a memoryview; no ballot gives None)."""
    return bytes(joined or b"")


def drop_ballot_amounts(db: Handle, ballot_id: str) -> None:
    """A replaced ballot's numeric copy (copies are kept for current ballots only)."""
    db.execute("DELETE FROM ballot_amounts WHERE ballot_id = ?", [ballot_id])


def ballot_amounts_seal(db: Handle, vote_id: str) -> bytes | None:
    """The tag sealing a closed split vote's numeric copies, if it has one."""
    found = db.execute("SELECT tag FROM ballot_amounts_seals WHERE vote_id = ?", [vote_id]).fetchone()
    return None if found is None else _bytes(found[0])


def save_ballot_amounts_seal(db: Handle, vote_id: str, tag: bytes) -> None:
    db.execute("INSERT INTO ballot_amounts_seals (vote_id, tag) VALUES (?, ?) ON CONFLICT (vote_id) DO UPDATE SET tag = excluded.tag", [vote_id, tag])


def signin_rows(db: Handle, scope: str) -> list[dict]:
    """Every client's failure counter for one sign-in scope."""
    found = rows(db.execute("SELECT client, failures, last_failure, locked FROM signin_attempts WHERE scope = ?", [scope]))
    return [{**row, "locked": bool(row["locked"])} for row in found]


def save_signin(db: Handle, scope: str, client: str, failures: int, last_failure: float, locked: bool) -> None:
    db.execute("INSERT INTO signin_attempts (scope, client, failures, last_failure, locked) VALUES (?, ?, ?, ?, ?) "
               "ON CONFLICT (scope, client) DO UPDATE SET failures = excluded.failures, last_failure = excluded.last_failure, "
               "locked = excluded.locked", [scope, client, failures, last_failure, int(locked)])


def clear_signin(db: Handle, scope: str, client: str | None = None) -> int:
    """Forget failures (one client's, or every client's in the scope); returns how many counters were cleared."""
    if client is None:
        return db.execute("DELETE FROM signin_attempts WHERE scope = ?", [scope]).rowcount
    return db.execute("DELETE FROM signin_attempts WHERE scope = ? AND client = ?", [scope, client]).rowcount


def log_signin(db: Handle, scope: str, client: str, outcome: str) -> None:
    db.execute("INSERT INTO signin_log (scope, client, outcome, at) VALUES (?, ?, ?, ?)", [scope, client, outcome, now()])


def signin_log(db: Handle, scope: str, limit: int = 50) -> list[dict]:
    return rows(db.execute("SELECT client, outcome, at FROM signin_log WHERE scope = ? ORDER BY rowid DESC LIMIT ?", [scope, limit]))


def save_draft(db: Handle, workshop_id: str, participant_id: str, allocations: str) -> None:
    """Write a participant's draft over the previous one (portable upsert: SQLite 3.24+ and PostgreSQL)."""
    db.execute("INSERT INTO drafts (workshop_id, participant_id, allocations, updated_at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (workshop_id, participant_id) DO UPDATE SET allocations = excluded.allocations, updated_at = excluded.updated_at",
               [workshop_id, participant_id, allocations, now()])
