"""Compare: 2 to 6 portfolios side by side, with projections, constraints, distance from the residents' vote and stances."""

import pandas as pd
import streamlit as st

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import load_catalog
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
from ui.i18n import _, message, number
from ui.menu import catalog_for
from ui.model_words import display_unit
from ui.statement import compare_section as statement_section
from ui.text import plain

catalog = load_catalog()
names = {e.id: _(e.name) for e in catalog.elements}
state = st.session_state
STATUS_QUO = _("Status quo")


def heading(column: str) -> str:
    """A column of the side-by-side table in the page's language ('Plan A: amount' -> 'Plan A: monto')."""
    for english, translated in ((": amount", ": " + _("amount")), (": share", ": " + _("share")), (": vs ", ": " + _("vs") + " ")):
        column = column.replace(english, translated)
    return column


st.title(_("Compare portfolios"))
workshop = identity.workshop_in_view()
if workshop is None:
    st.caption(_("Join a workshop (sidebar), or enter its join code to look at its proposals."))
    viewing = st.text_input(_("Join code"), max_chars=6, key="compare_code")
    if not viewing:
        st.stop()
    if state.get("compare_viewed", (None,))[0] != viewing:  # one throttled look-up per code typed, not one per rerun
        try:
            state.compare_viewed = (viewing, find_by_join_code(viewing), None)
        except PortfolioError as err:
            state.compare_viewed = (viewing, None, str(err))
    workshop, problem = state.compare_viewed[1:]
    if problem:
        st.error(plain(message(problem)))
        st.stop()

workshop = get_workshop(workshop.id)  # its current state (the session's copy may be older)
catalog = catalog_for(catalog, workshop)  # the workshop's words for the elements, in the page's language (ui/menu.py)
names = {e.id: e.name for e in catalog.elements}
scale, unit = display_unit(workshop.budget)
status_quo = workshop.status_quo_portfolio(catalog)
proposals = list_proposals(workshop.id)
aggregate = resident_aggregate(workshop.id)
options = {STATUS_QUO: status_quo.allocations}
for p in proposals:
    options[f"{p['title']} v{p['version']} ({p['author']}{', ' + p['origin'] if p['origin'] != 'manual' else ''})"] = p["allocations"]
by_label = {label: p for label, p in zip(list(options)[1:], proposals, strict=True)}
st.caption(_("{workshop} · proposals: {count} · state: {state}").format(workshop=plain(workshop.name), count=len(proposals), state=_(workshop.state)))
if not proposals:
    st.info(_("No proposals saved yet: save one from the Allocate or Optimize page."))
    st.stop()

default = list(options)[: min(3, len(options))]
chosen = st.multiselect(_("Portfolios to compare (2 to 6)"), list(options), default=default, max_selections=6, key="compare_pick")
if len(chosen) < 2:
    st.warning(_("Pick at least two portfolios."))
    st.stop()
picked = {label: options[label] for label in chosen}

table = side_by_side(catalog, picked)
bars = pd.DataFrame({"element": [names[i] for i in catalog.ids], **{label: table[f"{label}: amount"] / scale for label in chosen}})
st.plotly_chart(charts.allocations(bars, chosen, unit), config=charts.CONFIG, key="compare_bars")
st.markdown(_("Amounts per element for {portfolios}, in {unit}; the table below has every number.").format(portfolios=", ".join(chosen), unit=unit))
money = [c for c in table.columns if c.endswith(": amount") or ": vs " in c]
shown = table.drop(columns="family").assign(element=[names[i] for i in catalog.ids], **{c: table[c] / scale for c in money})
formats = {c: st.column_config.NumberColumn(f"{heading(c)} ({unit})" if c in money else heading(c), format="percent" if c.endswith("share") else "%,.2f")
           for c in shown.columns if c != "element"}  # millions, as the chart beside it
st.dataframe(shown, hide_index=True, width="stretch", column_config={"element": st.column_config.TextColumn(_("Element")), **formats})
definitions.covers_table(catalog)  # each element's definition and items, in the workshop's words (ui/definitions.py)

st.subheader(_("Projections (illustrative)"))
runs = project_portfolios(catalog, status_quo, [picked[label] for label in chosen])
st.plotly_chart(charts.overlay(runs, chosen), config=charts.CONFIG, key="compare_projection")
chart_text.alternative(
    _("In year {year}: {values}.").format(year=int(runs[0]["year"].iloc[-1]), values="; ".join(
        _("{portfolio} thriving {thriving}, suffering {suffering}").format(portfolio=label, thriving=f"{run['thriving'].iloc[-1]:.1%}",
                                                                          suffering=f"{run['suffering'].iloc[-1]:.1%}")
        for label, run in zip(chosen, runs, strict=True))),
    pd.DataFrame({_("year"): runs[0]["year"], **{_("{portfolio}: thriving").format(portfolio=label): run["thriving"].map("{:.1%}".format)
                                                 for label, run in zip(chosen, runs, strict=True)}}),
    "compare_projection")

st.subheader(_("Where they agree and where they diverge"))
spread = agreement(catalog, picked).assign(element=lambda t: t["element"].map(names))
SPREAD = {"element": _("Element"), "lowest": _("lowest"), "highest": _("highest"), "spread": _("spread")}
st.dataframe(spread.assign(**{c: spread[c] / scale for c in ("lowest", "highest", "spread")}), hide_index=True, width="stretch",
             column_config={c: st.column_config.NumberColumn(f"{SPREAD[c]} ({unit})", format="%.2f") for c in ("lowest", "highest", "spread")}
             | {"element": st.column_config.TextColumn(_("Element"))})

if aggregate:
    st.subheader(_("Distance from the residents' vote"))
    st.dataframe(pd.DataFrame({_("portfolio"): chosen, _("money moved ({unit})").format(unit=unit): [
        distance(picked[c], aggregate["allocations"]) / 2 / scale for c in chosen]}), hide_index=True)
if workshop.constraints:
    st.subheader(_("Constraints each one meets or breaks"))
    try:
        problem = problem_from_dict(workshop.constraints, catalog=catalog)
    except PortfolioError as err:
        st.error(plain(_("The workshop's constraints cannot be read: {problem}").format(problem=message(str(err)))))
    else:
        rows = []
        for label in chosen:
            for check in constraint_checks(problem, picked[label]):
                rows.append({_("portfolio"): label, _("constraint"): constraint_words(catalog, check["constraint"], check["limit"], (scale, unit)),
                             _("asked by"): check["owner"] or "",
                             _("meets it"): _("yes") if check["met"] else _("no (short by {amount} {unit})").format(amount=number(check["miss"] / scale, 2),
                                                                                                                      unit=unit)})
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

compare_lens(catalog, workshop, picked)  # the ends the room agreed (ui/ends.py)
funders_section(catalog, workshop, {label: picked[label] for label in chosen if label != STATUS_QUO},  # who funds what (ui/funders.py), as proposed
                {label: by_label[label]["by_funder"] for label in chosen if label in by_label and by_label[label]["by_funder"]})
statement_section(catalog, workshop, {label: by_label[label] for label in chosen if label in by_label})  # impact statement (ui/statement.py)

st.subheader(_("Stances"))
counts = tallies(workshop.id)
stance_rows = [{_("portfolio"): label, **{_(STANCE_WORDS[s]): counts.get(by_label[label]["id"], {}).get("by_stance", {}).get(s, 0) for s in STANCES}}
               for label in chosen if label in by_label]
if stance_rows:
    st.dataframe(pd.DataFrame(stance_rows), hide_index=True, width="stretch")
for stance in current_stances(workshop.id):
    label = next((lab for lab, p in by_label.items() if p["id"] == stance["proposal_id"] and lab in chosen), None)
    if label:
        st.text(_("{name} ({sector}) on {portfolio}: {stance}.").format(name=stance["name"], sector=stance["sector"], portfolio=label,
                                                                      stance=_(STANCE_WORDS[stance["stance"]])) + f" {stance['reason']}")
for label in chosen:
    if label in by_label:
        with st.expander(_("Rationale: {portfolio}").format(portfolio=plain(label))):
            st.text(by_label[label]["rationale"])

me = identity.current()
if me and me["participant"]["role"] != "observer":
    st.subheader(_("Your stance"))
    with st.form("stance"):
        target = st.selectbox(_("Proposal"), list(by_label), key="stance_target")
        stance = st.radio(_("Stance"), STANCES, format_func={s: _(STANCE_WORDS[s]) for s in STANCES}.get, horizontal=True, key="stance_choice")
        reason = st.text_area(_("Why"), max_chars=2000, key="stance_reason")
        if st.form_submit_button(_("Record my stance")):
            try:
                add_stance(workshop.id, by_label[target]["id"], me["participant"]["id"], stance, reason)
            except PortfolioError as err:
                st.error(plain(message(str(err))))
            else:
                st.success(_("Your stance was recorded."))
