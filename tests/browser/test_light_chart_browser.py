"""The light chart (ui/components/light_chart): plotly.js's basic bundle draws the app's figure in the browser, without
Streamlit's 4.6 MB plotly chunk, and a rerun updates the drawn figure in place instead of loading it again."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from serving.room import free_port, stop, wait_until_up

APP = Path(__file__).with_name("light_chart_app.py")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("light_chart") / "streamlit.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", "127.0.0.1", "--server.port",
                                    str(port), "--server.headless", "true"], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/_stcore/health", process, log)
        yield url
    finally:
        stop(process)


def test_the_figure_is_drawn_by_the_basic_bundle_and_updated_in_place_on_a_rerun(browser, app):
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    scripts = []
    page.on("request", lambda request: scripts.append(request.url) if request.url.endswith(".js") else None)
    page.goto(app)
    frame = page.frame_locator('iframe[title="ui.components.light_chart.light_chart"]')
    expect(frame.locator(".scatterlayer .trace")).to_have_count(6, timeout=30_000)  # three panels, each with the status quo
    expect(frame.locator(".legendtext").filter(has_text="thriving (this mix)")).to_have_count(1)
    assert not [url for url in scripts if "PlotlyChart" in url], "Streamlit's full plotly chunk is not loaded"
    assert [url for url in scripts if url.endswith("plotly-basic.min.js")]

    chart = next(f for f in page.frames if "light_chart" in f.url)
    last = "() => Array.from(document.getElementById('chart')._fullData[1].y).at(-1)"  # thriving in the last year, this mix (decoded)
    assert chart.evaluate(last) == pytest.approx(50.0)
    chart.evaluate("window.unchanged = true")  # gone if the frame were loaded again
    page.get_by_role("slider", name=re.compile("Thriving at the end")).focus()
    page.keyboard.press("ArrowRight")
    chart.wait_for_function(f"() => ({last})() > 55", timeout=20_000)
    assert chart.evaluate(last) == pytest.approx(60.0)
    assert chart.evaluate("window.unchanged") is True
    expect(frame.locator(".scatterlayer .trace")).to_have_count(6)
    page.close()
