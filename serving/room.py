"""Serve a room from one machine: several Streamlit processes behind nginx (`make serve`).

One Streamlit process runs one script at a time per core at best (Python's lock), so a room of
150 people needs several processes. nginx keeps each browser on one process (a route cookie
hashed to a backend) and all processes share the one SQLite database, which is safe for
concurrent writers (WAL, BEGIN IMMEDIATE; see portfolio_engine/storage.py). Backends listen on
127.0.0.1 only; nginx listens on HOST:PORT.
"""

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf")


@dataclass(frozen=True)
class Room:
    url: str
    backends: list[str]
    pids: list[int]  # nginx's master first, then the Streamlit processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def check_free(host: str, port: int) -> None:
    """Refuse a taken address before starting anything: another server answering there would look like ours."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as sock:
        try:
            sock.bind((host, port))
        except OSError as err:
            raise RuntimeError(f"{host}:{port} cannot be used ({err.strerror}); choose another PORT or stop what uses it.") from None


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise SystemExit("nginx is not installed: `make serve` installs it (apt-get install nginx), or install it yourself.")
    return found


def nginx_conf(host: str, port: int, backends: list[str], runtime: Path) -> str:
    """The repository's nginx.conf with this room's listen address, backends and runtime folder."""
    servers = "\n".join(f"        server {b};" for b in backends)
    listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return (TEMPLATE.read_text().replace("@runtime@", str(runtime)).replace("@backends@", servers)
            .replace("@listen@", listen))


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{url} did not come up:\n{tail}")
        time.sleep(0.2)


def prepare(env: dict[str, str]) -> None:
    """Migrate the database and create the key file once, before several processes race to do it."""
    subprocess.run([sys.executable, "-m", "portfolio_engine", "init-db"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def start_streamlit(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    """One Streamlit process serving the app on 127.0.0.1:port (as `make run` starts it)."""
    with open(log, "w") as out:
        return subprocess.Popen([sys.executable, "-m", "ui.serve", "run", "app.py", "--server.address", "127.0.0.1",
                                 "--server.port", str(port), "--server.headless", "true"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


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
               runtime: Path | None = None) -> Iterator[Room]:
    """Start `workers` Streamlit processes and nginx in front; stop them all on exit."""
    workers = workers or os.cpu_count() or 1
    env = {**os.environ, **(env or {})}
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))  # one secret: any process accepts the browser's cookies
    nginx = nginx_binary()
    check_free(host, port)
    prepare(env)
    with ExitStack() as stack:
        if runtime is None:
            runtime = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="portfolio-room-")))
        runtime.mkdir(parents=True, exist_ok=True)
        processes, backends = [], []
        for n in range(workers):
            backend_port = free_port()
            log = runtime / f"streamlit-{n + 1}.log"
            process = start_streamlit(backend_port, env, log)
            stack.callback(stop, process)
            processes.append((process, log))
            backends.append(f"127.0.0.1:{backend_port}")
        for (process, log), backend in zip(processes, backends, strict=True):
            wait_until_up(f"http://{backend}/_stcore/health", process, log)
        conf = runtime / "nginx.conf"
        conf.write_text(nginx_conf(host, port, backends, runtime))
        log = runtime / "error.log"
        proxy = subprocess.Popen([nginx, "-p", str(runtime), "-c", str(conf), "-e", str(log)], cwd=runtime)
        stack.callback(stop, proxy)
        url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
        wait_until_up(f"{url}/_stcore/health", proxy, log)
        yield Room(url, backends, [proxy.pid, *(p.pid for p, _ in processes)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m serving.room", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address nginx listens on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="Streamlit processes (default: one per core)")
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535 or args.workers < 1:
        parser.error("the port is between 1 and 65535 and there is at least one worker")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        with serve_room(args.host, args.port, args.workers) as room:
            print(f"Serving the room at {room.url} with {len(room.backends)} Streamlit processes; Ctrl+C stops it.", flush=True)
            with suppress(KeyboardInterrupt):
                signal.pause()
    except RuntimeError as err:  # a process did not start: say which, with its log (the port may be taken)
        raise SystemExit(f"The room could not start: {err}") from None


if __name__ == "__main__":
    main()
