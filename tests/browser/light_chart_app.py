"""A page with one slider and the light chart of the projection's people view (tests/browser/test_light_chart_browser.py)."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ui import charts  # noqa: E402
from ui.components.light_chart import light_chart  # noqa: E402

share = st.slider("Thriving at the end", 0.30, 0.90, 0.50, step=0.10, key="share")
years = np.arange(21)
chosen = pd.DataFrame({"year": years, "thriving": np.linspace(0.3, share, 21), "struggling": np.full(21, 0.4), "suffering": np.full(21, 0.1)})
status_quo = chosen.assign(thriving=np.full(21, 0.3))
light_chart(charts.population(chosen, status_quo), config=charts.CONFIG, key="chart")
