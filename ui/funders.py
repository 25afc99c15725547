"""Funders on the pages: the Facilitate table of the region's current portfolio by funder, and Allocate's "by funder" view with the
participant's own funding table, which Allocate's save form passes to the engine (`funding_rows`, refusals worded by `refusal`).

Pages call one function each; the engine (portfolio_engine/record/funders.py) checks and stores, this module reads input and draws.
"""

import json
import re

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.i18n import N_
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.record.decisions import decisions
from portfolio_engine.record.funders import (
    CSV_COLUMNS,
    Steward,
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
from portfolio_engine.record.funders import by_funder as estimated_split
from portfolio_engine.record.workshops import Workshop
from portfolio_engine.security.access import Grant
from ui import identity
from ui.i18n import _, message, money
from ui.text import plain

EDITOR = "funders_table"
FUNDING_EDITOR = "allocate:funding_editor"  # Allocate's own funding table (elements down, funders across, millions)
FUNDING_BASE = "allocate:funding_base"  # (sliders it was filled from, its frame): kept while someone edits, so no edit is lost on a move
FUNDING_ROWS = "allocate:funding_rows"  # the rows the save form passes, set only on a run that shows the table and its box ticked


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
    """Allocate's "by funder" view: who would move what under these sliders, each funder within its mandate (for a workshop with funders),
    and the participant's own funding table to save with the proposal (`funding_rows`)."""
    st.session_state.pop(FUNDING_ROWS, None)  # a table the page no longer shows is never saved
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
            split_amounts = estimated_split(catalog, stewards, allocations)
        except PortfolioError as err:
            st.warning(plain(message(str(err))))
            split_amounts = None
        if split_amounts is not None:
            _moves(catalog, stewards, allocations, split_amounts)
        _funding_editor(catalog, stewards, allocations, split_amounts)


def _moves(catalog: Catalog, stewards: list[Steward], allocations: dict[str, float], split_amounts: dict[str, dict[str, float]]) -> None:
    """The estimated split as a table: each funder's amount today, under the sliders and its change, and who it funds each element with."""
    rows = who_moves_what(catalog, stewards, allocations, split_amounts)
    st.caption(_("Each funder's money stays within its mandate and floors. The sliders set element totals only, so each funder is shown "
                 "moving as little money as it can from what it funds today."))
    frame = pd.DataFrame(rows)
    for column in ("today", "proposed", "change"):
        frame[column] = frame[column] / 1e6
    frame["element"] = frame["element"].map(_)
    millions = {"today": _("Today (millions)"), "proposed": _("Under these sliders (millions)"), "change": _("Change (millions)")}
    st.dataframe(frame.rename(columns={"funder": _("Funder"), "element": _("Element"), **millions, "with": _("Funded with")}),
                 hide_index=True, width="stretch", column_config={c: st.column_config.NumberColumn(format="%.2f") for c in millions.values()})


def _funding_editor(catalog: Catalog, stewards: list[Steward], allocations: dict[str, float],
                    split_amounts: dict[str, dict[str, float]] | None) -> None:
    """The participant's own funding table: elements down, funders across, in millions, filled with the estimate above (else what each
    funder funds today). While nobody has edited it, it follows the sliders; once edited it stays as edited, and the differences show."""
    state = st.session_state
    st.markdown("**" + _("Your own funding table") + "**")
    st.caption(_("Say who funds what in your proposal, in millions per year. Each element's total must be what the sliders give it, and "
                 "each funder must bring its own amount, within its mandate and floors."))
    edits = state.get(FUNDING_EDITOR) or {}
    filled = state.get(FUNDING_BASE)
    if filled is None or (filled[0] != allocations and not any(edits.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))):
        filled = (dict(allocations), _funding_frame(catalog, stewards, split_amounts or {s.name: s.amounts for s in stewards}))
        state[FUNDING_BASE] = filled
    names = {e.id: _(e.name) for e in catalog.elements}
    edited = st.data_editor(filled[1], key=FUNDING_EDITOR, width="stretch", height="content", num_rows="fixed", disabled=["element"],
                            column_config={"element": st.column_config.TextColumn(_("Element")),
                                           **{s.name: st.column_config.NumberColumn(s.name, help=_mandate(s, names), min_value=0.0, format="%.2f")
                                              for s in stewards}})
    st.button(_("Fill again from the sliders"), key="funding_refill", on_click=_refill)
    table = _funding_amounts(catalog, stewards, edited)
    _differences(catalog, stewards, allocations, table, names)
    if st.checkbox(_("Save with this funding table"), key="funding_save",
                   help=_("The proposal you save below then says who funds what; without it, funders are estimated from its totals.")):
        state[FUNDING_ROWS] = [{"funder": name, "element": element, "amount": amount, "row": number}
                               for number, element in enumerate(catalog.ids, start=1) for name, amounts in table.items()
                               if (amount := amounts[element])]


def _funding_frame(catalog: Catalog, stewards: list[Steward], split_amounts: dict[str, dict[str, float]]) -> pd.DataFrame:
    """Elements (names, in the page's words) down, one column per funder across, amounts in millions; numbered from 1 as a refusal
    names its row."""
    frame = pd.DataFrame({"element": [_(e.name) for e in catalog.elements]}, index=range(1, len(catalog.ids) + 1))
    for s in stewards:
        frame[s.name] = [split_amounts.get(s.name, {}).get(e, 0.0) / 1e6 for e in catalog.ids]
    return frame


def _funding_amounts(catalog: Catalog, stewards: list[Steward], edited: pd.DataFrame) -> dict[str, dict[str, float]]:
    """The edited table back in currency units, to the cent ({funder: {element id: amount}}; a cleared cell is nothing)."""
    return {s.name: {e: round(float(0.0 if pd.isna(v := edited[s.name].iloc[n]) else v) * 1e6, 2) for n, e in enumerate(catalog.ids)}
            for s in stewards}


def _mandate(steward: Steward, names: dict[str, str]) -> str:
    """A funder's column help: what it brings and where its money may go."""
    words = [_("Brings {amount} a year.").format(amount=money(steward.amount))]
    words.append(_("May fund: {elements}.").format(elements=", ".join(names[e] for e in steward.may_fund)) if steward.may_fund is not None
                 else _("May fund any element."))
    words += [_("Keeps at least {amount} on {element}.").format(amount=money(floor), element=names[e]) for e, floor in steward.floors.items()]
    return " ".join(words)


def _refill() -> None:
    """Start the table again from the sliders as they are (the edits are dropped)."""
    st.session_state.pop(FUNDING_BASE, None)
    st.session_state.pop(FUNDING_EDITOR, None)


def _differences(catalog: Catalog, stewards: list[Steward], allocations: dict[str, float], table: dict[str, dict[str, float]],
                 names: dict[str, str]) -> None:
    """What still keeps the table from being saved, element by element and funder by funder, in millions; or that it adds up."""
    lines = []
    for e in catalog.ids:
        total, wanted = sum(amounts[e] for amounts in table.values()), allocations.get(e, 0.0)
        if abs(total - wanted) > 0.5:
            words = _("{element}: {difference} more than the sliders give it") if total > wanted else _("{element}: {difference} less than the sliders give it")
            lines.append(words.format(element=names[e], difference=money(abs(total - wanted))))
    for s in stewards:
        total = sum(table[s.name].values())
        if abs(total - s.amount) > 0.5:
            more = total > s.amount
            words = _("{funder}: {difference} more than the {amount} it brings") if more else _("{funder}: {difference} less than the {amount} it brings")
            lines.append(words.format(funder=s.name, difference=money(abs(total - s.amount)), amount=money(s.amount)))
    if lines:
        st.warning(_("This table does not add up yet:") + "\n\n" + "\n".join(f"- {plain(line)}" for line in lines))
    else:
        st.caption(_("Each element's total is what the sliders give it, and each funder brings its own amount."))


def funding_rows() -> list[dict] | None:
    """The participant's own funding table for the save form (rows funder, element id, amount, row), when they chose to save with it."""
    return st.session_state.get(FUNDING_ROWS)


def refusal(catalog: Catalog, err: Exception) -> str:
    """An engine refusal in the page's language with element names for ids ("Row 3 (County, Humane housing)"), as people read the table."""
    return message(named(catalog, str(err)))


def named(catalog: Catalog, text: str) -> str:
    """An engine message with each element's name where it gives the id ("Acute care (acute_care)" and "acute_care" read "Acute care")."""
    for e in catalog.elements:
        text = text.replace(f"{e.name} ({e.id})", e.name)
        text = re.sub(rf"\b{re.escape(e.id)}\b", e.name, text)
    return text


# The engine's refusals of a funding table the page can meet (record/funders.py, record/proposals.py), as `named` words them. The first two
# show in English until i18n.message tries its most specific entry first: today the generic "{at}: {values}." (ui/chart_text.py) matches them.
REFUSALS = (
    N_("Row {row} ({funder}, {element}): {owner}'s mandate does not allow it to fund {name}. Nothing was saved."),
    N_("{element}: the funders bring {given} in the funding table, the portfolio gives {wanted}. Nothing was saved."),
    N_("{funder} funds {given} in this table, not the {amount} it brings. Nothing was saved."),
    N_("{funder} funds {given} on {element}, less than its floor ({floor}). Nothing was saved."),
)


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
