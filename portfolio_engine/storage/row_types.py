"""The schema as a contract: one row type per table, its fields the table's columns in order, and a registry table -> row type.

Rows are read by column name into dicts (schema.rows), so a row type is a TypedDict: every dict-based caller keeps
working, and mypy checks the key names of code that names the type. The DDL in schema.py and migrations.py is shipped
history; these types say what a table holds after every migration, and tests/storage/test_row_types.py checks them
against a freshly migrated database, so a column added without its field fails the tests.
SQLite types map to Python as TEXT -> str, REAL -> float, INTEGER -> int; a nullable column's field admits None.
"""

from typing import TypedDict


class WorkshopRow(TypedDict):
    id: str
    name: str
    budget: float
    currency: str
    status_quo: str
    constraints: str | None
    passcode_hash: str
    join_code: str
    state: str
    deviation_threshold: float
    created_at: str


class ParticipantRow(TypedDict):
    id: str
    workshop_id: str
    name: str
    organization: str
    sector: str
    role: str
    token_hash: str | None
    created_at: str


class ProposalRow(TypedDict):
    id: str
    workshop_id: str
    participant_id: str
    title: str
    rationale: str
    allocations: str
    notes: str
    origin: str
    origin_details: str
    assumptions: str | None
    parent_id: str | None
    version: int
    created_at: str
    by_funder: str | None


class StanceRow(TypedDict):
    id: str
    workshop_id: str
    proposal_id: str
    participant_id: str
    stance: str
    reason: str
    created_at: str


class DecisionRow(TypedDict):
    id: str
    workshop_id: str
    proposal_id: str
    rationale: str
    justifications: str
    revision_reason: str | None
    chain_head: str
    created_at: str


class AuditEntryRow(TypedDict):
    """One entry of an audit chain; workshop_id names the chain (a workshop's or a vote's id)."""

    workshop_id: str
    seq: int
    actor: str
    action: str
    entity: str
    entity_id: str
    before: str | None
    after: str | None
    created_at: str
    prev_hash: str
    hash: str


class ProvenanceRow(TypedDict):
    id: str
    file_name: str
    source: str
    kind: str
    imported_at: str
    content_hash: str
    rows: int


class IndicatorPlaceRow(TypedDict):
    id: int
    key_id: int
    geo_id: str
    geo_name: str
    geo_level: str
    parent_geo_id: str


class IndicatorDefinitionRow(TypedDict):
    id: int
    key_id: int
    indicator_id: str
    indicator_name: str
    vital_condition: str
    unit: str
    higher_is_better: int | None
    measure_type: str


class IndicatorGroupRow(TypedDict):
    id: int
    key_id: int
    source: str
    group_type: str
    group_name: str


class IndicatorPeriodRow(TypedDict):
    id: int
    key_id: int
    period_label: str
    period_start: str
    period_end: str


class IndicatorValueRow(TypedDict):
    """One value in compact form: its key as the key_ids of its place, indicator, group and period, and the rows it describes them by."""

    provenance_id: str
    indicator_key: int
    place_key: int
    group_key: int
    period_key: int
    indicator: int
    place: int
    period: int
    value: float | None
    value_status: str
    lci: float | None
    uci: float | None
    ci_level: float | None
    numerator: float | None
    denominator: float | None
    notes: str


class VoteRow(TypedDict):
    id: str
    workshop_id: str | None
    title: str
    ballot: str
    rule: str
    budget: float
    currency: str
    options: str
    projects: str
    state: str
    rules_hash: str | None
    passcode_hash: str | None
    created_at: str
    opened_at: str | None
    closed_at: str | None
    purged_at: str | None


class VoterCodeRow(TypedDict):
    code_hash: str
    vote_id: str
    created_at: str


class BallotRow(TypedDict):
    id: str
    vote_id: str
    code_hash: str | None
    paper_id: str | None
    receipt_hash: str
    content: str
    neighborhood: str
    group_name: str
    why: str
    paper: int
    current: int
    created_at: str
    why_public: int


class BallotAmountsRow(TypedDict):
    """A split ballot's amounts as float64 bytes in its vote's category order, with a keyed tag (voting/ballot_amounts.py)."""

    ballot_id: str
    vote_id: str
    created_at: str
    amounts: bytes
    fields: str
    tag: bytes


class BallotAmountsSealRow(TypedDict):
    """A closed split vote's copies sealed at once: one keyed tag over all of them (voting/ballot_amounts.py)."""

    vote_id: str
    tag: bytes


class SigninAttemptRow(TypedDict):
    scope: str
    client: str
    failures: int
    last_failure: float
    locked: int


class SigninLogRow(TypedDict):
    scope: str
    client: str
    outcome: str
    at: str


class DraftRow(TypedDict):
    workshop_id: str
    participant_id: str
    allocations: str
    updated_at: str


class FunderRow(TypedDict):
    """A steward bringing money to a workshop: amounts today and floors as JSON {element id: amount}, may_fund a JSON list (None: any)."""

    id: str
    workshop_id: str
    name: str
    sector: str
    amounts: str
    may_fund: str | None
    floors: str
    withdrawn_at: str | None
    created_at: str


class SharedEndsRow(TypedDict):
    """One version of the ends a workshop's room agreed: weights as JSON {objective kind: weight}, the horizon, why it changed."""

    id: str
    workshop_id: str
    weights: str
    years: int
    reason: str | None
    created_at: str


class MenuRow(TypedDict):
    """One version of a workshop's local menu: elements as JSON {id: {name, definition, items}}, line_items a JSON list of programs."""

    id: str
    workshop_id: str
    word: str
    elements: str
    line_items: str
    reason: str | None
    created_at: str


class CommitmentRow(TypedDict):
    """What one funder commits under a recorded decision: amounts as JSON {element id: amount}."""

    id: str
    workshop_id: str
    decision_id: str
    funder: str
    amounts: str
    created_at: str


ROW_TYPES: dict[str, type] = {
    "workshops": WorkshopRow, "participants": ParticipantRow, "proposals": ProposalRow, "stances": StanceRow, "decisions": DecisionRow,
    "audit_log": AuditEntryRow, "provenance": ProvenanceRow, "indicator_values": IndicatorValueRow, "indicator_places": IndicatorPlaceRow,
    "indicator_definitions": IndicatorDefinitionRow, "indicator_groups": IndicatorGroupRow, "indicator_periods": IndicatorPeriodRow, "votes": VoteRow,
    "voter_codes": VoterCodeRow, "ballots": BallotRow, "signin_attempts": SigninAttemptRow, "signin_log": SigninLogRow,
    "drafts": DraftRow, "funders": FunderRow, "shared_ends": SharedEndsRow, "menus": MenuRow, "commitments": CommitmentRow,
    "ballot_amounts": BallotAmountsRow, "ballot_amounts_seals": BallotAmountsSealRow,
}
