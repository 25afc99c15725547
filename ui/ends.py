"""Shared ends on the Facilitate page: the outcomes the room agrees matter and how much, before any proposal (record/ends.py)."""

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import Catalog, load_catalog
from portfolio_engine.record.decisions import resident_aggregate
from portfolio_engine.record.ends import ENDS, Ends, current_ends, ends_from_vote, ends_history, lens, parse_ends, set_ends
from portfolio_engine.record.workshops import Workshop
from portfolio_engine.security.access import Grant
from portfolio_engine.voting.votes import list_votes
from ui.i18n import _, message
from ui.text import plain


def sentence(ends: Ends) -> str:
    """The ends in the page's language, as `Ends.sentence` writes them in English: 'Less suffering (weight 2), ..., over 20 years'."""
    parts = [_("{end} (weight {weight})").format(end=_(ENDS[k]), weight=f"{w:g}") for k, w in sorted(ends.weights.items(), key=lambda kw: -kw[1])]
    return _("{ends}, over {years} years").format(ends=", ".join([parts[0], *(p[0].lower() + p[1:] for p in parts[1:])]), years=ends.years)


def from_vote(workshop: Workshop, grant: Grant | None) -> None:
    """Once a resident split vote of the workshop has closed: record the ends it suggests, with the vote's fingerprint as the reason
    (each family's share of the points weighs the end it serves); the room can revise them below."""
    closed = [v for v in list_votes() if v.workshop_id == workshop.id and v.ballot == "split" and v.state in ("closed", "purged")]
    if not closed:
        return
    vote = closed[0] if len(closed) == 1 else st.selectbox(_("Residents' vote"), closed, index=len(closed) - 1, format_func=lambda v: v.title,
                                                          key="ends_vote")
    if st.button(_("Propose the ends from the residents' vote ({title})").format(title=vote.title), key="ends_from_vote",
                 help=_("Vital conditions' share of the points weighs 'more people thriving', urgent services' weighs 'less suffering', "
                        "belonging and civic muscle's weighs 'closing gaps between neighborhoods'.")):
        try:
            ends, reason = ends_from_vote(load_catalog(), workshop.id, vote.id)
            set_ends(workshop.id, ends, reason, None, grant=grant)
        except PortfolioError as err:
            st.error(plain(message(str(err))))
        else:
            for key in [f"end:{kind}" for kind in ENDS] + ["ends_years"]:
                st.session_state.pop(key, None)  # the fields below show the recorded ends
            st.success(_("Ends recorded from the residents' vote: {ends}.").format(ends=sentence(ends)))


def facilitate_section(workshop: Workshop, grant: Grant | None) -> None:
    """Record or revise the room's ends: a weight per end (0: does not count) and a horizon; a change needs its reason."""
    st.markdown("**" + _("Shared ends: what the room agrees matters") + "**")
    from_vote(workshop, grant)
    history = ends_history(workshop.id)
    current = history[-1]["ends"] if history else None
    st.caption(_("Agreed: {ends}.").format(ends=sentence(current)) if current else
               _("Before proposals, agree on the outcomes that matter and how much. They become the optimizer's default objective."))
    with st.form("shared_ends"):
        columns = st.columns(len(ENDS))
        weights = {kind: column.number_input(_(words), min_value=0.0, max_value=10.0, step=0.5, key=f"end:{kind}",
                                             value=float(current.weights.get(kind, 0.0)) if current else (1.0 if kind == "thriving_at_year" else 0.0))
                   for column, (kind, words) in zip(columns, ENDS.items(), strict=True)}
        years = st.number_input(_("Over how many years"), min_value=1, max_value=200, value=current.years if current else 20, key="ends_years")
        reason = st.text_input(_("Why the ends change"), key="ends_reason", disabled=not history, help=_("Needed for every change after the first."))
        if st.form_submit_button(_("Record the ends") if not history else _("Revise the ends")):
            try:
                set_ends(workshop.id, parse_ends({"years": int(years), "weights": weights}), reason, None, grant=grant)
            except PortfolioError as err:
                st.error(plain(message(str(err))))
            else:
                st.success(_("Ends recorded."))
                history = ends_history(workshop.id)
    if len(history) > 1:
        st.dataframe(pd.DataFrame([{_("When"): h["created_at"], _("Ends"): sentence(h["ends"]), _("Why"): h["reason"] or _("first agreement")}
                                   for h in history]), hide_index=True, width="stretch")


def compare_lens(catalog: Catalog, workshop: Workshop, picked: dict[str, dict[str, float]]) -> None:
    """Compare: how each chosen portfolio does on the ends the room agreed, each against the status quo (nothing ranked)."""
    ends = current_ends(workshop.id)
    if ends is None:
        return
    st.subheader(_("How each one does on the ends you agreed"))
    st.caption(_("Agreed: {ends}. Each portfolio is read against the status quo, not against the others.").format(ends=sentence(ends)))
    vote = resident_aggregate(workshop.id)
    rows = lens(catalog, ends, workshop.status_quo_portfolio(catalog), picked, vote["allocations"] if vote else None)
    if not rows:
        st.caption(_("These ends need data this workshop does not have yet (the residents' vote, neighborhood data)."))
        return
    frame = pd.DataFrame(rows).assign(reading=lambda t: t["value"].map(message) + " (" + t["verdict"].map(_) + ")", end=lambda t: t["end"].map(_))
    table = frame.pivot_table(index=["end", "weight"], columns="portfolio", values="reading", aggfunc="first", sort=False).reset_index()
    st.dataframe(table[["end", "weight", *picked]].rename(columns={"end": _("end"), "weight": _("weight")}), hide_index=True, width="stretch")
