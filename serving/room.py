"""Serve a room: several Streamlit processes behind nginx (`make serve`), on one app host or several.

One Streamlit process runs one script at a time per core at best (Python's lock), so a room of
150 people needs several processes. nginx keeps each browser on one process (a route cookie
hashed to a backend) and all processes share one database: the SQLite file (WAL, BEGIN IMMEDIATE), or a
PostgreSQL server named by DATABASE_URL, which app hosts on several addresses share (`--app-hosts`; each
host's processes listen on its address only). Hosts sharing a database read the installation key from one
place (PORTFOLIO_SECRET or PORTFOLIO_SECRET_FILE), never a key file only one of them has. nginx listens on
HOST:PORT, over HTTPS when given a certificate and key, and sends the security headers (a
Content-Security-Policy Streamlit works under, no server banner; docs/deploy.md).
"""

import argparse
import base64
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import streamlit

from serving import static_assets
from ui.busy import SCRIPT as BUSY_SCRIPT
from ui.i18n import LANG_SCRIPT
from ui.keep import SCRIPT as KEEP_SCRIPT

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf")
HSTS = 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;'


@dataclass(frozen=True)
class Tls:
    """The certificate (chain) and private key nginx serves HTTPS with; `redirect_port` answers plain HTTP with a redirect."""
    cert: Path
    key: Path
    redirect_port: int | None = None


@dataclass(frozen=True)
class Room:
    url: str
    backends: list[str]
    pids: list[int]  # nginx's master first, then the Streamlit processes
    hosts: dict[str, list[subprocess.Popen]] = field(default_factory=dict)  # each app host's Streamlit processes


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def check_shared_key(env: dict[str, str], hosts: list[str]) -> None:
    """Hosts sharing a database server read one key from one place: refuse a setup where each would make or keep its own."""
    if (env.get("DATABASE_URL") or len(hosts) > 1) and not (env.get("PORTFOLIO_SECRET") or env.get("PORTFOLIO_SECRET_FILE")):
        raise RuntimeError("app hosts sharing a database need the installation key from one place every host reads: set PORTFOLIO_SECRET "
                           "or PORTFOLIO_SECRET_FILE (a file on storage every host mounts), see docs/deploy.md.")


def check_free(host: str, port: int) -> None:
    """Refuse a taken address before starting anything: another server answering there would look like ours.

    SO_REUSEADDR as nginx binds: connections of a room just stopped (TIME_WAIT) do not make the port look taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as err:
            raise RuntimeError(f"{host}:{port} cannot be used ({err.strerror}); choose another PORT or stop what uses it.") from None


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise SystemExit("nginx is not installed: `make serve` installs it (apt-get install nginx), or install it yourself.")
    return found


def address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def check_tls_files(tls: Tls) -> None:
    """Refuse a certificate or key nginx could not use, in one line, before starting anything."""
    for what, path in (("certificate", tls.cert), ("key", tls.key)):
        if set(str(path)) & set('"$\\\n'):
            raise RuntimeError(f"the TLS {what} path {path} has a character nginx would misread (\", $, \\ or a line break); move or rename the file.")
        try:
            path.open("rb").close()
        except OSError as err:
            raise RuntimeError(f"the TLS {what} {path} cannot be read ({err.strerror}).") from None
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(tls.cert, tls.key, password=lambda: b"")
    except ssl.SSLError:
        raise RuntimeError(f"the TLS certificate {tls.cert} and key {tls.key} do not form a pair nginx can use "
                           "(both PEM, the key without a passphrase, the key belonging to the certificate).") from None


def inline_script_hashes() -> list[str]:
    """CSP sources for the only inline scripts the app runs: Streamlit's index.html, the busy banner (ui/busy.py), the
    sign-in cookie (ui/keep.py) and the page's language (ui/i18n.py): each a fixed body.

    Hashed from the installed files at start, so an upgrade of either keeps working without 'unsafe-inline'.
    """
    index = (Path(streamlit.__file__).parent / "static" / "index.html").read_text()
    bodies = re.findall(r"<script>(.*?)</script>", index + BUSY_SCRIPT, re.S) + [KEEP_SCRIPT, LANG_SCRIPT]
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'" for body in bodies]


def content_security_policy(tls: bool, framed: bool = False) -> str:
    """What the browser may load: everything from this origin, inline styles, data: images and fonts, no framing (`framed`:
    by this origin only, for the components' pages the app shows in frames).

    Each source is needed by Streamlit 1.67 or the app (docs/deploy.md says why); tests/security/test_deploy.py
    opens every page in Chromium under it and requires no violation.
    """
    scheme = "wss" if tls else "ws"
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'wasm-unsafe-eval' {' '.join(inline_script_hashes())}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        f"connect-src 'self' {scheme}://$http_host",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'" if framed else "frame-ancestors 'none'",
    ])


def security_headers(tls: bool, framed: bool = False) -> str:
    """The headers every answer carries (each location of nginx.conf repeats them: a location's add_header hides the others);
    `framed`: a component's page, which the app's own pages frame (ui/components/)."""
    lines = [f'add_header Content-Security-Policy "{content_security_policy(tls, framed)}" always;',
             f"add_header X-Frame-Options {'SAMEORIGIN' if framed else 'DENY'} always;",
             "add_header X-Content-Type-Options nosniff always;", "add_header Referrer-Policy no-referrer always;"]
    return "\n            ".join(lines + ([HSTS] if tls else []))


def nginx_conf(host: str, port: int, backends: list[str], runtime: Path, tls: Tls | None = None, static: Path | None = None) -> str:
    """The repository's nginx.conf with this room's listen address, backends, runtime folder, TLS files and folder of
    compressed static files (default: the run folder's, see serving/static_assets.py)."""
    servers = "\n".join(f"        server {b};" for b in backends)
    listen = address(host, port)
    if tls:
        listen += f' ssl;\n        ssl_certificate "{tls.cert}";\n        ssl_certificate_key "{tls.key}"'
    redirect = ""
    if tls and tls.redirect_port:
        redirect = (f"server {{\n        listen {address(host, tls.redirect_port)};\n"
                    f"        return 301 https://$host:{port}$request_uri;\n    }}")
    return (TEMPLATE.read_text().replace("@runtime@", str(runtime)).replace("@backends@", servers)
            .replace("@listen@", listen).replace("@redirect@", redirect).replace("@static@", str(static or runtime / "static"))
            .replace("@secure@", "; Secure" if tls else "").replace("@headers@", security_headers(tls is not None))
            .replace("@framed_headers@", security_headers(tls is not None, framed=True)))


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    unverified = ssl.create_default_context()  # our own nginx, whatever certificate it was given
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2, context=unverified) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{url} did not come up:\n{tail}")
        time.sleep(0.2)


def prepare(env: dict[str, str]) -> None:
    """Migrate the database and create the key file once, before several processes race to do it; its refusal, in its own words."""
    done = subprocess.run([sys.executable, "-m", "portfolio_engine", "init-db"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr.strip().removeprefix("Error: "))
    sys.stderr.write(done.stderr)  # "Database ready at ..."


def start_streamlit(port: int, env: dict[str, str], log: Path, host: str = "127.0.0.1", app: Path = ROOT) -> subprocess.Popen:
    """One Streamlit process serving the app in folder `app` on host:port (as `make run` starts it); its output is appended to `log`."""
    with open(log, "a") as out:
        return subprocess.Popen([sys.executable, "-m", "ui.serve", "run", "app.py", "--server.address", host,
                                 "--server.port", str(port), "--server.headless", "true"],
                                cwd=app, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serve_room(host: str = "127.0.0.1", port: int = 8501, workers: int | None = None, env: dict[str, str] | None = None,
               runtime: Path | None = None, tls: Tls | None = None, app_hosts: list[str] | None = None, static: bool = True,
               app: Path = ROOT) -> Iterator[Room]:
    """Start `workers` Streamlit processes on each app host (default 127.0.0.1) and nginx in front (HTTPS with `tls`); stop them all on exit.

    `static=False` leaves Streamlit's static files to Streamlit (nginx compresses them on the fly), as before issue 18: bench's baseline."""
    workers = workers or os.cpu_count() or 1
    app_hosts = app_hosts or ["127.0.0.1"]
    env = {**os.environ, **(env or {})}
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))  # one secret: any process accepts the browser's cookies
    check_shared_key(env, app_hosts)
    nginx = nginx_binary()
    if tls:
        check_tls_files(tls)
        if tls.redirect_port:
            check_free(host, tls.redirect_port)
    check_free(host, port)
    prepare(env)
    with ExitStack() as stack:
        if runtime is None:
            runtime = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="portfolio-room-")))
        runtime.mkdir(parents=True, exist_ok=True)
        processes, backends, by_host = [], [], {}
        for app_host in app_hosts:
            by_host[app_host] = []
            for _ in range(workers):
                backend_port = free_port(app_host)
                log = runtime / f"streamlit-{len(processes) + 1}.log"
                process = start_streamlit(backend_port, env, log, app_host, app)
                stack.callback(stop, process)
                processes.append((process, log))
                by_host[app_host].append(process)
                backends.append(address(app_host, backend_port))
        folder = runtime / "static"  # built while the processes start
        if not static:
            folder = runtime / "no-static"  # an empty folder: every file goes to Streamlit
            folder.mkdir(exist_ok=True)
        else:
            if not static_assets.reachable(runtime):
                folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="portfolio-static-"))) / "static"
            static_assets.install(folder)
        for (process, log), backend in zip(processes, backends, strict=True):
            wait_until_up(f"http://{backend}/_stcore/health", process, log)
        conf = runtime / "nginx.conf"
        conf.write_text(nginx_conf(host, port, backends, runtime, tls, folder))
        log = runtime / "error.log"
        proxy = subprocess.Popen([nginx, "-p", str(runtime), "-c", str(conf), "-e", str(log)], cwd=runtime)
        stack.callback(stop, proxy)
        url = f"{'https' if tls else 'http'}://{address(host, port)}"
        wait_until_up(f"{url}/_stcore/health", proxy, log)
        yield Room(url, backends, [proxy.pid, *(p.pid for p, _ in processes)], by_host)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m serving.room", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address nginx listens on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="Streamlit processes per app host (default: one per core)")
    parser.add_argument("--app-hosts", default="127.0.0.1", help="addresses the Streamlit processes listen on, separated by commas or spaces "
                        "(several need DATABASE_URL's server and a shared key; default 127.0.0.1)")
    parser.add_argument("--tls-cert", type=Path, help="serve HTTPS with this PEM certificate (chain); needs --tls-key")
    parser.add_argument("--tls-key", type=Path, help="the certificate's PEM private key, without a passphrase")
    parser.add_argument("--http-port", type=int, help="with TLS, also answer plain HTTP on this port with a redirect to HTTPS")
    parser.add_argument("--runtime", type=Path, help="folder for nginx's configuration and error log and each Streamlit process's log, "
                        "kept after stopping (default: a temporary folder, removed on stop)")
    args = parser.parse_args(argv)
    ports = [args.port] + ([args.http_port] if args.http_port is not None else [])
    if not all(1 <= p <= 65535 for p in ports) or args.workers < 1:
        parser.error("ports are between 1 and 65535 and there is at least one worker")
    if (args.tls_cert is None) != (args.tls_key is None) or (args.http_port is not None and args.tls_cert is None):
        parser.error("HTTPS needs both --tls-cert and --tls-key (TLS_CERT and TLS_KEY for make serve); --http-port only goes with them")
    tls = Tls(args.tls_cert.resolve(), args.tls_key.resolve(), args.http_port) if args.tls_cert else None
    hosts = [h for h in re.split(r"[,\s]+", args.app_hosts) if h]
    if not hosts:
        parser.error("--app-hosts needs at least one address (APP_HOSTS for make serve)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        with serve_room(args.host, args.port, args.workers, runtime=args.runtime and args.runtime.resolve(), tls=tls, app_hosts=hosts) as room:
            logs = f"; logs in {args.runtime.resolve()}" if args.runtime else ""
            print(f"Serving the room at {room.url} with {len(room.backends)} Streamlit processes on {', '.join(hosts)}{logs}; Ctrl+C stops it.",
                  flush=True)
            with suppress(KeyboardInterrupt):
                signal.pause()
    except RuntimeError as err:  # a process did not start: say which, with its log (the port may be taken)
        raise SystemExit(f"The room could not start: {err}") from None


if __name__ == "__main__":
    main()
