"""`make serve`: Streamlit processes behind nginx, each browser kept on one process, one shared database."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import psutil
import pytest

from loadtest.protocol import ProtocolError, Tab
from loadtest.scenarios import move
from serving.room import ROOT, check_free, free_port, nginx_conf, serve_room


def test_the_nginx_configuration_names_every_backend_and_the_listen_address(tmp_path):
    conf = nginx_conf("127.0.0.1", 8501, ["127.0.0.1:9001", "127.0.0.1:9002"], tmp_path)
    assert "listen 127.0.0.1:8501;" in conf
    assert "server 127.0.0.1:9001;" in conf and "server 127.0.0.1:9002;" in conf
    assert "hash $route consistent;" in conf
    assert "@" not in conf  # every placeholder filled
    assert "listen [::1]:8501;" in nginx_conf("::1", 8501, ["127.0.0.1:9001"], tmp_path)


@pytest.fixture(scope="module")
def room(nginx, tmp_path_factory):
    folder = tmp_path_factory.mktemp("room")
    with serve_room("127.0.0.1", free_port(), 2, {"PORTFOLIO_DB": str(folder / "portfolio.db")}, folder / "run") as served:
        yield served


async def _download_after_move(url: str, value: float, keep_cookie: bool) -> float:
    tab = Tab(url)
    tab.load_index()
    if not keep_cookie:
        tab.cookie = ""  # as a proxy without sticky routing would treat it: every request may land anywhere
    await tab.connect()
    try:
        await tab.open()
        await move(tab, "basic_needs", value)  # the board's message (loadtest/scenarios.py)
        await tab.change("downloading", True)  # the downloads, once asked for
        return json.loads(await tab.download("Download JSON"))["allocations"]["basic_needs"]
    finally:
        await tab.close()


def test_the_first_page_sets_a_route_cookie(room):
    with urllib.request.urlopen(room.url + "/") as response:
        assert "portfolio_route=" in response.headers["Set-Cookie"]
        assert "HttpOnly" in response.headers["Set-Cookie"]


def test_plain_http_answers_carry_the_security_headers_without_hsts_or_a_version_banner(room):
    for path in ("/", "/static/favicon.png", "/no-such-page"):
        try:
            response = urllib.request.urlopen(room.url + path)
        except urllib.error.HTTPError as error:  # a 404 carries them too (add_header ... always)
            response = error
        with response:
            headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert f"connect-src 'self' ws://{room.url.split('://')[1]}" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "Strict-Transport-Security" not in headers  # HSTS only means something over HTTPS
        assert headers.get_all("Server") == ["nginx"]


def test_downloads_reach_the_process_that_holds_them_for_every_browser(room):
    async def many():
        return await asyncio.gather(*(_download_after_move(room.url, 7.0 + n * 0.5, True) for n in range(12)))

    assert asyncio.run(many()) == [(7.0 + n * 0.5) * 1e6 for n in range(12)]


def test_without_the_route_cookie_some_downloads_land_on_the_wrong_process(room):
    """The control: what the cookie prevents (2**-20 chance that all 20 land right by luck)."""
    async def one(n):
        try:
            return await _download_after_move(room.url, 5.0 + n * 0.5, False)  # distinct files: ids are content hashes
        except ProtocolError as err:
            return str(err)

    async def many():
        return await asyncio.gather(*(one(n) for n in range(20)))

    results = asyncio.run(many())
    assert any("404" in str(r) for r in results)


def test_stopping_make_serve_stops_every_process_it_started(nginx, tmp_path):
    port = free_port()
    env = {**os.environ, "PORTFOLIO_DB": str(tmp_path / "portfolio.db")}
    room = subprocess.Popen([sys.executable, "-m", "serving.room", "--port", str(port), "--workers", "1"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert "Serving the room at http://127.0.0.1:" in next(line for line in room.stdout if line.startswith("Serving"))
        children = psutil.Process(room.pid).children(recursive=True)
        assert len(children) >= 3  # one Streamlit process, nginx's master and its worker
        room.send_signal(signal.SIGTERM)
        room.wait(timeout=30)
        gone, alive = psutil.wait_procs(children, timeout=15)
        assert not alive
    finally:
        if room.poll() is None:
            room.kill()
            room.wait()
        room.stdout.close()


def test_a_port_whose_last_connections_are_closing_is_not_taken():
    """Restarting right after stopping: the stopped room's closed connections (TIME_WAIT) do not block its port."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = server.accept()
        accepted.close()  # the server side closes first: its end waits in TIME_WAIT
        client.close()
    check_free("127.0.0.1", port)


def test_a_taken_port_is_a_clear_message_and_nothing_is_left_running(nginx, room, tmp_path):
    taken = int(room.url.rsplit(":", 1)[1])
    env = {**os.environ, "PORTFOLIO_DB": str(tmp_path / "portfolio.db")}
    result = subprocess.run([sys.executable, "-m", "serving.room", "--port", str(taken), "--workers", "1"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "The room could not start" in result.stderr and "already in use" in result.stderr
    assert not [p for p in psutil.process_iter(["environ"]) if (p.info["environ"] or {}).get("PORTFOLIO_DB") == env["PORTFOLIO_DB"]]
