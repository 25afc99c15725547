"""Compare: 2 to 6 portfolios side by side, with projections, constraints, distance from the residents' vote and stances."""

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.studio import display_unit
from portfolio_engine.optimizer.constraints import problem_from_dict
from portfolio_engine.optimizer.wording import constraint_words
from portfolio_engine.record.comparison import agreement, constraint_checks, distance, side_by_side
from portfolio_engine.record.decisions import resident_aggregate
from portfolio_engine.record.proposals import STANCE_WORDS, STANCES, add_stance, current_stances, list_proposals, tallies
from portfolio_engine.record.workshops import find_by_join_code, get_workshop
from portfolio_engine.services.projection import project_portfolios
from ui import chart_text, charts, definitions, identity
from ui.ends import compare_lens
from ui.funders import compare_section as funders_section
from ui.menu import catalog_for
from ui.statement import compare_section as statement_section
from ui.text import plain

catalog = load_catalog()
names = {e.id: e.name for e in catalog.elements}
state = st.session_state

st.title("Compare portfolios")
workshop = identity.workshop_in_view()
if workshop is None:
    st.caption("Join a workshop (sidebar), or enter its join code to look at its proposals.")
    viewing = st.text_input("Join code", max_chars=6, key="compare_code")
    if not viewing:
        st.stop()
    if state.get("compare_viewed", (None,))[0] != viewing:  # one throttled look-up per code typed, not one per rerun
        try:
            state.compare_viewed = (viewing, find_by_join_code(viewing), None)
        except PortfolioError as err:
            state.compare_viewed = (viewing, None, str(err))
    _, workshop, problem = state.compare_viewed
    if problem:
        st.error(plain(problem))
        st.stop()

workshop = get_workshop(workshop.id)  # its current state (the session's copy may be older)
catalog = catalog_for(catalog, workshop)  # the workshop's words for the elements, in the page's language (ui/menu.py)
names = {e.id: e.name for e in catalog.elements}
scale, unit = display_unit(workshop.budget)
status_quo = workshop.status_quo_portfolio(catalog)
proposals = list_proposals(workshop.id)
aggregate = resident_aggregate(workshop.id)
options = {"Status quo": status_quo.allocations}
for p in proposals:
    options[f"{p['title']} v{p['version']} ({p['author']}{', ' + p['origin'] if p['origin'] != 'manual' else ''})"] = p["allocations"]
by_label = {label: p for label, p in zip(list(options)[1:], proposals, strict=True)}
st.caption(f"{plain(workshop.name)} · {len(proposals)} proposals · state: {workshop.state}")
if not proposals:
    st.info("No proposals saved yet: save one from the Allocate or Optimize page.")
    st.stop()

default = list(options)[: min(3, len(options))]
chosen = st.multiselect("Portfolios to compare (2 to 6)", list(options), default=default, max_selections=6, key="compare_pick")
if len(chosen) < 2:
    st.warning("Pick at least two portfolios.")
    st.stop()
picked = {label: options[label] for label in chosen}

table = side_by_side(catalog, picked)
bars = pd.DataFrame({"element": [names[i] for i in catalog.ids], **{label: table[f"{label}: amount"] / scale for label in chosen}})
st.plotly_chart(charts.allocations(bars, chosen, unit), config=charts.CONFIG, key="compare_bars")
st.markdown(f"Amounts per element for {', '.join(chosen)}, in {unit}; the table below has every number.")
money = [c for c in table.columns if c.endswith(": amount") or ": vs " in c]
shown = table.drop(columns="family").assign(element=[names[i] for i in catalog.ids], **{c: table[c] / scale for c in money})
formats = {c: st.column_config.NumberColumn(f"{c} ({unit})" if c in money else c, format="percent" if c.endswith("share") else "%,.2f")
           for c in shown.columns if c != "element"}  # millions, as the chart beside it
st.dataframe(shown, hide_index=True, width="stretch", column_config={"element": st.column_config.TextColumn("Element"), **formats})
definitions.covers_table(catalog)  # each element's definition and items, in the workshop's words (ui/definitions.py)

st.subheader("Projections (illustrative)")
runs = project_portfolios(catalog, status_quo, [picked[label] for label in chosen])
st.plotly_chart(charts.overlay(runs, chosen), config=charts.CONFIG, key="compare_projection")
chart_text.alternative(
    f"In year {int(runs[0]['year'].iloc[-1])}: " + "; ".join(f"{label} thriving {run['thriving'].iloc[-1]:.1%}, suffering {run['suffering'].iloc[-1]:.1%}"
                                                          for label, run in zip(chosen, runs, strict=True)) + ".",
    pd.DataFrame({"year": runs[0]["year"], **{f"{label}: thriving": run["thriving"].map("{:.1%}".format) for label, run in zip(chosen, runs, strict=True)}}),
    "compare_projection")

st.subheader("Where they agree and where they diverge")
spread = agreement(catalog, picked).assign(element=lambda t: t["element"].map(names))
st.dataframe(spread.assign(**{c: spread[c] / scale for c in ("lowest", "highest", "spread")}), hide_index=True, width="stretch",
             column_config={c: st.column_config.NumberColumn(f"{c} ({unit})", format="%.2f") for c in ("lowest", "highest", "spread")})

if aggregate:
    st.subheader("Distance from the residents' vote")
    st.dataframe(pd.DataFrame({"portfolio": chosen, f"money moved ({unit})": [distance(picked[c], aggregate["allocations"]) / 2 / scale
                                                                               for c in chosen]}), hide_index=True)
if workshop.constraints:
    st.subheader("Constraints each one meets or breaks")
    try:
        problem = problem_from_dict(workshop.constraints, catalog=catalog)
    except PortfolioError as err:
        st.error(plain(f"The workshop's constraints cannot be read: {err}"))
    else:
        rows = []
        for label in chosen:
            for check in constraint_checks(problem, picked[label]):
                rows.append({"portfolio": label, "constraint": constraint_words(catalog, check["constraint"], check["limit"], (scale, unit)),
                             "asked by": check["owner"] or "",
                             "meets it": "yes" if check["met"] else f"no (short by {check['miss'] / scale:,.2f} {unit})"})
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

compare_lens(catalog, workshop, picked)  # the ends the room agreed (ui/ends.py)
funders_section(catalog, workshop, {label: picked[label] for label in chosen if label != "Status quo"})  # who funds what (ui/funders.py)
statement_section(catalog, workshop, {label: by_label[label] for label in chosen if label in by_label})  # impact statement (ui/statement.py)

st.subheader("Stances")
counts = tallies(workshop.id)
stance_rows = [{"portfolio": label, **{STANCE_WORDS[s]: counts.get(by_label[label]["id"], {}).get("by_stance", {}).get(s, 0) for s in STANCES}}
               for label in chosen if label in by_label]
if stance_rows:
    st.dataframe(pd.DataFrame(stance_rows), hide_index=True, width="stretch")
for stance in current_stances(workshop.id):
    label = next((lab for lab, p in by_label.items() if p["id"] == stance["proposal_id"] and lab in chosen), None)
    if label:
        st.text(f"{stance['name']} ({stance['sector']}) on {label}: {STANCE_WORDS[stance['stance']]}. {stance['reason']}")
for label in chosen:
    if label in by_label:
        with st.expander(f"Rationale: {plain(label)}"):
            st.text(by_label[label]["rationale"])

me = identity.current()
if me and me["participant"]["role"] != "observer":
    st.subheader("Your stance")
    with st.form("stance"):
        target = st.selectbox("Proposal", list(by_label), key="stance_target")
        stance = st.radio("Stance", STANCES, format_func=STANCE_WORDS.get, horizontal=True, key="stance_choice")
        reason = st.text_area("Why", max_chars=2000, key="stance_reason")
        if st.form_submit_button("Record my stance"):
            try:
                add_stance(workshop.id, by_label[target]["id"], me["participant"]["id"], stance, reason)
            except PortfolioError as err:
                st.error(plain(str(err)))
            else:
                st.success("Your stance was recorded.")
