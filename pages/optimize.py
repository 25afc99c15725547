"""Optimize: the best mix under the room's constraints, what binds, and the trade-off frontier."""

import numpy as np
import pandas as pd
import streamlit as st

from portfolio_engine.community.indicators import values
from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.communities import communities_from_values
from portfolio_engine.model.studio import display_unit
from portfolio_engine.optimizer.binding_words import binding_lines
from portfolio_engine.optimizer.constraints import DEFAULT_YEARS, FRONTIER_KINDS, OBJECTIVE_KINDS, parse_terms
from portfolio_engine.optimizer.reading import relative, term_sentence, value_words
from portfolio_engine.record.ends import current_ends
from portfolio_engine.record.funders import constraints_funders, list_funders
from portfolio_engine.record.proposals import save_proposal
from portfolio_engine.services.optimizer import frontier_view, optimizer_view
from ui import chart_text, charts, constraints_editor, identity, session
from ui.i18n import _, language, message
from ui.menu import catalog_for
from ui.text import plain

catalog = load_catalog()
status_quo = identity.status_quo(catalog)  # the joined workshop's, else the shipped one
budget = status_quo.budget
scale, unit = display_unit(budget)
names = {e.id: e.name for e in catalog.elements}
state = st.session_state
current = state.get(session.CURRENT_ALLOCATION, status_quo.allocations)
LABELS = {name: _(kind.words) for name, kind in OBJECTIVE_KINDS.items() if not kind.needs_communities}
if "neighborhoods" not in state:  # one database read per session: the communities imported data describe
    try:
        state.neighborhoods = communities_from_values(values(), set(catalog.in_family("vital_conditions")))
    except PortfolioError:
        state.neighborhoods = None
if state.neighborhoods:
    LABELS |= {name: _(kind.words) for name, kind in OBJECTIVE_KINDS.items() if kind.needs_communities}


st.title(_("Propose a portfolio"))
st.caption(_("The optimizer finds the best mix it can under the constraints the room sets, on the same illustrative dynamics "
             "as the Allocate page. It is a fair starting point for discussion, not an answer."))

workshop = identity.workshop_in_view()
catalog = catalog_for(catalog, workshop)  # the workshop's words for the elements, in the page's language (ui/menu.py)
names = {e.id: _(e.name) for e in catalog.elements}
agreed = current_ends(workshop.id) if workshop else None  # the ends the room agreed, when it has
stewards = list_funders(workshop.id) if workshop else []

agreed_terms = [{"kind": k, "years": agreed.years, "weight": w} for k, w in agreed.weights.items() if k in LABELS] if agreed else []
agreed_objective = {"terms": agreed_terms} if agreed_terms else {"thriving_at_year": DEFAULT_YEARS}
constraints_editor.start(workshop.id if workshop else "", agreed_objective)
constraints_editor.edit(catalog, status_quo, LABELS, current, state.neighborhoods, constraints_funders(stewards) if stewards else None,
                        (scale, unit), bool(agreed))


def run(action, spinner: str):
    """Run an engine action on the constraints document in use (the tables' and the JSON's); show a clear message on bad input."""
    try:
        with st.spinner(spinner):
            return action(state[constraints_editor.DOCUMENT])
    except PortfolioError as err:
        st.error(plain(message(str(err))))  # messages can quote the pasted document: shown literally, never as markdown
    return None


if st.button(_("Find the best portfolio"), type="primary", key="run_optimizer"):
    found = run(lambda raw: optimizer_view(raw, status_quo), _("Optimizing..."))
    if found:
        state.optimize_result = found

if "optimize_result" in state:
    view = state.optimize_result
    result, raw = view.proposal, view.document
    st.subheader(_("Proposal"))
    weight = sum(t.weight for t in parse_terms(catalog, raw.get("objective", {"thriving_at_year": DEFAULT_YEARS})))
    a, b = st.columns(2)
    a.metric(_("Better than the status quo by"), relative(result.objective - result.status_quo_objective, weight),
             help=_("The weighted average of each objective's change from its status-quo value (higher is better)."))
    b.metric(_("One more million would add"), relative(result.budget_marginal_value, weight), delta_color="off",
             help=_("How much the objective would improve with a million more in the budget, spent where it does most."))
    if result.robustness is not None:
        beats = _("Beats the status quo on this objective in **{share}** of the plausible sets of assumptions").format(share=f"{result.robustness:.0%}")
        st.markdown(beats + " " + (_("(optimized for its 10th percentile across 200 of them).") if result.robust else
                                   _("(optimized for the central assumptions; it was checked against 200 of them).")))
    for label, value in result.terms.items():
        st.text(message(term_sentence(label, value, result.status_quo_terms[label], (scale, unit))))
    if result.binding:
        st.markdown("**" + _("What holds the proposal back") + "**")
        saver = identity.author()
        own = {saver[1].get("name"), saver[1].get("organization")} - {None, ""} if saver else set()
        for line in binding_lines(result.binding, names, weight, own, raw.get("max_change"), language()):
            st.text(line)  # plain text: owners are typed by people
    else:
        st.text(_("No constraint binds: the proposal is the unconstrained best on this budget."))
    series = (_("status quo"), _("your sliders"), _("proposal"))
    table = pd.DataFrame({
        "element": [names[i] for i in catalog.ids],
        series[0]: [status_quo.allocations[i] / scale for i in catalog.ids],
        series[1]: [current[i] / scale for i in catalog.ids],
        series[2]: [result.allocations[i] / scale for i in catalog.ids],
    })
    st.plotly_chart(charts.allocations(table, list(series), unit), config=charts.CONFIG, key="proposal_bars")
    moves = (table[series[2]] - table[series[0]]).to_numpy()
    biggest = [int(i) for i in np.argsort(-np.abs(moves))[:2]]
    st.markdown(_("The proposal's biggest changes from the status quo: {changes} (the table below has every element).").format(
        changes="; ".join(f"{table['element'][i]} {moves[i]:+,.1f} {unit}" for i in biggest)))
    st.dataframe(table, hide_index=True, width="stretch", column_config={"element": st.column_config.TextColumn(_("element")), **{
        c: st.column_config.NumberColumn(f"{c} ({unit})", format="%.2f") for c in series}})
    if result.allocations_by_funder:
        st.markdown(_("**Who funds what** (each funder within its mandate)"))
        st.dataframe(pd.DataFrame({_("element"): [names[i] for i in catalog.ids],
                                   **{funder: [split.get(i, 0.0) / scale for i in catalog.ids] for funder, split in result.allocations_by_funder.items()}}),
                     hide_index=True, width="stretch",
                     column_config={f: st.column_config.NumberColumn(f"{f} ({unit})", format="%.2f") for f in result.allocations_by_funder})
    st.plotly_chart(charts.population(view.projection, view.status_quo_projection), config=charts.CONFIG, key="proposal_projection")
    last, base = view.projection.iloc[-1], view.status_quo_projection.iloc[-1]
    chart_text.alternative(
        chart_text.against_status_quo(_("In year {year}").format(year=int(last["year"])),
                                      {_(name): (f"{last[name]:.1%}", f"{base[name]:.1%}") for name in ("thriving", "struggling", "suffering")}),
        pd.DataFrame({_("year"): view.projection["year"],
                      **{_("{series} (proposal)").format(series=_(n)): view.projection[n].map("{:.1%}".format) for n in ("thriving", "suffering")},
                      **{_("{series} (status quo)").format(series=_(n)): view.status_quo_projection[n].map("{:.1%}".format)
                         for n in ("thriving", "suffering")}}),
        "proposal_projection")
    st.markdown("**" + _("What one more million would do in each element") + "**")
    st.plotly_chart(charts.marginal_values(result.marginal_values, names), config=charts.CONFIG, key="marginal_values")
    worth = {names[i]: v for i, v in result.marginal_values.items()}
    chart_text.alternative(chart_text.ranking_summary(worth, {k: relative(v, weight) for k, v in worth.items()}),
                           pd.DataFrame({_("element"): list(worth), _("one more million would add"): [relative(v, weight) for v in worth.values()]}),
                           "marginal_values")
    if st.button(_("Load the proposal into the Allocate sliders"), key="load_proposal"):
        session.send_to_allocate(result.allocations)
    saver = identity.author()
    if saver and saver[1]["role"] != "observer" and saver[0].budget == budget:
        with st.form("save_optimized"):
            title = st.text_input(_("Title"), _("Optimizer proposal"), max_chars=200)
            rationale = st.text_area(_("Rationale: why the room should consider it (required)"), max_chars=5000)
            if st.form_submit_button(_("Save as a proposal in the workshop")):
                try:
                    save_proposal(catalog, saver[0].id, saver[1]["id"], title, rationale, result.allocations, origin="optimizer",
                                  origin_details={"constraints": raw, "objective": result.objective})
                except PortfolioError as err:
                    st.error(plain(message(str(err))))
                else:
                    st.success(_("Saved, with the optimizer's inputs as its origin."))

st.subheader(_("Trade-offs"))
left, right, points_col = st.columns([2, 2, 1])
objective_words = {k: _(OBJECTIVE_KINDS[k].words) for k in FRONTIER_KINDS}  # translated once per run, not inside the menus' formatter
first = left.selectbox(_("First objective"), FRONTIER_KINDS, index=1, key="frontier_first", format_func=objective_words.get)
second = right.selectbox(_("Second objective"), FRONTIER_KINDS, index=0, key="frontier_second", format_func=objective_words.get)
points = points_col.number_input(_("Points"), 10, 20, 15, key="frontier_points")
if st.button(_("Trace the frontier"), key="run_frontier"):
    traced = run(lambda raw: (frontier_view(raw, (first, second), int(points)), (first, second)), _("Tracing the frontier..."))
    if traced:
        state.frontier_result = traced

if "frontier_result" in state:
    found, kinds = state.frontier_result
    options = list(range(len(found)))
    label = {i: _("Point {number}: {values}").format(number=i + 1, values="; ".join(
        f"{_(OBJECTIVE_KINDS[k].words)} {value_words(k, p['objectives'][k], (scale, unit))}" for k in kinds)) for i, p in enumerate(found)}
    axes = tuple((_("{objective} (higher is better)") if OBJECTIVE_KINDS[k].sense > 0 else _("{objective} (lower is better)")).format(
        objective=_(OBJECTIVE_KINDS[k].words)) for k in kinds)
    event = st.plotly_chart(charts.frontier(found, kinds, state.get("frontier_point"), axes), config=charts.CONFIG,
                            key="frontier_chart", on_select="rerun", selection_mode="points")
    chart_text.alternative(_("{count} portfolios from the best for {first} to the best for {second}; each point is one of them.").format(
        count=len(found), first=_(OBJECTIVE_KINDS[kinds[0]].words).lower(), second=_(OBJECTIVE_KINDS[kinds[1]].words).lower()),
                           pd.DataFrame({_("point"): [label[i] for i in options]}), "frontier")
    picked = [p["point_index"] for p in (event.selection.points if event else []) if "point_index" in p]
    if picked:
        state.frontier_point = picked[0]
    chosen = st.selectbox(_("Point to load"), options, format_func=label.get, key="frontier_point")
    if st.button(_("Load this point into the Allocate sliders"), key="load_point"):
        session.send_to_allocate(found[chosen]["allocations"])
