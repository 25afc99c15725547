"""The light chart's figure (ui/components/light_chart): plotly's JSON without the template, whose colours are placeholders
only Streamlit's own plotly chart fills in, in Streamlit's look; and the vendored bundle ships with its licence."""

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui import charts
from ui.components.light_chart import FRONTEND, spec


def _runs():
    years = np.arange(3)
    chosen = pd.DataFrame({"year": years, "thriving": [0.3, 0.4, 0.5], "struggling": [0.5, 0.4, 0.3], "suffering": [0.2, 0.2, 0.2]})
    return chosen, chosen.assign(thriving=0.3)


def test_the_figure_travels_without_its_template_with_every_trace_and_the_pages_own_layout():
    figure = go.Figure(charts.population(*_runs()))  # a plotly Figure, as the other pages' charts are
    assert figure.layout.template is not None  # what st.plotly_chart's own chart would style
    sent = json.loads(spec(figure))
    assert "template" not in sent["layout"]
    assert [t["name"] for t in sent["data"]] == [t.name for t in figure.data]
    assert sent["layout"]["height"] == 520 and sent["layout"]["yaxis2"]["title"]["text"] == "% struggling"
    assert sent["layout"]["yaxis2"]["domain"] == list(figure.layout.yaxis2.domain)  # the page's axis settings win over the look's
    assert sent["layout"]["yaxis3"]["automargin"] is True and sent["layout"]["xaxis"]["gridcolor"] == "#e6eaf1"


def test_the_vendored_bundle_is_plotlys_basic_one_with_its_licence():
    assert (FRONTEND / "plotly-basic.min.js").read_text()[:200].count("plotly.js (basic - minified)") == 1
    assert "MIT License" in (FRONTEND / "LICENSE-plotly.js.txt").read_text()


def test_a_plain_figure_dict_is_sent_alike_without_plotlys_objects():
    traces = [charts.line(np.arange(3), np.array([30.0, 40.0, 50.0]), "thriving", "#1b7837")]
    sent = json.loads(spec({"data": traces, "layout": {"height": 340, "yaxis": {"title": {"text": "%"}}}}))
    assert sent["data"][0]["y"] == [30.0, 40.0, 50.0] and sent["data"][0]["line"]["color"] == "#1b7837"
    assert sent["layout"]["height"] == 340 and sent["layout"]["yaxis"]["title"]["text"] == "%" and sent["layout"]["yaxis"]["automargin"] is True
