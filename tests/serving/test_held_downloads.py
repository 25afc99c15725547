"""Issue 16, fix 16: "Download Button source error - 404" after quick slider moves. Runs a newer move interrupts never redraw the
downloads; two of them and Streamlit deletes the file whose button the browser still shows. ui.downloads.held keeps it."""

import asyncio
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from loadtest.protocol import Tab
from serving.room import free_port, stop, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
APP = Path(__file__).with_name("held_app.py")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("held") / "streamlit.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", "127.0.0.1",
                                    "--server.port", str(port), "--server.headless", "true"], cwd=ROOT,
                                   env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/_stcore/health", process, log)
        yield url
    finally:
        stop(process)


def _fetch(url: str) -> bytes | str:
    try:
        with urllib.request.urlopen(url) as response:
            return response.read()
    except urllib.error.HTTPError as err:
        return f"HTTP {err.code}"


async def _after_two_interrupted_runs(url: str) -> dict[str, bytes | str]:
    """The addresses the browser shows, fetched after two runs that stopped before the downloads."""
    tab = Tab(url)
    await tab.connect()
    await tab.open()
    try:
        shown = {label: await tab.file_url(label) for label in ("plain", "held")}
        for value in (11, 13):
            await tab.change("value", [value])
        return {label: _fetch(url + path) for label, path in shown.items()}
    finally:
        await tab.close()


def test_a_held_download_survives_the_runs_a_quick_slider_move_interrupts(app):
    fetched = asyncio.run(_after_two_interrupted_runs(app))
    assert fetched == {"plain": "HTTP 404", "held": b"value 6"}  # Streamlit's own button: the 404 people saw
