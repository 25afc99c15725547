"""A real Streamlit server on 127.0.0.1 and Debian's headless Chromium driven by Playwright.

Without Chromium these tests skip locally; with REQUIRE_BROWSER=1 (set by .ci/run) they fail.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server_db(tmp_path_factory):
    """The database file the test server uses (tests may prepare data in it through the engine)."""
    return tmp_path_factory.mktemp("db") / "portfolio.db"


@pytest.fixture(scope="module")
def served(server_db, tmp_path_factory):
    """(url, process) of `streamlit run app.py` on a free loopback port with its own database; stopped at the end."""
    port = _free_port()
    env = {**os.environ, "PORTFOLIO_DB": str(server_db)}
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "ui.serve", "run", "app.py", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Streamlit did not start: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()  # reaped: a Popen collected while its process runs warns, and the warning fails whichever test is running then


@pytest.fixture(scope="module")
def server(served):
    """The test server's address."""
    return served[0]


@pytest.fixture
def shots(tmp_path):
    """Where screenshots go: the test run's temporary folder."""
    folder = tmp_path / "screenshots"
    folder.mkdir()
    return folder
