"""The storage, record, vote and import tests run against both engines: a SQLite file, and a throwaway PostgreSQL cluster.

The cluster is Debian's PostgreSQL (/usr/lib/postgresql/N/bin), started once per test session in its own data folder
on a free loopback port (as the `postgres` user when the tests run as root: initdb refuses root), and stopped at the
end. Each test gets its own schema (DATABASE_URL's search_path), dropped afterwards. Without a server the PostgreSQL
half is skipped with the reason; with REQUIRE_POSTGRES=1 (set by .ci/run) it fails instead.
"""

import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from urllib.parse import quote

import pytest

ENGINES = ("sqlite", "postgresql")
BOTH_ENGINES = ("tests/storage/", "tests/record/", "tests/services/test_unit_of_work.py", "tests/services/test_workshops.py",
                "tests/voting/test_votes.py", "tests/community/test_indicators.py", "tests/security/test_votes_security.py",
                "tests/test_concurrency.py", "tests/cli/test_workshop.py", "tests/cli/test_indicators.py")  # the suites that run once per engine
_schemas = count(1)


def runs_on_both(path: Path) -> bool:
    text = path.as_posix()
    return any(f"/{part}" in text or text.startswith(part) for part in BOTH_ENGINES)


def generate(metafunc: pytest.Metafunc) -> None:
    """Run the tests of BOTH_ENGINES once per engine (the database_engine fixture is every test's, through private_database)."""
    if "database_engine" in metafunc.fixturenames and runs_on_both(Path(str(metafunc.definition.path))):
        marker = metafunc.definition.get_closest_marker("engines")
        metafunc.parametrize("database_engine", marker.args if marker else ENGINES)


def configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "engines(*names): run only on these engines ('sqlite' for SQLite's own file, WAL and PRAGMAs, "
                                       "or a test that chooses its own database; 'postgresql' for the server's own behaviour)")


def _bin_dir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the `postgres` user then."""
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"  # util-linux; /usr/sbin may be missing from a CI job's PATH
    return [runuser, "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    """A throwaway PostgreSQL cluster: its own data folder and loopback port, trust authentication, stopped by stop()."""

    def __init__(self, bin_dir: Path, durable: bool = False) -> None:
        self.bin = bin_dir
        self.durable = durable  # fsync and synchronous commit as in production (measurements); off for tests: faster
        self.folder = Path(tempfile.mkdtemp(prefix="portfolio-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self._run([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"])
        self._pg_ctl("start")

    def restart(self) -> None:
        """Restart the server (fast shutdown: every connection is cut), as an administrator or a crash would."""
        self._pg_ctl("restart", "-m", "fast")

    def _pg_ctl(self, action: str, *extra: str) -> None:
        """pg_ctl with the server's options; its output goes to a log file (a pipe would stay open as long as the server runs)."""
        speed = "" if self.durable else " -c fsync=off -c synchronous_commit=off"
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}{speed} -c max_connections=200"
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "-t", "30",
                   *extra, action])

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(_as_server_user([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]),
                           capture_output=True, timeout=60, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, command: list[str]) -> None:
        done = subprocess.run(_as_server_user(command), capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(command[0]).name} failed: {(done.stderr or done.stdout).strip()[-400:]}")


def _unavailable(message: str) -> None:
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def start_cluster() -> Iterator[Cluster | None]:
    """The session's cluster (None when PostgreSQL cannot start here: the fixture using it skips or fails with the reason)."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        yield None
        return
    cluster = Cluster(bin_dir)
    try:
        cluster.start()
    except (OSError, RuntimeError, subprocess.SubprocessError) as err:
        cluster.stop()
        cluster.error = str(err)  # type: ignore[attr-defined]
        yield cluster
        return
    try:
        yield cluster
    finally:
        cluster.stop()


def schema_url(cluster: Cluster | None) -> Iterator[str]:
    """A fresh schema on the cluster for one test, as a DATABASE_URL; dropped (and its pool closed) afterwards."""
    if cluster is None:
        _unavailable("PostgreSQL tests cannot run: no PostgreSQL server binaries (apt-get install postgresql)")
    assert cluster is not None
    if getattr(cluster, "error", None):
        _unavailable(f"PostgreSQL tests cannot run: the throwaway cluster did not start ({cluster.error})")  # type: ignore[attr-defined]
    import psycopg

    from portfolio_engine.storage import postgres

    schema = f"test_{os.getpid()}_{next(_schemas)}"
    with psycopg.connect(cluster.url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    url = f"{cluster.url}?options={quote(f'-csearch_path={schema}')}"
    try:
        yield url
    finally:
        postgres.dispose(url)
        with psycopg.connect(cluster.url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def guard_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """On PostgreSQL, opening the test's SQLite file behind the app's back is a mistake of the test: say what to use instead."""
    real = sqlite3.connect

    def connect(database, *args, **kwargs):
        if Path(str(database)) == path:
            raise RuntimeError("This test runs on both engines (tests/postgres.py): use raw_connection(private_database) or stored_bytes(), "
                               "or mark it @pytest.mark.engines('sqlite') if it tests SQLite's own file.")
        return real(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)


class _Result:
    """A statement's rows, fetched at once (the connection that ran it is already closed)."""

    def __init__(self, rows: list[tuple], description, rowcount: int) -> None:
        self.rows, self.description, self.rowcount = rows, description, rowcount

    def fetchone(self):
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[tuple]:
        return self.rows

    def __iter__(self):
        return iter(self.rows)


class _RawServer:
    """Plain connections to the test's PostgreSQL schema taking the SQL the tests write for SQLite (`?` placeholders).

    Each statement runs on its own connection and is committed at once (as `with sqlite3.connect(...)` commits)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def execute(self, sql: str, parameters=()) -> _Result:
        import psycopg

        from portfolio_engine.storage.postgres import translate

        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(translate(sql), list(parameters))
            return _Result(cursor.fetchall() if cursor.description else [], cursor.description, cursor.rowcount)

    def commit(self) -> None:
        """Nothing to do: every statement was committed."""

    def close(self) -> None:
        """Nothing to do: no connection is kept."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def raw_connection(path: Path):
    """A connection behind the application's back to the test's database, whichever the engine: tests tamper through it."""
    url = os.environ.get("DATABASE_URL")
    return _RawServer(url) if url else sqlite3.connect(path)


def stored_bytes(path: Path) -> bytes:
    """Everything the database stores, to search for what must never be stored: the SQLite file, or every row on the server."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return path.read_bytes()
    server = _RawServer(url)
    tables = [t for (t,) in server.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")]
    return "\n".join(repr(server.execute(f"SELECT * FROM {table}").fetchall()) for table in tables).encode()


def intact(db) -> bool:
    """SQLite's integrity check of the file; on the server, every table still reads (its own write-ahead log keeps pages whole)."""
    from portfolio_engine.storage.postgres import PgDatabase

    if isinstance(db, PgDatabase):
        return all(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone() is not None for table in db.table_names())
    return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
