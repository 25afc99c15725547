"""The workshop's record as files: JSON, CSV tables and the printable report, each read from one snapshot."""

import json
from pathlib import Path

from portfolio_engine import storage
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.record import exports
from portfolio_engine.services.projection import at_years, project_portfolios

REPORT_YEARS = (0, 5, 10, 20)


def workshop_json(db: storage.Handle, workshop_id: str) -> str:
    """The complete export (every row without credentials, the audit log and the chain head)."""
    return json.dumps(exports.snapshot_in(db, workshop_id), indent=2, ensure_ascii=False)


def proposals_table(db: storage.Handle, catalog: Catalog, workshop_id: str) -> str:
    """One CSV row per proposal version, with its allocations as columns."""
    return exports.proposals_csv(catalog, exports.snapshot_in(db, workshop_id))


def write_record_tables(db: storage.Handle, catalog: Catalog, workshop_id: str, folder: Path) -> list[Path]:
    """Every table of the workshop as CSV files in `folder`; returns the files written."""
    return exports.write_tables(exports.csv_tables(catalog, exports.snapshot_in(db, workshop_id)), folder)


def workshop_report(db: storage.Handle, catalog: Catalog, workshop_id: str) -> str:
    """The printable HTML report: the record read through `db` (one snapshot in a read unit of work), with each
    proposal projected as it was saved (its own assumption edits, if any) beside the status quo."""
    record = exports.report_record(db, workshop_id)
    proposals = record["proposals"]
    status_quo = record["workshop"].status_quo_portfolio(catalog)
    frames = project_portfolios(catalog, status_quo, [status_quo.allocations, *(p["allocations"] for p in proposals)], max(REPORT_YEARS),
                                overrides=[None, *(p["assumptions"] for p in proposals)])
    keys = ["status quo", *(p["id"] for p in proposals)]
    projected = {key: at_years(frame, REPORT_YEARS) for key, frame in zip(keys, frames, strict=True)}
    return exports.html_report(catalog, record, projected)
