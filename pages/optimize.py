"""Optimize: the best mix under the room's constraints, what binds, and the trade-off frontier."""

import json

import numpy as np
import pandas as pd
import streamlit as st

from portfolio_engine.community.indicators import values
from portfolio_engine.errors import PortfolioError
from portfolio_engine.jsonfile import parse_json
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.communities import communities_from_values
from portfolio_engine.model.studio import display_unit
from portfolio_engine.optimizer.constraints import DEFAULT_YEARS, FRONTIER_KINDS, OBJECTIVE_KINDS, document_from_tables, parse_terms
from portfolio_engine.optimizer.reading import relative, term_sentence, value_words
from portfolio_engine.record.ends import current_ends
from portfolio_engine.record.funders import constraints_funders, list_funders
from portfolio_engine.record.proposals import save_proposal
from portfolio_engine.services.optimizer import frontier_view, optimizer_view
from ui import chart_text, charts, identity, session
from ui.menu import catalog_for
from ui.text import plain

catalog = load_catalog()
status_quo = identity.status_quo(catalog)  # the joined workshop's, else the shipped one
budget = status_quo.budget
scale, unit = display_unit(budget)
names = {e.id: e.name for e in catalog.elements}
state = st.session_state
current = state.get(session.CURRENT_ALLOCATION, status_quo.allocations)
LABELS = {name: kind.words for name, kind in OBJECTIVE_KINDS.items() if not kind.needs_communities}
if "neighborhoods" not in state:  # one database read per session: the communities imported data describe
    try:
        state.neighborhoods = communities_from_values(values(), set(catalog.in_family("vital_conditions")))
    except PortfolioError:
        state.neighborhoods = None
if state.neighborhoods:
    LABELS |= {name: kind.words for name, kind in OBJECTIVE_KINDS.items() if kind.needs_communities}


st.title("Propose a portfolio")
st.caption("The optimizer finds the best mix it can under the constraints the room sets, on the same illustrative dynamics "
           "as the Allocate page. It is a fair starting point for discussion, not an answer.")

workshop = identity.workshop_in_view()
catalog = catalog_for(catalog, workshop)  # the workshop's words for the elements, in the page's language (ui/menu.py)
names = {e.id: e.name for e in catalog.elements}
agreed = current_ends(workshop.id) if workshop else None  # the ends the room agreed, when it has
stewards = list_funders(workshop.id) if workshop else []

st.subheader("What to aim for")
if agreed:
    st.caption("Ticked and weighted as the room agreed on Facilitate (its shared ends); change them here for this proposal only.")
objectives = st.data_editor(
    pd.DataFrame({
        "use": [kind in agreed.weights if agreed else kind == "thriving_at_year" for kind in LABELS],
        "kind": list(LABELS),
        "objective": list(LABELS.values()),
        "years": [agreed.years if agreed else 10 if kind in ("suffering_years", "urgent_cost") else 20 for kind in LABELS],
        "weight": [agreed.weights.get(kind, 1.0) if agreed else 1.0 for kind in LABELS],
    }),
    column_config={
        "use": st.column_config.CheckboxColumn("Use"),
        "kind": None,
        "objective": st.column_config.TextColumn("Objective", disabled=True),
        "years": st.column_config.NumberColumn("Years", min_value=1, max_value=30, step=1),
        "weight": st.column_config.NumberColumn("Weight", min_value=0.01, max_value=1000.0, step=0.5),
    },
    hide_index=True, key="objectives_editor", width="stretch",
)
st.caption("Each objective is compared with its status-quo value, so weights compare relative changes.")

st.subheader("Constraints")
limit = st.toggle("Limit how far each element moves from the status quo", value=True, key="use_max_change")
max_change = st.slider("Largest change per element (% of its status-quo amount)", 0, 100, 25, 5, key="max_change",
                       disabled=not limit) / 100 if limit else None
elements = st.data_editor(
    pd.DataFrame({"id": catalog.ids, "element": [names[i] for i in catalog.ids],
                  "status_quo": [status_quo.allocations[i] / scale for i in catalog.ids],
                  "floor": None, "ceiling": None, "lock": None, "owner": ""}).astype(
        {"floor": "float64", "ceiling": "float64", "lock": "float64"}),
    column_config={
        "id": None,
        "element": st.column_config.TextColumn("Element", disabled=True),
        "status_quo": st.column_config.NumberColumn(f"Status quo ({unit})", disabled=True, format="%.1f"),
        "floor": st.column_config.NumberColumn(f"Floor ({unit})", min_value=0.0, format="%.1f"),
        "ceiling": st.column_config.NumberColumn(f"Ceiling ({unit})", min_value=0.0, format="%.1f"),
        "lock": st.column_config.NumberColumn(f"Lock at ({unit})", min_value=0.0, format="%.1f"),
        "owner": st.column_config.TextColumn("Who asked for it", max_chars=80),
    },
    hide_index=True, key="elements_editor", width="stretch",
)
families = st.data_editor(
    pd.DataFrame({"id": list(catalog.family_names), "family": list(catalog.family_names.values()),
                  "floor": None, "ceiling": None, "owner": ""}).astype({"floor": "float64", "ceiling": "float64"}),
    column_config={
        "id": None,
        "family": st.column_config.TextColumn("Family", disabled=True),
        "floor": st.column_config.NumberColumn(f"Family floor ({unit})", min_value=0.0, format="%.1f"),
        "ceiling": st.column_config.NumberColumn(f"Family ceiling ({unit})", min_value=0.0, format="%.1f"),
        "owner": st.column_config.TextColumn("Who asked for it", max_chars=80),
    },
    hide_index=True, key="families_editor", width="stretch",
)
document = document_from_tables(status_quo, objectives, elements, families, scale, max_change, current, state.neighborhoods)
if stewards:
    document["funders"] = constraints_funders(stewards)
    st.caption(f"The workshop's {len(stewards)} funders bring the budget under their mandates: money lands only where its funder may "
               "spend it, and the proposal says who funds what.")
if st.toggle("Robust: choose the mix that does best when the assumptions are unkind (takes a few seconds)", key="robust",
             help="Optimizes the objective's 10th percentile across 200 plausible sets of assumptions instead of the central ones."):
    document["robust"] = True
with st.expander("Constraints as JSON (edit or paste a document)"):
    st.caption("The same document the command line takes: `python -m portfolio_engine optimize --constraints FILE.json`.")
    use_json = st.toggle("Use the JSON below instead of the tables", key="use_json")
    text = st.text_area("Constraints document", json.dumps(document, indent=2), height=260, key="constraints_json",
                        disabled=not use_json)



def run(action, spinner: str):
    """Run an engine action on the constraints in use (JSON or tables); show a clear message on bad input."""
    try:
        raw = parse_json(text, "The JSON document") if use_json else document
        with st.spinner(spinner):
            return action(raw)
    except PortfolioError as err:
        st.error(plain(str(err)))  # messages can quote the pasted document: shown literally, never as markdown
    return None


if st.button("Find the best portfolio", type="primary", key="run_optimizer"):
    found = run(lambda raw: optimizer_view(raw, status_quo), "Optimizing...")
    if found:
        state.optimize_result = found

if "optimize_result" in state:
    view = state.optimize_result
    result, raw = view.proposal, view.document
    st.subheader("Proposal")
    weight = sum(t.weight for t in parse_terms(catalog, raw.get("objective", {"thriving_at_year": DEFAULT_YEARS})))
    a, b = st.columns(2)
    a.metric("Better than the status quo by", relative(result.objective - result.status_quo_objective, weight),
             help="The weighted average of each objective's change from its status-quo value (higher is better).")
    b.metric("One more million would add", relative(result.budget_marginal_value, weight), delta_color="off",
             help="How much the objective would improve with a million more in the budget, spent where it does most.")
    if result.robustness is not None:
        how = "its 10th percentile across" if result.robust else "the central assumptions; it was checked against"
        st.markdown(f"Beats the status quo on this objective in **{result.robustness:.0%}** of the plausible sets of assumptions "
                    f"(optimized for {how} 200 of them).")
    for label, value in result.terms.items():
        st.text(term_sentence(label, value, result.status_quo_terms[label], (scale, unit)))
    if result.binding:
        st.markdown("**What holds the proposal back**")
        for binding in result.binding:
            st.text(binding.sentence(names, weight))  # plain text: owners are typed by people
    else:
        st.text("No constraint binds: the proposal is the unconstrained best on this budget.")
    table = pd.DataFrame({
        "element": [names[i] for i in catalog.ids],
        "status quo": [status_quo.allocations[i] / scale for i in catalog.ids],
        "your sliders": [current[i] / scale for i in catalog.ids],
        "proposal": [result.allocations[i] / scale for i in catalog.ids],
    })
    st.plotly_chart(charts.allocations(table, ["status quo", "your sliders", "proposal"], unit), config=charts.CONFIG, key="proposal_bars")
    moves = (table["proposal"] - table["status quo"]).to_numpy()
    biggest = [int(i) for i in np.argsort(-np.abs(moves))[:2]]
    st.markdown("The proposal's biggest changes from the status quo: "
                + "; ".join(f"{table['element'][i]} {moves[i]:+,.1f} {unit}" for i in biggest) + " (the table below has every element).")
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        c: st.column_config.NumberColumn(f"{c} ({unit})", format="%.2f") for c in ("status quo", "your sliders", "proposal")})
    if result.allocations_by_funder:
        st.markdown("**Who funds what** (each funder within its mandate)")
        st.dataframe(pd.DataFrame({"element": [names[i] for i in catalog.ids],
                                   **{funder: [split.get(i, 0.0) / scale for i in catalog.ids] for funder, split in result.allocations_by_funder.items()}}),
                     hide_index=True, width="stretch",
                     column_config={f: st.column_config.NumberColumn(f"{f} ({unit})", format="%.2f") for f in result.allocations_by_funder})
    st.plotly_chart(charts.population(view.projection, view.status_quo_projection), config=charts.CONFIG, key="proposal_projection")
    last, base = view.projection.iloc[-1], view.status_quo_projection.iloc[-1]
    chart_text.alternative(
        chart_text.against_status_quo(f"In year {int(last['year'])}",
                                      {name: (f"{last[name]:.1%}", f"{base[name]:.1%}") for name in ("thriving", "struggling", "suffering")}),
        pd.DataFrame({"year": view.projection["year"], **{f"{n} (proposal)": view.projection[n].map("{:.1%}".format) for n in ("thriving", "suffering")},
                      **{f"{n} (status quo)": view.status_quo_projection[n].map("{:.1%}".format) for n in ("thriving", "suffering")}}),
        "proposal_projection")
    st.markdown("**What one more million would do in each element**")
    st.plotly_chart(charts.marginal_values(result.marginal_values, names), config=charts.CONFIG, key="marginal_values")
    worth = {names[i]: v for i, v in result.marginal_values.items()}
    chart_text.alternative(chart_text.ranking_summary(worth, {k: relative(v, weight) for k, v in worth.items()}),
                           pd.DataFrame({"element": list(worth), "one more million would add": [relative(v, weight) for v in worth.values()]}),
                           "marginal_values")
    if st.button("Load the proposal into the Allocate sliders", key="load_proposal"):
        session.send_to_allocate(result.allocations)
    saver = identity.author()
    if saver and saver[1]["role"] != "observer" and saver[0].budget == budget:
        with st.form("save_optimized"):
            title = st.text_input("Title", "Optimizer proposal", max_chars=200)
            rationale = st.text_area("Rationale: why the room should consider it (required)", max_chars=5000)
            if st.form_submit_button("Save as a proposal in the workshop"):
                try:
                    save_proposal(catalog, saver[0].id, saver[1]["id"], title, rationale, result.allocations, origin="optimizer",
                                  origin_details={"constraints": raw, "objective": result.objective})
                except PortfolioError as err:
                    st.error(str(err))
                else:
                    st.success("Saved, with the optimizer's inputs as its origin.")

st.subheader("Trade-offs")
left, right, points_col = st.columns([2, 2, 1])
first = left.selectbox("First objective", FRONTIER_KINDS, index=1, key="frontier_first", format_func=lambda k: OBJECTIVE_KINDS[k].words)
second = right.selectbox("Second objective", FRONTIER_KINDS, index=0, key="frontier_second", format_func=lambda k: OBJECTIVE_KINDS[k].words)
points = points_col.number_input("Points", 10, 20, 15, key="frontier_points")
if st.button("Trace the frontier", key="run_frontier"):
    traced = run(lambda raw: (frontier_view(raw, (first, second), int(points)), (first, second)), "Tracing the frontier...")
    if traced:
        state.frontier_result = traced

if "frontier_result" in state:
    found, kinds = state.frontier_result
    options = list(range(len(found)))
    label = {i: f"Point {i + 1}: " + "; ".join(f"{OBJECTIVE_KINDS[k].words} {value_words(k, p['objectives'][k], (scale, unit))}" for k in kinds)
             for i, p in enumerate(found)}
    axes = tuple(f"{OBJECTIVE_KINDS[k].words} ({'higher' if OBJECTIVE_KINDS[k].sense > 0 else 'lower'} is better)" for k in kinds)
    event = st.plotly_chart(charts.frontier(found, kinds, state.get("frontier_point"), axes), config=charts.CONFIG,
                            key="frontier_chart", on_select="rerun", selection_mode="points")
    chart_text.alternative(f"{len(found)} portfolios from the best for {OBJECTIVE_KINDS[kinds[0]].words.lower()} "
                           f"to the best for {OBJECTIVE_KINDS[kinds[1]].words.lower()}; each point is one of them.",
                           pd.DataFrame({"point": [label[i] for i in options]}), "frontier")
    picked = [p["point_index"] for p in (event.selection.points if event else []) if "point_index" in p]
    if picked:
        state.frontier_point = picked[0]
    chosen = st.selectbox("Point to load", options, format_func=label.get, key="frontier_point")
    if st.button("Load this point into the Allocate sliders", key="load_point"):
        session.send_to_allocate(found[chosen]["allocations"])
