"""Shared ends on the Facilitate page: the outcomes the room agrees matter and how much, before any proposal (record/ends.py)."""

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.record.decisions import resident_aggregate
from portfolio_engine.record.ends import ENDS, current_ends, ends_history, lens, parse_ends, set_ends
from portfolio_engine.record.workshops import Workshop
from portfolio_engine.security.access import Grant
from ui.text import plain


def facilitate_section(workshop: Workshop, grant: Grant | None) -> None:
    """Record or revise the room's ends: a weight per end (0: does not count) and a horizon; a change needs its reason."""
    st.markdown("**Shared ends: what the room agrees matters**")
    history = ends_history(workshop.id)
    current = history[-1]["ends"] if history else None
    st.caption(f"Agreed: {current.sentence()}." if current else
               "Before proposals, agree on the outcomes that matter and how much. They become the optimizer's default objective.")
    with st.form("shared_ends"):
        columns = st.columns(len(ENDS))
        weights = {kind: column.number_input(words, min_value=0.0, max_value=10.0, step=0.5, key=f"end:{kind}",
                                             value=float(current.weights.get(kind, 0.0)) if current else (1.0 if kind == "thriving_at_year" else 0.0))
                   for column, (kind, words) in zip(columns, ENDS.items(), strict=True)}
        years = st.number_input("Over how many years", min_value=1, max_value=200, value=current.years if current else 20, key="ends_years")
        reason = st.text_input("Why the ends change", key="ends_reason", disabled=not history, help="Needed for every change after the first.")
        if st.form_submit_button("Record the ends" if not history else "Revise the ends"):
            try:
                set_ends(workshop.id, parse_ends({"years": int(years), "weights": weights}), reason, None, grant=grant)
            except PortfolioError as err:
                st.error(plain(str(err)))
            else:
                st.success("Ends recorded.")
                history = ends_history(workshop.id)
    if len(history) > 1:
        st.dataframe(pd.DataFrame([{"When": h["created_at"], "Ends": h["ends"].sentence(), "Why": h["reason"] or "first agreement"} for h in history]),
                     hide_index=True, width="stretch")


def compare_lens(catalog: Catalog, workshop: Workshop, picked: dict[str, dict[str, float]]) -> None:
    """Compare: how each chosen portfolio does on the ends the room agreed, each against the status quo (nothing ranked)."""
    ends = current_ends(workshop.id)
    if ends is None:
        return
    st.subheader("How each one does on the ends you agreed")
    st.caption(f"Agreed: {ends.sentence()}. Each portfolio is read against the status quo, not against the others.")
    vote = resident_aggregate(workshop.id)
    rows = lens(catalog, ends, workshop.status_quo_portfolio(catalog), picked, vote["allocations"] if vote else None)
    if not rows:
        st.caption("These ends need data this workshop does not have yet (the residents' vote, neighborhood data).")
        return
    frame = pd.DataFrame(rows).assign(reading=lambda t: t["value"] + " (" + t["verdict"] + ")")
    table = frame.pivot_table(index=["end", "weight"], columns="portfolio", values="reading", aggfunc="first", sort=False).reset_index()
    st.dataframe(table[["end", "weight", *picked]], hide_index=True, width="stretch")
