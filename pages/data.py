"""Data: the community's own indicators over time, by neighborhood and group, strengths beside gaps; imports by the data steward."""

from datetime import date

import streamlit as st

from portfolio_engine.community.chdb import mapping
from portfolio_engine.community.importers import IMPORT_KINDS, ImportOptions
from portfolio_engine.community.indicators import Upload, catalog_of_indicators, places, values
from portfolio_engine.community.views import by_condition, by_group, latest_by_place, strengths_and_gaps, trend
from portfolio_engine.errors import PortfolioError
from portfolio_engine.limits import MAX_UPLOAD_BYTES
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.security import access
from ui import chart_text, charts
from ui.i18n import _, message
from ui.text import plain

catalog = load_catalog()
names = {e.id: _(e.name) for e in catalog.elements} | {f: _(n) for f, n in catalog.family_names.items()}
state = st.session_state
STEWARD = "data_steward_grant"
KINDS = {kind.words: kind.name for kind in IMPORT_KINDS.values()}
GROUP_COLUMNS = {"group_type": _("Grouped by"), "group_name": _("Group"), "period_label": _("Period"), "value": _("Value"), "lci": _("Interval from"),
                 "uci": _("Interval to"), "value_status": _("Status")}
NUMBERS = {_(c): st.column_config.NumberColumn(_(c), format="%.2f") for c in ("value", "latest", "change since previous", "Value", "Interval from",
                                                                              "Interval to")}
VERDICT = "compared with its own past"

st.title(_("Community data"))
st.caption(_("Your own numbers: each place is compared with its own past and with the whole city, never ranked against others. "
             "Missing and suppressed values are shown as such, never as zero."))


def steward_sign_in() -> None:
    """Importing changes what everyone sees, so it needs the data steward; anyone may look at the data."""
    st.caption(_("Importing needs the data steward: sign in with the passcode your administrator set."))
    with st.form("steward_sign_in"):
        passcode = st.text_input(_("Data steward passcode"), type="password", key="steward_passcode")
        if st.form_submit_button(_("Sign in as data steward")):
            try:
                state[STEWARD] = access.sign_in_steward(passcode)
            except PortfolioError as err:  # a wrong passcode, too many attempts, or no steward set up
                st.error(plain(message(str(err))))
            else:
                st.rerun()


def importer(grant: access.Grant) -> None:
    """Choose the kind of file, upload it and import it with the steward's grant; the upload never becomes a server file."""
    if st.button(_("Sign out (data steward)"), key="steward_sign_out"):
        state.pop(STEWARD, None)
        st.rerun()
    kind = KINDS[st.radio(_("Kind of file"), list(KINDS), format_func={words: _(words) for words in KINDS}.get, horizontal=True, key="import_kind")]
    upload = st.file_uploader(_("CSV file (UTF-8, up to {size} MB)").format(size=f"{MAX_UPLOAD_BYTES / 1e6:g}"), type=["csv"], key="import_file")
    if kind == "survey":
        a, b, c = st.columns(3)
        period = a.text_input(_("Survey period"), str(date.today().year), key="survey_period")
        geo_id = b.text_input(_("Place id for the whole survey"), "city", key="survey_geo")
        geo_name = c.text_input(_("Place name"), _("Whole city"), key="survey_name")
    edited_map = None
    if kind == "chdb":
        st.caption(_("City Health Dashboard metrics map to the portfolio like this (shipped default; edits apply to this import):"))
        conditions = ["", *catalog.ids, *catalog.family_names]
        edited_map = st.data_editor(mapping().reset_index(), hide_index=True, width="stretch", key="chdb_mapping", num_rows="dynamic",
                                    column_config={"vital_condition": st.column_config.SelectboxColumn("vital_condition", options=conditions),
                                                   "higher_is_better": st.column_config.SelectboxColumn("higher_is_better", options=["1", "0", ""])}
                                    ).set_index("metric_number")
    if upload is None or not st.button(_("Import"), key="import_button"):
        return
    source = Upload(upload.name, upload.getvalue())  # the browser's file name is display text only
    try:
        options = ImportOptions(period, geo_id, geo_name) if kind == "survey" else ImportOptions(metric_map=edited_map)
        summary = IMPORT_KINDS[kind].run(catalog, source, grant, options)
    except PortfolioError as err:  # messages quote the file's contents: shown as plain text
        st.error(plain(_("Nothing was imported.") + " " + message(str(err))))
    else:
        st.success(_("Imported {rows} values: {indicators} indicators, {places} places, {periods} periods, {missing} missing.").format(
            rows=f"{summary.rows:,}", indicators=summary.indicators, places=summary.geographies, periods=summary.periods, missing=summary.missing)
            + ("" if summary.changed else " " + _("This file was imported before: nothing changed.")))


with st.expander(_("Import a file"), expanded=STEWARD in state):
    if STEWARD in state:
        importer(state[STEWARD])
    else:
        steward_sign_in()

indicators = catalog_of_indicators()
if indicators.empty:
    st.info(_("No community data yet: the data steward can import a file above (a long-format CSV, a City Health Dashboard download "
              "or a resident survey)."))
    st.stop()

where = places()
unmapped = _("not mapped")
labels = {r.indicator_id: f"{r.indicator_name} · {names.get(r.vital_condition, unmapped)} · {r.measure_type}" for r in indicators.itertuples()}
left, right = st.columns(2)
indicator_id = left.selectbox(_("Indicator"), list(labels), format_func=labels.get, key="data_indicator")
place_labels = {r.geo_id: f"{r.geo_name} ({r.geo_level})" for r in where.itertuples()}
cities = where[where["geo_level"] == "city"]["geo_id"].tolist()
place_id = right.selectbox(_("Place"), list(place_labels), format_func=place_labels.get, key="data_place",
                           index=list(place_labels).index(cities[0]) if cities else 0)
rows = values(indicator_id)
city_id = cities[0] if cities else None

series = trend(rows, place_id)
city = trend(rows, city_id) if city_id and city_id != place_id else None
unit = rows["unit"].iloc[0] if len(rows) else ""
st.plotly_chart(charts.indicator_trend(series, place_labels[place_id], unit, city, place_labels.get(city_id, "")), config=charts.CONFIG,
                key="data_trend")
measured = series[series["value_status"] == "ok"]
if len(measured):
    chart_text.alternative(
        _("{indicator}, {place}: {first} in {first_period}, {last} in {last_period}.").format(
            indicator=labels[indicator_id], place=place_labels[place_id], first=f"{measured['value'].iloc[0]:,.2f} {unit}",
            first_period=measured["period_label"].iloc[0], last=f"{measured['value'].iloc[-1]:,.2f} {unit}", last_period=measured["period_label"].iloc[-1]),
        measured[["period_label", "value", "lci", "uci"]].rename(columns={"period_label": "period", "lci": "low", "uci": "high"}).rename(columns=_),
        "data_trend")
missing = series[series["value_status"] != "ok"]
for row in missing.itertuples():
    st.caption(f"{row.period_label}: {_(row.value_status.replace('_', ' '))}{' (' + row.notes + ')' if row.notes else ''}")

LEVELS = {"neighborhood": _("By neighborhood"), "tract": _("By tract"), "ward": _("By ward"), "zip": _("By ZIP code")}
st.subheader(_("Neighborhoods and tracts, each against its own past"))
for level, by_level in LEVELS.items():
    table = latest_by_place(rows, level)
    if not table.empty:
        st.caption(_("{level} (alphabetical); a change inside the margin of error reads 'about the same'").format(level=by_level))
        table = table.assign(**{"status": table["status"].map(_), VERDICT: table[VERDICT].map(_)})
        st.dataframe(table.rename(columns=_), hide_index=True, width="stretch", column_config=NUMBERS)
groups = by_group(rows, place_id)
if not groups.empty:
    st.subheader(_("By group"))
    st.dataframe(groups.assign(value_status=groups["value_status"].str.replace("_", " ").map(_)).rename(columns=GROUP_COLUMNS), hide_index=True,
                 width="stretch", column_config=NUMBERS)

place_rows = values(geo_id=place_id)
st.subheader(_("Strengths and gaps: {place}").format(place=place_labels[place_id]))
strengths, gaps = strengths_and_gaps(place_rows, values(geo_id=city_id) if city_id else place_rows.iloc[0:0])
for column, title, table in zip(st.columns(2), (_("**Strengths** (improving, or better than the whole city)"),
                                                _("**Gaps** (worsening, or behind the whole city)")), (strengths, gaps), strict=True):
    if not table.empty:
        table = table.assign(**{"vital condition": table["vital condition"].map(lambda v: names.get(v, v))})
    with column:
        st.markdown(title)
        if table.empty:
            st.caption(_("None found in these data."))
        else:
            st.dataframe(table.rename(columns=_), hide_index=True, width="stretch", column_config=NUMBERS)

st.subheader(_("Objective and subjective measures for each vital condition"))
table = by_condition(place_rows)
if not table.empty:
    table["vital condition"] = table["vital condition"].map(lambda v: names.get(v, v))
    st.dataframe(table.rename(columns=_), hide_index=True, width="stretch")
