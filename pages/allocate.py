"""Allocate: budget sliders across the well-being portfolio and a live projection against the status quo.

The browser projects the mix (the board and the projection run the engine's kernel on the model's tables, issue 18): a
slider's move runs no model here; the server keeps the sliders, the link, the drafts, the downloads and what is saved."""

import json

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.i18n import N_
from portfolio_engine.model.assumptions import Assumptions, default_assumptions, with_overrides
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.dynamics import Model, build_model
from portfolio_engine.model.portfolio import (
    amounts_from_query,
    make_portfolio,
    portfolio_csv,
    portfolio_json,
    to_query,
)
from portfolio_engine.record.proposals import list_proposals, save_proposal
from ui import city_data, drafts, identity, places, session, sticky
from ui import funders as funders_view
from ui.components import allocation_board
from ui.components import projection as projection_panel
from ui.components.allocation_board.events import Board, apply
from ui.downloads import held
from ui.i18n import _, language, message, number, share
from ui.menu import catalog_for
from ui.model_words import display_unit
from ui.text import plain

BOARD = "allocate:board"  # the sliders as the server holds them (events.Board); the board component draws them
PROJECTION = "projection"  # the container kept in view beside the sliders on a wide screen
BOARD_WORDS = "allocate:board_words"  # (what they depend on, the board's fixed arguments): built once per language and menu
SESSION_MODEL = "allocate:model"  # (assumption edits, status quo, (assumptions, model, problem)): looked up again when either changes
START_DEFAULT, START_FROM_DATA = N_("Illustrative equilibrium"), N_("Your city's survey")

catalog = catalog_for(load_catalog(), identity.workshop_in_view())  # the workshop's words for the elements, in the page's language (ui/menu.py)
status_quo = identity.status_quo(catalog)  # the joined workshop's, else the shipped one
budget = status_quo.budget
scale, unit = display_unit(budget)
names = {e.id: e.name for e in catalog.elements}
state = st.session_state


def in_units(values: dict[str, float]) -> dict[str, float]:
    """Amounts in the sliders' unit (millions for a large budget)."""
    return {i: values.get(i, 0.0) / scale for i in catalog.ids}


def amounts() -> dict[str, float]:
    """Current slider values in currency units."""
    return {i: value * scale for i, value in state[BOARD].amounts.items()}


def first_load() -> Board:
    """Start from the shared link's allocation when there is one, else from the status quo."""
    try:
        from_link = amounts_from_query(catalog, st.query_params)
    except PortfolioError as err:
        state.link_problem = _("The link's allocation could not be used ({problem}); showing the status quo.").format(problem=message(str(err)))
        return Board(in_units(status_quo.allocations))
    if from_link:
        return Board(in_units({i: min(from_link.get(i, 0.0), budget) for i in catalog.ids}), keep_total=abs(sum(from_link.values()) - budget) <= 0.01)
    return Board(in_units(status_quo.allocations))


if session.PENDING_ALLOCATION in state:
    state[BOARD] = Board(in_units(make_portfolio(catalog, state.pop(session.PENDING_ALLOCATION)).allocations))  # missing elements get 0
elif BOARD not in state:
    state[BOARD] = first_load()

st.title(_("Allocate the budget"))
st.caption(
    _("Move the sliders to share out {budget} {unit} {currency} a year across the well-being portfolio. The projection is **illustrative**: "
      "uncalibrated dynamics that show direction and timing, not a forecast.").format(budget=number(budget / scale), unit=unit, currency=status_quo.currency)
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
    """The session's assumptions and model; the defaults, with the reason, when its edits cannot be used. Held by the session
    for its edits and status quo (the same objects until either changes), so a move does not write and hash them again."""
    edits = state.get("assumption_overrides")
    held = state.get(SESSION_MODEL)
    if held and held[0] is edits and held[1] is status_quo:
        return held[2]
    allocations = json.dumps(status_quo.allocations, sort_keys=True)
    try:
        model = shared_model(json.dumps(edits or {}, sort_keys=True), allocations)
        found: tuple[Assumptions, Model, str | None] = (model.assumptions, model, None)
    except PortfolioError as err:
        found = (defaults, shared_model("{}", allocations),
                 _("The edited assumptions cannot be used ({problem}); showing the defaults.").format(problem=message(str(err))))
    state[SESSION_MODEL] = (edits, status_quo, found)
    return found


def city_data_start():
    """The start from the city's survey when the person chose it (read once per session, never on a slider's move)."""
    if "data_start" not in state:
        state.data_start = city_data.survey_start()
    return state.data_start if state.get("start_choice") == START_FROM_DATA else None


def board_words() -> dict:
    """The board's fixed arguments (names, definitions, status quo, words), built once per language, status quo and menu."""
    held = state.get(BOARD_WORDS)
    wanted = (language(), dict(status_quo.allocations), [(e.name, e.definition, e.items) for e in catalog.elements], dict(catalog.family_names))
    if not (held and held[0] == wanted):
        held = state[BOARD_WORDS] = (wanted, allocation_board.static_args(catalog, status_quo.allocations, scale, unit, budget, status_quo.currency))
    return held[1]


def take_moves() -> bool:
    """Apply what the board sent since the last run (events.apply: each event once, in order, checked); True when this run is
    a position in a pointer's drag (sent only by a board that has not got the model's tables yet)."""
    applied = apply(state[BOARD], state.get(allocation_board.KEY), budget / scale, in_units(status_quo.allocations))
    return applied and state[BOARD].dragging


def start_choice() -> None:
    """Where the projection starts, when the city has survey data (the horizon and the view are chosen in the projection)."""
    if state.data_start is None:
        return
    st.radio(_("Start from"), [START_DEFAULT, START_FROM_DATA], horizontal=True, key="start_choice", format_func=_)
    start = city_data_start()
    if start is not None:
        st.caption(_("From your data: thriving {thriving}, struggling {struggling}, suffering {suffering} (latest city survey). Defaults: "
                     "vital-condition levels, effects and constants. This start is not an equilibrium: both lines start here, so compare "
                     "this mix with the status quo.").format(thriving=share(start.thriving[0]), struggling=share(start.struggling[0]),
                                                             suffering=share(start.suffering[0], 1)))


def assumptions_editor(assumptions: Assumptions) -> None:
    """The session's own edits of constants and effects, behind a toggle."""
    if not st.toggle(_("Edit the assumptions (illustrative)"), key="show_assumptions"):
        return
    st.caption(_("Edits apply to your session only; the shipped defaults never change."))
    with st.form("assumptions"):
        constants = st.data_editor(
            [{"name": n, "value": v, "unit": defaults.notes[n]["unit"], "why": defaults.notes[n]["why"]}
             for n, v in assumptions.constants.items()],
            disabled=["name", "unit", "why"], hide_index=True, key="constants_editor",
            column_config={"name": _("name"), "value": _("value"), "unit": _("unit"), "why": _("why")},
        )
        effects = st.data_editor([{"element": i, **row} for i, row in assumptions.elements.items()],
                                 disabled=["element"], hide_index=True, key="effects_editor", column_config={"element": _("element")})
        if st.form_submit_button(_("Apply assumptions")):
            state.assumption_overrides = {
                "constants": {r["name"]: r["value"] for r in constants},
                "elements": {r["element"]: {k: v for k, v in r.items() if k != "element"} for r in effects},
            }
            st.rerun()
    if state.get("assumption_overrides") and st.button(_("Reset assumptions to defaults")):
        state.assumption_overrides = {}
        st.rerun()


def downloads(portfolio) -> None:
    """The allocation as JSON and CSV, drawn with their bytes (a few hundred, made in microseconds) and held by the session:
    a quick move's interrupted runs no longer lose the file the button still offers (issue 16, ui/downloads.py). Drawn only
    once asked for (a toggle, as saving is): the two buttons were a fifth of a move's server time, for files few ask for (issue 18)."""
    if not st.toggle(_("Download this allocation (JSON, CSV)"), key="downloading"):
        return
    if abs(portfolio.budget - budget) > 0.01:
        st.caption(_("The download holds the amounts as they are; its budget is their total."))
    row = st.container(horizontal=True)  # one block, not three (columns)
    held(_("Download JSON"), portfolio_json(portfolio), "allocation.json", "application/json", key="allocation_json", container=row)
    held(_("Download CSV"), portfolio_csv(portfolio, catalog), "allocation.csv", "text/csv", key="allocation_csv", container=row)


def save_form(current: dict[str, float]) -> None:
    """Save as a workshop proposal. A toggle, not an expander: the form (and its database read) runs only when someone
    is saving, never on a slider's move."""
    saver = identity.author()
    if not (saver and saver[1]["role"] != "observer" and st.toggle(_("Save this allocation as a proposal"), key="saving")):
        return
    workshop, person = saver
    with st.form("save_proposal"):
        own = [p for p in list_proposals(workshop.id) if p["participant_id"] == person["id"]]
        title = st.text_input(_("Title"), max_chars=200)
        rationale = st.text_area(_("Rationale: why this mix (required)"), max_chars=5000)
        notes = st.data_editor(pd.DataFrame({"element": [names[i] for i in catalog.ids], "note": [""] * len(catalog.ids)}),
                               disabled=["element"], hide_index=True, key="proposal_notes", column_config={"element": _("element"), "note": _("note")})
        parent = st.selectbox(_("New version of"), [None, *own], format_func=lambda p: _("(a new proposal)") if p is None else f"{p['title']} v{p['version']}")
        reason = st.text_input(_("Reason for the new version (required after the decision)"), max_chars=2000)
        if st.form_submit_button(_("Save proposal")):
            try:
                saved = save_proposal(catalog, workshop.id, person["id"], title, rationale, current,
                                      notes=dict(zip(catalog.ids, notes["note"], strict=True)),
                                      assumptions=state.get("assumption_overrides") or None,
                                      parent_id=parent["id"] if parent else None, reason=reason or None, funding=funders_view.funding_rows())
            except PortfolioError as err:
                st.error(plain(funders_view.refusal(catalog, err)))
            else:
                st.success(_("Saved as version {version}. Compare it with the others on the Compare page.").format(version=saved["version"]))


@st.fragment
def studio() -> None:
    """Sliders, projection and saving: a slider's move reruns only this, not the whole app (navigation, sidebar), and runs
    no model: the board and the projection run the mix in the browser from the model's tables, written once per model."""
    dragging = take_moves()
    assumptions, model, assumptions_problem = session_model()
    horizon, view = projection_panel.chosen(state.get(projection_panel.KEY))
    start = city_data_start()
    current = amounts()
    drafts.save_draft(catalog, current)  # the room view's copy of a participant's sliders, written in the background
    vector = [current[i] for i in catalog.ids]
    portfolio = make_portfolio(catalog, current, None, status_quo.currency)
    if not dragging:  # the link follows where a slider is let go
        st.query_params.update(to_query(portfolio))
    tables = projection_panel.tables(model, start)

    controls, projection_area = st.columns([2, 3], gap="large")
    with controls:
        allocation_board.draw(board_words(), state[BOARD], scale)
    with projection_area, st.container(key=PROJECTION):
        if assumptions_problem:
            st.error(plain(assumptions_problem))
        start_choice()
        projection_panel.draw(projection_panel.fixed(model, tables, start, horizon, view, scale, unit), vector)
        places.neighborhoods(catalog, model, vector, horizon, names)
        assumptions_editor(assumptions)
        downloads(portfolio)
        funders_view.by_funder(catalog, current)
        save_form(current)

    state[session.CURRENT_ALLOCATION] = current  # what other pages compare with ("your sliders")


sticky.keep_in_view(PROJECTION)  # drawn once, outside the fragment: a move does not send it again
studio()
