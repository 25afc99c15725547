"""Issue 16, fix 16: "Download Button source error - 404" after quick slider moves. Runs a newer move interrupts never redraw the
downloads; two of them and Streamlit deletes the file whose button the browser still shows. ui.downloads.held keeps it."""

import asyncio
import urllib.request
from pathlib import Path

from loadtest.protocol import Tab

APP = Path(__file__).with_name("held_app.py")


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
