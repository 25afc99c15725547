from pathlib import Path

from streamlit.testing.v1 import AppTest

from portfolio_engine.community.indicators import import_long
from portfolio_engine.community.survey import import_survey
from portfolio_engine.security import access
from portfolio_engine.security.access import OPERATOR

PAGE = "../../pages/data.py"
DEMO = Path(__file__).resolve().parents[2] / "portfolio_engine" / "data" / "demo_city"


def test_empty_database_invites_an_import():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    assert "No community data yet" in at.info[0].value


def test_demo_city_shows_trend_places_strengths_and_gaps(catalog):
    import_long(catalog, DEMO / "indicators.csv", grant=OPERATOR)
    import_survey(catalog, DEMO / "survey.csv", "2024", "riverside", "Riverside", grant=OPERATOR)
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    assert at.selectbox(key="data_place").value == "riverside"
    assert [s.value for s in at.subheader][:1] == ["Neighborhoods and tracts, each against its own past"]
    at.selectbox(key="data_place").set_value("eastside").run()
    at.selectbox(key="data_indicator").set_value("child_poverty").run()
    assert not at.exception
    assert any("Strengths" in m.value for m in at.markdown) and any("Gaps" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) == 1
    summary = next(m.value for m in at.markdown if m.value.startswith("Children in poverty") and "Eastside" in m.value)
    assert "in 2021" in summary and "in 2024" in summary, "the chart in words, for those who cannot see it"
    at.toggle(key="chart_table:data_trend").set_value(True).run()
    assert list(at.table[0].value["period"]) == ["2021", "2022", "2024"], "the suppressed year stays out of the numbers"


def test_anonymous_visitors_are_invited_to_sign_in_when_no_steward_is_set_up():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.file_uploader
    at.text_input(key="steward_passcode").input("anything-at-all")
    at.button[0].click().run()
    assert not at.exception and "No data steward is set up" in at.error[0].value


def test_the_steward_signs_in_imports_an_upload_and_signs_out(catalog):
    access.set_steward("steward-passcode")
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    at.text_input(key="steward_passcode").input("steward-passcode")
    at.button[0].click().run()
    assert not at.exception and at.file_uploader
    at.file_uploader(key="import_file").upload("indicators.csv", (DEMO / "indicators.csv").read_bytes(), "text/csv")
    at.run()
    at.button(key="import_button").click().run()
    assert not at.exception and "Imported 192 values" in at.success[0].value
    assert "No community data yet" not in [i.value for i in at.info]
    at.button(key="steward_sign_out").click().run()
    assert not at.file_uploader and at.text_input(key="steward_passcode")
