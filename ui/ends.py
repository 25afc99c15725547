"""Shared ends on the Facilitate page: the outcomes the room agrees matter and how much, before any proposal (record/ends.py)."""

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.record.ends import ENDS, ends_history, parse_ends, set_ends
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
