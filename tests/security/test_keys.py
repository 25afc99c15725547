"""The installation key: made once, even when several server processes start together."""

import multiprocessing
import stat
from concurrent.futures import ProcessPoolExecutor

from portfolio_engine.security.keys import secret_key


def test_processes_starting_together_all_get_one_key(tmp_path, monkeypatch):
    """Each worker is a fresh process (spawn) that inherits the settings and asks for the key at once."""
    path = tmp_path / "keys" / "secret.key"
    monkeypatch.setenv("PORTFOLIO_SECRET_FILE", str(path))
    monkeypatch.delenv("PORTFOLIO_SECRET", raising=False)
    with ProcessPoolExecutor(6, mp_context=multiprocessing.get_context("spawn")) as pool:
        keys = [future.result() for future in [pool.submit(secret_key) for _ in range(24)]]
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]  # no drafts left behind


def test_the_environment_key_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTFOLIO_SECRET", "from-the-environment")
    monkeypatch.setenv("PORTFOLIO_SECRET_FILE", str(tmp_path / "unused.key"))
    assert secret_key() == b"from-the-environment"
    assert not (tmp_path / "unused.key").exists()
