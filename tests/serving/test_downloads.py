"""Why the app draws its downloads with their bytes: Streamlit loses a deferred one on a busy server."""

import asyncio
import urllib.request
from pathlib import Path

import pytest

from loadtest.protocol import ProtocolError, Tab

APP = Path(__file__).with_name("deferred_app.py")


async def _download_while_others_run(url: str, label: str) -> bytes | str:
    """One person clicks a download; before their browser fetches it, two other people's runs finish."""
    mine, other = Tab(url), Tab(url)
    for tab in (mine, other):
        await tab.connect()
        await tab.open()
    try:
        url_path = await mine.file_url(label)
        for value in (10, 20):
            await other.change("value", [value])
        try:
            with urllib.request.urlopen(url + url_path) as response:
                return response.read()
        except urllib.error.HTTPError as err:
            return f"HTTP {err.code}"
    finally:
        await mine.close()
        await other.close()


def test_a_deferred_download_is_deleted_when_two_other_runs_finish_first(app):
    assert asyncio.run(_download_while_others_run(app, "deferred")) == "HTTP 404"


def test_a_download_drawn_with_its_bytes_survives_other_runs(app):
    assert asyncio.run(_download_while_others_run(app, "with bytes")) == b"value 5"


def test_an_unknown_download_is_a_clear_error(app):
    async def ask():
        tab = Tab(app)
        await tab.connect()
        await tab.open()
        try:
            await tab.download("no such button")
        finally:
            await tab.close()

    with pytest.raises(ProtocolError, match="No download button"):
        asyncio.run(ask())
