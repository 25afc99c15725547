"""Facilitate's decision step: the chosen proposal beside the residents' vote, one reason that may cover every departure,
a warning when the vote is thin, and a confirmation once the decision is recorded (the form then empties)."""

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.record.decisions import departures, low_turnout, record_decision, resident_aggregate
from portfolio_engine.record.workshops import Workshop
from portfolio_engine.security.access import Grant
from portfolio_engine.services.room import dashboard
from portfolio_engine.services.unit_of_work import unit_of_work
from ui.i18n import _, message, share, signed
from ui.model_words import display_unit
from ui.text import plain

SAVED = "decision_saved"
FIELDS = ("decision_rationale", "decision_shared_reason", "revision")


def side_by_side(catalog: Catalog, chosen: dict, aggregate: dict | None, workshop: Workshop) -> pd.DataFrame:
    """Each element: the chosen amount, the residents' vote and the difference, in the workshop's display unit."""
    scale, unit = display_unit(workshop.budget)
    label = f"{unit} {workshop.currency}".strip()
    rows = []
    for element in catalog.elements:
        row = {_("Element"): _(element.name), _("Chosen ({unit})").format(unit=label): round(chosen["allocations"][element.id] / scale, 2)}
        if aggregate:
            residents = aggregate["allocations"].get(element.id, 0.0)
            row[_("Residents' vote ({unit})").format(unit=label)] = round(residents / scale, 2)
            row[_("Difference")] = f"{(chosen['allocations'][element.id] - residents) / scale:+,.2f}"
        rows.append(row)
    return pd.DataFrame(rows)


def residents_note(workshop: Workshop, aggregate: dict | None) -> None:
    """Whether the residents' vote counts yet, and how thin it is."""
    if aggregate is None:
        st.info(_("The residents' vote counts in the decision once it is used as a proposal: after the vote closes, a signed-in "
                  "facilitator chooses 'Use as a proposal in the workshop' on the Results page."))
        return
    with unit_of_work() as db:
        votes = {v["id"]: v for v in dashboard(db, workshop.id)["votes"]}
    vote = votes.get(aggregate["origin_details"].get("vote"))
    warning = low_turnout(vote["ballots"], vote["codes"]) if vote else None
    if warning:
        st.warning(message(warning))


def justification_fields(catalog: Catalog, gaps: dict[str, float], workshop: Workshop) -> dict[str, str]:
    """One shared reason for every departure, and an optional reason of its own per element."""
    names = {e.id: _(e.name) for e in catalog.elements}
    scale, unit = display_unit(workshop.budget)
    st.markdown(_("Elements that depart from the residents' vote by more than {share} of the budget: {elements}.").format(
        share=share(workshop.deviation_threshold), elements=plain(", ".join(f"{names[k]} ({signed(v / scale, 1)} {unit})"
                                                                          for k, v in gaps.items()))))
    shared = st.text_area(_("Why the decision departs from the residents' vote (covers every element listed)"), max_chars=2000,
                          key="decision_shared_reason")
    own = {}
    with st.expander(_("A different reason for some elements (optional)")):
        for element in gaps:
            own[element] = st.text_input(_("Why {element}").format(element=names[element]), max_chars=2000, key=f"justify_{element}")
    return {k: own.get(k) or shared for k in gaps}


def decision_section(catalog: Catalog, workshop: Workshop, proposals: list[dict], grant: Grant | None) -> None:
    """Record (or revise) the decision with the facilitator's grant."""
    st.markdown("**" + _("Record the decision") + "**")
    if SAVED in st.session_state:
        st.success(st.session_state.pop(SAVED))
    aggregate = resident_aggregate(workshop.id)
    residents_note(workshop, aggregate)
    by = _("{title} v{version} by {author}")  # translated once per run, not inside the menu's formatter
    chosen = st.selectbox(_("Chosen proposal (version)"), proposals, key="decision_proposal",
                          format_func=lambda p: by.format(title=p["title"], version=p["version"], author=p["author"]))
    st.dataframe(side_by_side(catalog, chosen, aggregate, workshop), hide_index=True, width="stretch")
    rationale = st.text_area(_("Why this portfolio"), max_chars=5000, key="decision_rationale")
    gaps = departures(chosen["allocations"], aggregate["allocations"], workshop.deviation_threshold * workshop.budget) if aggregate else {}
    justifications = justification_fields(catalog, gaps, workshop) if gaps else {}
    reason = st.text_input(_("Reason for revising the decision"), max_chars=2000, key="revision") if workshop.state == "decided" else None
    if st.button(_("Record the decision"), type="primary", key="record_decision"):
        try:
            record_decision(workshop.id, chosen["id"], rationale, None, justifications, reason, grant=grant)
        except PortfolioError as err:
            st.error(plain(message(str(err))))
            return
        for key in [*FIELDS, *(f"justify_{k}" for k in gaps)]:
            st.session_state.pop(key, None)
        st.session_state[SAVED] = _("Decision recorded: {title} v{version}. The workshop is now decided.").format(title=chosen["title"],
                                                                                                                 version=chosen["version"])
        st.rerun()
