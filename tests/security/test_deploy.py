"""Deployment: `make serve` over HTTPS with the security headers, and a Content-Security-Policy Streamlit works under.

A throwaway self-signed certificate for 127.0.0.1 is made per run; the room is reached over HTTPS
trusting only that certificate, and Chromium opens every page through it collecting CSP violations.
"""

import datetime
import http.client
import ipaddress
import os
import re
import signal
import ssl
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from serving.room import ROOT, Tls, free_port, nginx_conf, serve_room

PAGES = ["optimize", "compare", "vote", "results", "data", "facilitate"]
WATCH = "document.addEventListener('securitypolicyviolation', e => (window.cspViolations ??= []).push(`${e.violatedDirective} ${e.blockedURI}`));"


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> Path:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return path


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 valid for a day, and its key (PEM files in `folder`)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return folder / "cert.pem", _write_key(key, folder / "key.pem")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    return _self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def tls_room(nginx, certificate, tmp_path_factory):
    folder = tmp_path_factory.mktemp("room")
    tls = Tls(*certificate, redirect_port=free_port())
    with serve_room("127.0.0.1", free_port(), 1, {"PORTFOLIO_DB": str(folder / "portfolio.db")}, folder / "run", tls) as served:
        yield served, tls


def _get(room_url: str, path: str, cert: Path | None) -> http.client.HTTPResponse:
    """One request, over HTTPS trusting only `cert` (plain HTTP without it); the response, read."""
    host, port = room_url.split("://")[1].rsplit(":", 1)
    if cert:
        context = ssl.create_default_context(cafile=str(cert))
        connection = http.client.HTTPSConnection(host, int(port), context=context, timeout=30)
    else:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_the_tls_configuration_listens_with_ssl_and_sends_hsts(tmp_path):
    tls = Tls(Path("/etc/room/cert.pem"), Path("/etc/room/key.pem"), 8080)
    conf = nginx_conf("127.0.0.1", 8443, ["127.0.0.1:9001"], tmp_path, tls)
    assert "listen 127.0.0.1:8443 ssl;" in conf
    assert 'ssl_certificate "/etc/room/cert.pem";' in conf and 'ssl_certificate_key "/etc/room/key.pem";' in conf
    assert "Strict-Transport-Security" in conf and "connect-src 'self' wss://$http_host" in conf
    assert "listen 127.0.0.1:8080;" in conf and "return 301 https://$host:8443$request_uri;" in conf
    plain = nginx_conf("127.0.0.1", 8501, ["127.0.0.1:9001"], tmp_path)
    assert "Strict-Transport-Security" not in plain and " ssl;" not in plain and "return 301" not in plain


@pytest.mark.parametrize("path", ["/", "/vote", "/static/favicon.png", "/_stcore/health", "/no-such-page/x.js"])
def test_every_https_answer_carries_the_security_headers_and_no_version_banner(tls_room, certificate, path):
    room, _ = tls_room
    headers = _get(room.url, path, certificate[0]).headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy and "'unsafe-eval'" not in policy
    assert "script-src 'self' 'wasm-unsafe-eval' 'sha256-" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert f"connect-src 'self' wss://{room.url.split('://')[1]}" in policy
    assert headers.get_all("Server") == ["nginx"]  # no version, no TornadoServer


def test_the_route_cookie_is_kept_and_only_sent_over_https(tls_room, certificate):
    room, _ = tls_room
    cookie = _get(room.url, "/", certificate[0]).headers["Set-Cookie"]
    assert cookie.startswith("portfolio_route=") and "HttpOnly" in cookie and "Secure" in cookie


def test_plain_http_is_redirected_to_https(tls_room):
    room, tls = tls_room
    response = _get(f"http://127.0.0.1:{tls.redirect_port}", "/vote?code=X", None)
    assert response.status == 301
    assert response.headers["Location"] == f"{room.url}/vote?code=X"


def _room_command(port: int, *args: str) -> list[str]:
    return [sys.executable, "-m", "serving.room", "--port", str(port), "--workers", "1", *args]


@pytest.mark.parametrize("problem", ["missing", "mismatched", "not pem"])
def test_a_bad_certificate_or_key_is_a_one_line_message_before_anything_starts(nginx, certificate, tmp_path, problem):
    cert, key = certificate
    if problem == "missing":
        cert = tmp_path / "nowhere.pem"
    elif problem == "mismatched":
        key = _write_key(ec.generate_private_key(ec.SECP256R1()), tmp_path / "other.pem")
    else:
        (tmp_path / "junk.pem").write_text("not a certificate\n")
        cert = tmp_path / "junk.pem"
    env = {**os.environ, "PORTFOLIO_DB": str(tmp_path / "portfolio.db")}
    result = subprocess.run(_room_command(free_port(), "--tls-cert", str(cert), "--tls-key", str(key)), cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert re.fullmatch(r"The room could not start: the TLS (certificate|key) .*\.\n", result.stderr)
    assert "Traceback" not in result.stderr
    assert not [p for p in psutil.process_iter(["environ"]) if (p.info["environ"] or {}).get("PORTFOLIO_DB") == env["PORTFOLIO_DB"]]


def test_a_database_the_room_cannot_use_is_its_message_not_a_traceback(nginx, tmp_path):
    database = tmp_path / "portfolio.db"
    database.write_bytes(b"not a database " * 20)
    env = {**os.environ, "PORTFOLIO_DB": str(database)}
    result = subprocess.run(_room_command(free_port()), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("The room could not start: The database ") and "Nothing was changed" in result.stderr


def test_a_certificate_without_its_key_is_a_usage_error(certificate):
    result = subprocess.run(_room_command(free_port(), "--tls-cert", str(certificate[0])), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "needs both --tls-cert and --tls-key" in result.stderr


def test_with_a_runtime_folder_the_logs_outlive_the_room(nginx, tmp_path):
    """What docs/deploy.md tells the administrator: `RUN_DIR` keeps nginx's error log and each Streamlit process's output."""
    env = {**os.environ, "PORTFOLIO_DB": str(tmp_path / "portfolio.db")}
    runtime = tmp_path / "run"
    room = subprocess.Popen(_room_command(free_port(), "--runtime", str(runtime)), cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        started = next(line for line in room.stdout if line.startswith("Serving"))
        assert f"logs in {runtime}" in started
        room.send_signal(signal.SIGTERM)
        room.wait(timeout=30)
    finally:
        if room.poll() is None:
            room.kill()
            room.wait()
        room.stdout.close()
    assert (runtime / "error.log").is_file()
    assert "Streamlit" in (runtime / "streamlit-1.log").read_text()


def test_every_page_works_in_chromium_under_the_content_security_policy(browser, tls_room):
    from playwright.sync_api import expect

    room, _ = tls_room
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 1000})
    context.add_init_script(WATCH)
    page = context.new_page()
    reported = []
    page.on("console", lambda message: "Content Security Policy" in message.text and reported.append(message.text))
    try:
        page.goto(room.url)
        slider = page.frame_locator('iframe[title="ui.components.allocation_board.allocation_board"]').get_by_role("slider", name=re.compile("Humane housing"))
        expect(slider).to_have_count(1, timeout=60_000)
        panel = page.frame_locator('iframe[title="ui.components.projection.projection"]')  # its scripts and the model's tables, under the policy
        expect(panel.locator(".js-plotly-plot")).to_be_visible(timeout=30_000)
        expect(panel.locator(".metric").first).to_contain_text("Thriving in year 20")
        slider.focus()
        page.keyboard.press("ArrowRight")  # a change over the websocket (connect-src)
        expect(page).to_have_url(re.compile("humane_housing=8500000"), timeout=30_000)
        assert page.evaluate("window.portfolioBusy !== undefined")  # the busy banner's inline script ran (its hash)
        seen = {"allocate": page.evaluate("window.cspViolations ?? []")}
        for name in PAGES:
            page.goto(f"{room.url}/{name}")
            expect(page.locator("h1").first).to_be_visible(timeout=30_000)
            expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=30_000)
            seen[name] = page.evaluate("window.cspViolations ?? []")
        assert seen == {name: [] for name in ["allocate", *PAGES]}
        assert reported == []
    finally:
        context.close()
