"""A small Streamlit script beside a test module (its `APP`), served once per module on a free loopback port."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from serving.room import free_port, stop, wait_until_up

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def app(request, tmp_path_factory):
    """The address of the module's `APP` served by Streamlit; the server is stopped (and reaped) after the module."""
    port = free_port()
    log = tmp_path_factory.mktemp(Path(request.module.APP).stem) / "streamlit.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(request.module.APP), "--server.address", "127.0.0.1",
                                    "--server.port", str(port), "--server.headless", "true"], cwd=ROOT,
                                   env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/_stcore/health", process, log)
        yield url
    finally:
        stop(process)
