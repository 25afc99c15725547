"""Optimize's objectives and constraints: one constraints document behind the tables and the JSON view.

The document last pasted (or the page's default) is the base; the tables are drawn from it and never change while a person
types (a table whose data changes under an edit loses keystrokes), so their edits make the document in use. Pasting JSON
replaces the base and redraws the tables from it, floors and owners included; the JSON view always shows the document in use.
A fragment: an edit reruns these tables only, not the proposal and its charts below.
"""

import json

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.jsonfile import parse_json
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.portfolio import Portfolio
from portfolio_engine.optimizer.constraints import (
    DEFAULT_YEARS,
    ELEMENT_COLUMNS,
    FAMILY_COLUMNS,
    document_from_tables,
    merged_document,
    objective_rows,
    parse_terms,
    problem_from_dict,
    table_rows,
)
from ui.i18n import _, message
from ui.text import plain

BASE, VERSION, SCOPE = "constraints_base", "constraints_version", "constraints_scope"
DOCUMENT = "constraints_document"  # the document in use: what Find the best portfolio and the frontier optimize
TEXT, SHOWN, ERROR = "constraints_json", "constraints_json_shown", "constraints_json_error"
ROW_HEIGHT = 35  # Streamlit's table rows: a table this many rows high shows every row without scrolling
UNUSED_YEARS = {"suffering_years": 10, "urgent_cost": 10}


def start(scope: str, objective: dict) -> None:
    """A fresh base document for this workshop (or none): the objective it starts from and the 25% limit on change."""
    if st.session_state.get(SCOPE) != scope:
        st.session_state[SCOPE], st.session_state[BASE] = scope, {"objective": objective, "max_change": 0.25}
        st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1
        _show_limits(st.session_state[BASE])


def _show_limits(document: dict) -> None:
    """The limit on change and the robust switch as the document sets them."""
    st.session_state["use_max_change"] = document.get("max_change") is not None
    st.session_state["max_change"] = float(document["max_change"]) * 100 if document.get("max_change") is not None else 25.0
    st.session_state["robust"] = document.get("robust") is True


def _apply(catalog: Catalog, labels: dict[str, str]) -> None:
    """Make the pasted JSON the base document, once it is valid and every objective in it is offered here."""
    try:
        raw = parse_json(st.session_state[TEXT], "The JSON document")
        problem_from_dict(raw, catalog)  # checked before it replaces the tables
        missing = [t.kind for t in parse_terms(catalog, raw.get("objective", {"thriving_at_year": DEFAULT_YEARS})) if t.kind not in labels]
        if missing:
            raise PortfolioError(_("This page cannot use the objective {objectives}: it needs community data imported on the Data page.").format(
                objectives=", ".join(missing)))
    except PortfolioError as err:
        st.session_state[ERROR] = plain(message(str(err)))  # messages can quote the pasted document: shown literally, never as markdown
        return
    st.session_state[BASE], st.session_state[ERROR] = raw, None
    st.session_state[VERSION] += 1
    _show_limits(raw)


def _height(rows: int) -> int:
    return ROW_HEIGHT * (rows + 1) + 3


@st.fragment
def edit(catalog: Catalog, status_quo: Portfolio, labels: dict[str, str], current: dict[str, float], communities: list | None,
         funders: dict | None, unit: tuple[float, str], agreed: bool) -> None:
    """The objectives, the limits and the JSON view; the document in use goes to st.session_state[DOCUMENT]."""
    state, (scale, word) = st.session_state, unit
    base, version = state[BASE], state[VERSION]
    st.subheader(_("What to aim for"))
    if agreed:
        st.caption(_("Ticked and weighted as the room agreed on Facilitate (its shared ends); change them here for this proposal only."))
    rows = objective_rows(catalog, base, list(labels), UNUSED_YEARS)
    objectives = st.data_editor(
        pd.DataFrame([{**row, "objective": labels[row["kind"]]} for row in rows])[["use", "kind", "objective", "years", "weight"]],
        column_config={
            "use": st.column_config.CheckboxColumn(_("Use")),
            "kind": None,
            "objective": st.column_config.TextColumn(_("Objective"), disabled=True),
            "years": st.column_config.NumberColumn(_("Years"), min_value=1, max_value=30, step=1),
            "weight": st.column_config.NumberColumn(_("Weight"), min_value=0.01, max_value=1000.0, step=0.5),
        },
        hide_index=True, key=f"objectives_editor:{version}", width="stretch",
    )
    st.caption(_("Each objective is compared with its status-quo value, so weights compare relative changes."))

    st.subheader(_("Constraints"))
    limit = st.toggle(_("Limit how far each element moves from the status quo"), key="use_max_change")
    max_change = st.number_input(_("Largest change per element (% of its status-quo amount)"), 0.0, 1000.0, step=5.0, format="%g",
                                 key="max_change", disabled=not limit) / 100 if limit else None
    st.caption(_("Amounts in {unit}. Who asked for a limit is kept with it and named in the result.").format(unit=word))
    elements = st.data_editor(
        pd.DataFrame([{**row, "element": e.name, "status_quo": status_quo.allocations[e.id] / scale}
                      for row, e in zip(table_rows(base, catalog.ids, ELEMENT_COLUMNS, scale), catalog.elements, strict=True)]).astype(
            {"floor": "float64", "ceiling": "float64", "lock": "float64"}),
        column_order=("element", "owner", "floor", "ceiling", "lock", "status_quo"),
        column_config={
            "element": st.column_config.TextColumn(_("Element"), disabled=True, pinned=True),
            "owner": st.column_config.TextColumn(_("Who asked for it"), max_chars=80, width="medium"),
            "floor": st.column_config.NumberColumn(_("Floor"), min_value=0.0, format="%.1f", width="small"),
            "ceiling": st.column_config.NumberColumn(_("Ceiling"), min_value=0.0, format="%.1f", width="small"),
            "lock": st.column_config.NumberColumn(_("Lock at"), min_value=0.0, format="%.1f", width="small"),
            "status_quo": st.column_config.NumberColumn(_("Status quo"), disabled=True, format="%.1f", width="small"),
        },
        hide_index=True, key=f"elements_editor:{version}", width="stretch", height=_height(len(catalog.ids)),
    )
    families = st.data_editor(
        pd.DataFrame([{**row, "family": _(name)} for row, name in zip(table_rows(base, list(catalog.family_names), FAMILY_COLUMNS, scale),
                                                                    catalog.family_names.values(), strict=True)]).astype(
            {"floor": "float64", "ceiling": "float64"}),
        column_order=("family", "owner", "floor", "ceiling"),
        column_config={
            "family": st.column_config.TextColumn(_("Family"), disabled=True, pinned=True),
            "owner": st.column_config.TextColumn(_("Who asked for it"), max_chars=80, width="medium"),
            "floor": st.column_config.NumberColumn(_("Family floor"), min_value=0.0, format="%.1f", width="small"),
            "ceiling": st.column_config.NumberColumn(_("Family ceiling"), min_value=0.0, format="%.1f", width="small"),
        },
        hide_index=True, key=f"families_editor:{version}", width="stretch", height=_height(len(catalog.family_names)),
    )
    tables = document_from_tables(status_quo, objectives, elements, families, scale, max_change, current, communities)
    if st.toggle(_("Robust: choose the mix that does best when the assumptions are unkind (takes a few seconds)"), key="robust",
                 help=_("Optimizes the objective's 10th percentile across 200 plausible sets of assumptions instead of the central ones.")):
        tables["robust"] = True
    document = merged_document(base, tables)
    if funders:
        document["funders"] = funders
        st.caption(_("The workshop's funders ({count}) bring the budget under their mandates: money lands only where its funder may spend it, "
                     "and the proposal says who funds what.").format(count=len(funders)))
    state[DOCUMENT] = document
    _json_view(catalog, labels, document)


def _json_view(catalog: Catalog, labels: dict[str, str], document: dict) -> None:
    """The document in use as JSON, following every table edit; a pasted document replaces the tables once applied."""
    state = st.session_state
    shown = json.dumps(document, indent=2)
    if state.get(SHOWN) != shown:  # the tables changed: the JSON follows, and an earlier paste's error no longer applies
        state[TEXT], state[SHOWN] = shown, shown
        state[ERROR] = None
    with st.expander(_("Constraints as JSON (the same document as the tables; edit or paste one)")):
        st.caption(_("The document the command line takes: `python -m portfolio_engine optimize --constraints FILE.json`. "
                     "Applying a pasted document fills the tables from it."))
        st.text_area(_("Constraints document"), height=260, key=TEXT)
        st.button(_("Apply the JSON to the tables"), key="apply_json", on_click=_apply, args=(catalog, labels))
        if state.get(ERROR):
            st.error(state[ERROR])
