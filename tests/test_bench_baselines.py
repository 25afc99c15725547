"""The pages `make bench` measures Allocate against (bench/: Allocate as it was before issue 18, and with Streamlit
sliders) still run on today's engine: a change to the engine that breaks them would only show when someone runs the bench."""

import pytest
from streamlit.testing.v1 import AppTest


@pytest.mark.parametrize("page", ["allocate_before.py", "allocate_sliders.py"])
def test_a_baseline_page_opens_and_answers_a_slider_move(page):
    at = AppTest.from_file(f"../bench/{page}", default_timeout=60)
    at.run()
    at.slider(key="amount:basic_needs").set_value(9.0).run()
    assert not at.exception
    assert at.slider(key="amount:basic_needs").value == 9.0 and any(m.label.startswith("Thriving in year") for m in at.metric)
