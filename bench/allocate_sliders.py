"""Baseline for `make bench` (issue 18): the Allocate page as it was just before its sliders, locks and remaining meter became
one component (13 Streamlit sliders, a pills control per family, a caption per family). Kept only here, to measure the page
against it in the same run; not served by the app."""

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from portfolio_engine.community.indicators import values
from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.assumptions import Assumptions, default_assumptions, with_overrides
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.communities import SHARE_IDS, city_start
from portfolio_engine.model.dynamics import Model, build_model, simulate
from portfolio_engine.model.milestones import headline, milestones
from portfolio_engine.model.portfolio import (
    amounts_from_query,
    apply_move,
    family_totals,
    make_portfolio,
    portfolio_csv,
    portfolio_json,
    to_query,
)
from portfolio_engine.model.studio import Comparison, display_unit
from portfolio_engine.model.uncertainty import Band, band
from portfolio_engine.record.proposals import list_proposals, save_proposal
from ui import chart_text, charts, drafts, identity, places, session
from ui import funders as funders_view
from ui.menu import catalog_for
from ui.text import plain

HORIZONS = (10, 15, 20, 30)
KNOWN = "allocate:drawn"
STATUS_QUO_RUN = "allocate:status_quo_run"  # (model, horizon, start, run): the session's status-quo run, made once
START_DEFAULT, START_FROM_DATA = "Illustrative equilibrium", "Your city's survey"
VIEWS = ("People", "Difference", "Cost of harm", "Does the shift hold?")
BAND_OUTPUTS = ("thriving", "suffering")
BAND_DRAWS = 100  # enough for a share to the nearest few percent, at half the CPU per move of 200

catalog = catalog_for(load_catalog(), identity.workshop_in_view())  # the workshop's words for the elements, in the page's language (ui/menu.py)
status_quo = identity.status_quo(catalog)  # the joined workshop's, else the shipped one
budget = status_quo.budget
scale, unit = display_unit(budget)
names = {e.id: e.name for e in catalog.elements}
step = round(budget * 0.005 / scale, 6)  # 0.5% of the budget: a few key presses move a slider far
state = st.session_state


def key(element_id: str) -> str:
    return f"amount:{element_id}"


def lock_key(family: str) -> str:
    """One lock control per family (pills), not one checkbox per element: fewer elements for Streamlit on every move."""
    return f"locks:{family}"


def locked() -> set[str]:
    return {i for family in catalog.family_names for i in state.get(lock_key(family)) or ()}


def amounts() -> dict[str, float]:
    """Current slider values in currency units."""
    return {i: state[key(i)] * scale for i in catalog.ids}


def set_amounts(values: dict[str, float]) -> None:
    for i, value in values.items():
        state[key(i)] = value / scale


def remember() -> None:
    """Note the slider values as set, so the next reconcile does not take them for a person's move."""
    state[KNOWN] = {i: state[key(i)] for i in catalog.ids}


def reset() -> None:
    set_amounts(status_quo.allocations)
    for family in catalog.family_names:
        state[lock_key(family)] = []
    remember()


def reconcile() -> None:
    """Apply the slider a person moved since the last drawing (portfolio.apply_move says which, and what follows)."""
    known = state.get(KNOWN)
    if known is None:
        return
    sent = {i: state[key(i)] for i in catalog.ids}
    _, updates = apply_move(known, sent, budget / scale, locked(), state.get("keep_total", True))
    for i, value in updates.items():
        state[key(i)] = value


def first_load() -> None:
    """Start from the shared link's allocation when there is one, else from the status quo."""
    set_amounts(status_quo.allocations)
    state.keep_total = True
    try:
        from_link = amounts_from_query(catalog, st.query_params)
    except PortfolioError as err:
        state.link_problem = f"The link's allocation could not be used ({err}); showing the status quo."
        return
    if from_link:
        set_amounts({i: min(from_link.get(i, 0.0), budget) for i in catalog.ids})
        if abs(sum(from_link.values()) - budget) > 0.01:
            state.keep_total = False


session.restore("allocate")
if session.PENDING_ALLOCATION in state:
    reset()
    set_amounts(make_portfolio(catalog, state.pop(session.PENDING_ALLOCATION)).allocations)  # missing elements get 0
    state.keep_total = True
    remember()
elif "keep_total" not in state:
    first_load()
    remember()

st.title("Allocate the budget")
st.caption(
    f"Move the sliders to share out {budget / scale:,.0f} {unit} {status_quo.currency} a year across the well-being "
    "portfolio. The projection is **illustrative**: uncalibrated dynamics that show direction and timing, not a forecast."
)
if "link_problem" in state:
    st.warning(plain(state.pop("link_problem")))

defaults = default_assumptions(catalog)


@st.cache_resource(max_entries=32, show_spinner=False)
def shared_model(overrides: str, allocations: str) -> Model:
    """One model per assumptions and status quo for every session of this process: the uncertainty draws are cached
    per model, so a slider's move reuses them instead of building 200 models."""
    edited = with_overrides(defaults, catalog, json.loads(overrides))
    return build_model(catalog, make_portfolio(catalog, json.loads(allocations), status_quo.budget, status_quo.currency), edited)


def session_model() -> tuple[Assumptions, Model, str | None]:
    """The session's assumptions and model; the defaults, with the reason, when its edits cannot be used."""
    allocations = json.dumps(status_quo.allocations, sort_keys=True)
    try:
        overrides = json.dumps(state.get("assumption_overrides", {}), sort_keys=True)
        model = shared_model(overrides, allocations)
        return model.assumptions, model, None
    except PortfolioError as err:
        return defaults, shared_model("{}", allocations), f"The edited assumptions cannot be used ({err}); showing the defaults."


def city_data_start():
    """The start from the city's survey when the person chose it (read once per session, never on a slider's move)."""
    if "data_start" not in state:
        try:
            state.data_start = city_start(pd.concat([values(share) for share in SHARE_IDS]))
        except PortfolioError:
            state.data_start = None
    return state.data_start if state.get("start_choice") == START_FROM_DATA else None


# The comparison as this page had it: built from the two frames it made, each converted to numpy columns once (the engine's
# comparison now starts from columns and makes the frames on demand); the frames are kept, so this baseline costs what it cost.
def frames_comparison(chosen: pd.DataFrame, status_quo: pd.DataFrame) -> Comparison:
    comparison = Comparison((_columns(chosen), _columns(status_quo)))
    vars(comparison).update(chosen=chosen, status_quo=status_quo)  # what its cached tables would hold
    return comparison


def _columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """A run's columns as numpy arrays from one conversion of the frame (the years keep their integers)."""
    block = np.ascontiguousarray(frame.to_numpy(dtype=float).T)  # one row per column, each contiguous as pandas holds it
    columns = {str(name): block[n] for n, name in enumerate(frame.columns)}
    if "year" in columns:
        columns["year"] = frame["year"].to_numpy()
    return columns


def compare(model: Model, vector: list[float], horizon: int, start) -> Comparison:
    """This mix against the status quo. The status quo's run does not depend on the move: it is made once per
    session for its model, horizon and start, and only this mix is run on a move."""
    held = state.get(STATUS_QUO_RUN)
    if not (held and held[0] is model and held[1] == horizon and held[2] is start):
        held = state[STATUS_QUO_RUN] = (model, horizon, start, simulate(model, model.status_quo, horizon, start).frame(0))
    return frames_comparison(simulate(model, vector, horizon, start).frame(0), held[3])


def sliders(current: dict[str, float], summary: str) -> None:
    """Keep-the-total, what remains, reset, and per family: lock, slider and share for each element."""
    st.toggle("Keep the total at the budget", key="keep_total",
              help="When on, moving one slider scales the other unlocked elements so the total stays on budget.")
    totals = family_totals(catalog, current)
    row = st.container(horizontal=True, vertical_alignment="center")  # one block, not three (columns)
    row.metric("Remaining to allocate", f"{(budget - sum(current.values())) / scale:,.2f} {unit}")
    row.button("Reset to status quo", on_click=reset)
    for family, family_name in catalog.family_names.items():
        members = [e for e in catalog.elements if e.family == family]
        st.subheader(f"{family_name}: {totals[family] / scale:,.1f} {unit} ({totals[family] / budget:.0%})", divider="gray")
        held = set(st.pills(f"Lock in {family_name} (a locked element keeps its amount while you move the others)",
                            [e.id for e in members], selection_mode="multi", format_func=names.__getitem__, key=lock_key(family)) or ())
        for element in members:
            st.slider(f"{element.name} ({unit} {status_quo.currency})", min_value=0.0, max_value=budget / scale, step=step,
                      key=key(element.id), disabled=element.id in held, format="%.2f", help=slider_help(element))
        st.caption(family_caption(members, current, summary))


def slider_help(element) -> str:
    """What the element holds and its status-quo amount: the same on every move, so it is not redrawn as text."""
    return (f"{element.definition or element.description} Includes: {', '.join(element.items)}. "
            f"Status quo: {status_quo.allocations[element.id] / scale:,.1f} {unit} ({status_quo.allocations[element.id] / budget:.1%}).")


def family_caption(members, current: dict[str, float], summary: str) -> str:
    """One caption per family: each element's share of the budget against the status quo, then the projection's summary
    (feedback beside the sliders: on a phone the charts are far below)."""
    shares = " · ".join(f"{e.name} {current[e.id] / budget:.1%} (status quo {status_quo.allocations[e.id] / budget:.1%})" for e in members)
    return f"{shares}  \n:material/insights: {summary}"


def certainty(result: Band) -> str:
    """How sure the projection is, in one sentence a room can read."""
    share = result.share_better
    if share >= 0.5:
        return f"Better than the status quo for thriving in {share:.0%} of {result.draws} plausible sets of assumptions."
    return f"Better than the status quo for thriving in only {share:.0%} of {result.draws} plausible sets of assumptions."


def projection(comparison, numbers: dict, horizon: int, start, result: Band) -> None:
    """Horizon and start, the headline figures (computed once per move, by the caller), and the chosen view of the run
    against the status quo."""
    st.segmented_control("Years to project", HORIZONS, default=20, key="horizon")
    if state.data_start is not None:
        st.radio("Start from", [START_DEFAULT, START_FROM_DATA], horizontal=True, key="start_choice")
        if start is not None:
            st.caption(f"From your data: thriving {start.thriving[0]:.0%}, struggling {start.struggling[0]:.0%}, suffering "
                       f"{start.suffering[0]:.1%} (latest city survey). Defaults: vital-condition levels, effects and constants. "
                       "This start is not an equilibrium: both lines start here, so compare this mix with the status quo.")
    st.markdown(f"**{headline(milestones(comparison.chosen, comparison.status_quo))}**")  # from the two runs already made
    if comparison.chosen["thriving"].iloc[-1] != comparison.status_quo["thriving"].iloc[-1]:
        st.caption(certainty(result) + " The band on the Difference view shows the range.")
    a, b, c = st.columns(3)
    a.metric(f"Thriving in year {horizon}", f"{numbers['thriving']:.1%}", f"{numbers['thriving_change'] * 100:+.2f} pts vs status quo")
    b.metric(f"Suffering in year {horizon}", f"{numbers['suffering']:.2%}", f"{numbers['suffering_change'] * 100:+.2f} pts",
             delta_color="inverse")
    c.metric("Realized vital share", f"{numbers['realized_vital_share']:.1%}", f"chosen {numbers['chosen_vital_share']:.1%}",
             delta_color="off")
    view = st.segmented_control("Show", VIEWS, default=VIEWS[0], key="view") or VIEWS[0]
    if view == "People":
        figure = charts.population(comparison.chosen, comparison.status_quo)
    elif view == "Difference":
        st.caption("Shaded: where 8 in 10 plausible sets of assumptions put the change (the line is the central assumptions).")
        figure = charts.difference(comparison.difference, result.table)
    elif view == "Cost of harm":
        st.caption(f"Urgent services people draw on, plus need left unmet (it costs more later). Total change over the run: "
                   f"{numbers['cost_of_harm_change_total'] / scale:+,.1f} {unit}; unmet need "
                   f"{numbers['unmet_need_total'] * 100:,.2f} person-years per 100 residents.")
        figure = charts.cost_of_harm(comparison.chosen, comparison.status_quo, scale, unit)
    else:
        st.caption("Without civic muscle, political pressure pulls the money that actually reaches vital conditions "
                   "back toward the status quo.")
        figure = charts.realized(comparison.chosen, comparison.status_quo)
    st.plotly_chart(go.Figure(**figure, _validate=False), config=charts.CONFIG, key="projection_chart")  # the unvalidated Figure it drew then
    shown = {name: (f"{numbers[name]:.{digits}%}", f"{numbers[name] - numbers[name + '_change']:.{digits}%}")
             for name, digits in (("thriving", 1), ("suffering", 2))}
    chart_text.alternative(chart_text.against_status_quo(f"In year {horizon}", shown), lambda: projection_table(comparison), "projection")


def projection_table(comparison) -> pd.DataFrame:
    """The projection's numbers by year, this mix beside the status quo (built only when someone opens the table)."""
    chosen, base = comparison.chosen, comparison.status_quo
    return pd.DataFrame({"year": chosen["year"], **{f"{name}, this mix": chosen[name].map("{:.1%}".format) for name in ("thriving", "suffering")},
                         **{f"{name}, status quo": base[name].map("{:.1%}".format) for name in ("thriving", "suffering")},
                         "cost of harm, this mix": (chosen["cost_of_harm"] / scale).map(f"{{:,.1f}} {unit}".format)})


def assumptions_editor(assumptions: Assumptions) -> None:
    """The session's own edits of constants and effects, behind a toggle."""
    if not st.toggle("Edit the assumptions (illustrative)", key="show_assumptions"):
        return
    st.caption("Edits apply to your session only; the shipped defaults never change.")
    with st.form("assumptions"):
        constants = st.data_editor(
            [{"name": n, "value": v, "unit": defaults.notes[n]["unit"], "why": defaults.notes[n]["why"]}
             for n, v in assumptions.constants.items()],
            disabled=["name", "unit", "why"], hide_index=True, key="constants_editor",
        )
        effects = st.data_editor([{"element": i, **row} for i, row in assumptions.elements.items()],
                                 disabled=["element"], hide_index=True, key="effects_editor")
        if st.form_submit_button("Apply assumptions"):
            state.assumption_overrides = {
                "constants": {r["name"]: r["value"] for r in constants},
                "elements": {r["element"]: {k: v for k, v in r.items() if k != "element"} for r in effects},
            }
            st.rerun()
    if state.get("assumption_overrides") and st.button("Reset assumptions to defaults"):
        state.assumption_overrides = {}
        st.rerun()


def downloads(portfolio) -> None:
    """The allocation as JSON and CSV, drawn with their bytes (a few hundred, made in microseconds): a deferred
    download can be lost on a busy server (ui/downloads.py)."""
    if abs(portfolio.budget - budget) > 0.01:
        st.caption("The download holds the amounts as they are; its budget is their total.")
    row = st.container(horizontal=True)  # one block, not three (columns)
    row.download_button("Download JSON", portfolio_json(portfolio), "allocation.json", "application/json", on_click="ignore")
    row.download_button("Download CSV", portfolio_csv(portfolio, catalog), "allocation.csv", "text/csv", on_click="ignore")


def save_form(current: dict[str, float]) -> None:
    """Save as a workshop proposal. A toggle, not an expander: the form (and its database read) runs only when someone
    is saving, never on a slider's move."""
    saver = identity.author()
    if not (saver and saver[1]["role"] != "observer" and st.toggle("Save this allocation as a proposal", key="saving")):
        return
    workshop, person = saver
    with st.form("save_proposal"):
        own = [p for p in list_proposals(workshop.id) if p["participant_id"] == person["id"]]
        title = st.text_input("Title", max_chars=200)
        rationale = st.text_area("Rationale: why this mix (required)", max_chars=5000)
        notes = st.data_editor(pd.DataFrame({"element": [names[i] for i in catalog.ids], "note": [""] * len(catalog.ids)}),
                               disabled=["element"], hide_index=True, key="proposal_notes")
        parent = st.selectbox("New version of", [None, *own], format_func=lambda p: "(a new proposal)" if p is None else f"{p['title']} v{p['version']}")
        reason = st.text_input("Reason for the new version (required after the decision)", max_chars=2000)
        if st.form_submit_button("Save proposal"):
            try:
                saved = save_proposal(catalog, workshop.id, person["id"], title, rationale, current,
                                      notes=dict(zip(catalog.ids, notes["note"], strict=True)),
                                      assumptions=state.get("assumption_overrides") or None,
                                      parent_id=parent["id"] if parent else None, reason=reason or None)
            except PortfolioError as err:
                st.error(plain(str(err)))
            else:
                st.success(f"Saved as version {saved['version']}. Compare it with the others on the Compare page.")


@st.fragment
def studio() -> None:
    """Sliders, projection and saving: a slider's move reruns only this, not the whole app (navigation, sidebar)."""
    reconcile()
    assumptions, model, assumptions_problem = session_model()
    horizon = state.get("horizon") or 20
    start = city_data_start()
    current = amounts()
    drafts.save_draft(catalog, current)  # the room view's copy of a participant's sliders, written in the background
    vector = [current[i] for i in catalog.ids]
    comparison = compare(model, vector, horizon, start)
    result = band(model, vector, horizon, BAND_DRAWS, start=start, outputs=BAND_OUTPUTS)  # the assumption draws are cached per model
    numbers = comparison.headline()
    summary = (f"Year {horizon}: thriving {numbers['thriving']:.1%} ({numbers['thriving_change'] * 100:+.2f} pts), "
               f"suffering {numbers['suffering']:.2%} ({numbers['suffering_change'] * 100:+.2f} pts) vs status quo")
    portfolio = make_portfolio(catalog, current, None, status_quo.currency)
    st.query_params.update(to_query(portfolio))

    controls, projection_area = st.columns([2, 3], gap="large")
    with controls:
        sliders(current, summary)
    with projection_area:
        if assumptions_problem:
            st.error(plain(assumptions_problem))
        projection(comparison, numbers, horizon, start, result)
        places.neighborhoods(catalog, model, vector, horizon, names)
        assumptions_editor(assumptions)
        downloads(portfolio)
        funders_view.by_funder(catalog, current)
        save_form(current)

    state[session.CURRENT_ALLOCATION] = current  # what other pages compare with ("your sliders")
    remember()  # what this run drew
    session.keep("allocate", ["keep_total", *(key(i) for i in catalog.ids), *(lock_key(f) for f in catalog.family_names)])


studio()
