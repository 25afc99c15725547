"""Funders on the pages: the Facilitate table of the region's current portfolio by funder, and Allocate's "by funder" view.

Pages call one function each; the engine (portfolio_engine/record/funders.py) checks and stores, this module reads input and draws.
"""

import json

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.record.decisions import decisions
from portfolio_engine.record.funders import (
    CSV_COLUMNS,
    commitments_of,
    from_rows,
    list_funders,
    read_csv,
    record_commitments,
    set_funders,
    to_csv_rows,
    who_moves_what,
    with_mandates,
)
from portfolio_engine.record.workshops import Workshop
from portfolio_engine.security.access import Grant
from ui import identity
from ui.i18n import _, message
from ui.text import plain

EDITOR = "funders_table"


def _table(catalog: Catalog, rows: list[dict]) -> pd.DataFrame:
    """The editor's frame: element names instead of ids (people read names)."""
    names = {e.id: _(e.name) for e in catalog.elements}
    frame = pd.DataFrame(rows, columns=list(CSV_COLUMNS))
    frame["element"] = frame["element"].map(lambda e: names.get(e, e))
    return frame


def _rows(catalog: Catalog, frame: pd.DataFrame) -> list[dict]:
    """The edited frame back as engine rows (element ids; blank rows dropped)."""
    ids = {_(e.name): e.id for e in catalog.elements}
    rows = []
    for record in frame.to_dict("records"):
        if any(str(record.get(c) or "").strip() and str(record.get(c)) != "nan" for c in CSV_COLUMNS):
            amount = record.get("amount")
            rows.append({"funder": str(record.get("funder") or ""), "sector": str(record.get("sector") or ""),
                         "element": ids.get(str(record.get("element")), str(record.get("element") or "")),
                         "amount": "" if amount is None or pd.isna(amount) else str(amount)})
    return rows


def facilitate_section(catalog: Catalog, workshop: Workshop, grant: Grant | None) -> None:
    """Facilitate: enter the region's current portfolio as funder x element amounts (a table, or a CSV file), with mandates; save or download."""
    st.markdown("**" + _("Funders: who brings the money today") + "**")
    stored = list_funders(workshop.id)
    st.caption(_("One row per funder and element, amounts per year. The funders' totals per element must be the workshop's status quo. "
                 "A mandate lists the elements a funder's money may fund (none: any) and the floors it must keep."))
    upload = st.file_uploader(_("Load a CSV file (funder,sector,element,amount)"), type=["csv"], key="funders_csv")
    try:
        rows = to_csv_rows(catalog, read_csv(catalog, upload.getvalue().decode("utf-8-sig")) if upload else stored)
    except (PortfolioError, UnicodeDecodeError) as err:
        st.error(plain(message(str(err))))
        rows = to_csv_rows(catalog, stored)
    edited = st.data_editor(_table(catalog, rows), num_rows="dynamic", key=EDITOR, hide_index=True, width="stretch", column_config={
        "funder": st.column_config.TextColumn(_("Funder"), required=True),
        "sector": st.column_config.TextColumn(_("Sector")),
        "element": st.column_config.SelectboxColumn(_("Element"), options=[_(e.name) for e in catalog.elements], required=True),
        "amount": st.column_config.NumberColumn(_("Amount per year"), min_value=0.0, format="%.0f", required=True)})
    mandates_now = {s.name: {k: v for k, v in (("may_fund", list(s.may_fund) if s.may_fund else None), ("floors", s.floors or None)) if v}
                    for s in stored if s.may_fund or s.floors}
    mandates = st.text_area(_("Mandates (JSON)"), value=json.dumps(mandates_now, indent=1) if mandates_now else "", key="funders_mandates",
                            placeholder='{"County hospital": {"may_fund": ["acute_care", "basic_needs"], "floors": {"acute_care": 20000000}}}')
    save, download = st.columns(2)
    if save.button(_("Save the funders"), key="save_funders"):
        try:
            raw = json.loads(mandates) if mandates.strip() else None
            set_funders(catalog, workshop.id, with_mandates(from_rows(catalog, _rows(catalog, edited)), raw), None, grant=grant)
        except json.JSONDecodeError as err:
            st.error(_("The mandates are not valid JSON (line {line}): nothing was saved.").format(line=err.lineno))
        except PortfolioError as err:
            st.error(plain(message(str(err))))
        else:
            st.success(_("Funders saved."))
    if stored:
        frame = pd.DataFrame(to_csv_rows(catalog, stored), columns=list(CSV_COLUMNS))
        download.download_button(_("Download the funders (CSV)"), frame.to_csv(index=False), "funders.csv", "text/csv", on_click="ignore",
                                 key="download_funders")
    if stored and decisions(workshop.id):
        _commitments(catalog, workshop, grant)


def _commitments(catalog: Catalog, workshop: Workshop, grant: Grant | None) -> None:
    """After the decision: record what each funder commits (the split that moves the least money from today) and show it."""
    if st.button(_("Record each funder's commitment under the decision"), key="record_commitments"):
        try:
            record_commitments(catalog, workshop.id, None, None, grant=grant)
        except PortfolioError as err:
            st.error(plain(message(str(err))))
    committed = commitments_of(workshop.id)
    if committed:
        names = {e.id: _(e.name) for e in catalog.elements}
        st.dataframe(pd.DataFrame([{_("Funder"): funder, _("Element"): names[e], _("Committed (millions)"): amount / 1e6}
                                   for funder, amounts in committed.items() for e, amount in amounts.items() if amount]),
                     hide_index=True, width="stretch")


def by_funder(catalog: Catalog, allocations: dict[str, float]) -> None:
    """Allocate's "by funder" view: who would move what under these sliders, each funder within its mandate (for a workshop with funders)."""
    workshop = identity.workshop_in_view()
    if workshop is None:
        return
    read = f"allocate:funders:{workshop.id}"  # once per session: never a database read on a slider's move
    if read not in st.session_state:
        st.session_state[read] = list_funders(workshop.id)
    stewards = st.session_state[read]
    if not stewards or not st.toggle(_("By funder: who moves what"), key="by_funder"):
        return
    with st.container():
        try:
            rows = who_moves_what(catalog, stewards, allocations)
        except PortfolioError as err:
            st.warning(plain(message(str(err))))
            return
        st.caption(_("Each funder's money stays within its mandate and floors. The sliders set element totals only, so each funder is shown "
                     "moving as little money as it can from what it funds today."))
        frame = pd.DataFrame(rows)
        for column in ("today", "proposed", "change"):
            frame[column] = frame[column] / 1e6
        frame["element"] = frame["element"].map(_)
        millions = {"today": _("Today (millions)"), "proposed": _("Under these sliders (millions)"), "change": _("Change (millions)")}
        st.dataframe(frame.rename(columns={"funder": _("Funder"), "element": _("Element"), **millions, "with": _("Funded with")}),
                     hide_index=True, width="stretch", column_config={c: st.column_config.NumberColumn(format="%.2f") for c in millions.values()})


def compare_section(catalog: Catalog, workshop: Workshop, picked: dict[str, dict[str, float]], tables: dict[str, dict] | None = None) -> None:
    """Compare: per portfolio, each funder's change from today by element and with whom each element is funded (workshops with funders);
    a proposal's own funding table (`tables`, by label) as it says, else an estimate from its element totals, marked as such."""
    stewards = list_funders(workshop.id)
    if not stewards:
        return
    tables = tables or {}
    st.subheader(_("Who funds what: each funder's change from today"))
    st.caption(_("Marked (estimated): the proposal gives element totals only, so each funder is shown moving as little money as it can from "
                 "today, within its mandate and floors. Marked (as proposed): the proposal says who funds what."))
    rows: dict[tuple[str, str], dict] = {}
    for label, allocations in picked.items():
        try:
            moved = who_moves_what(catalog, stewards, allocations, tables.get(label))
        except PortfolioError as err:
            st.warning(plain(f"{label}: {message(str(err))}"))
            continue
        column = (_("{portfolio} (as proposed)") if label in tables else _("{portfolio} (estimated)")).format(portfolio=label)
        for row in moved:
            entry = rows.setdefault((row["funder"], row["element"]),
                                    {_("Funder"): row["funder"], _("Element"): _(row["element"]), _("Today (millions)"): row["today"] / 1e6})
            entry[_("{portfolio}: change (millions)").format(portfolio=column)] = row["change"] / 1e6
            entry[_("{portfolio}: funded with").format(portfolio=column)] = row["with"]
    if rows:
        st.dataframe(pd.DataFrame(list(rows.values())), hide_index=True, width="stretch")
