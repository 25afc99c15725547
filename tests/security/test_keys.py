"""The installation key: made once, even when several server processes start together."""

import multiprocessing
import os
import stat
from concurrent.futures import ProcessPoolExecutor

from portfolio_engine.security.keys import secret_key


def _read_key(path: str) -> bytes:
    os.environ["PORTFOLIO_SECRET_FILE"] = path
    os.environ.pop("PORTFOLIO_SECRET", None)
    return secret_key()


def test_processes_starting_together_all_get_one_key(tmp_path):
    path = tmp_path / "keys" / "secret.key"
    with ProcessPoolExecutor(6, mp_context=multiprocessing.get_context("spawn")) as pool:
        keys = list(pool.map(_read_key, [str(path)] * 24))
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]  # no drafts left behind


def test_the_environment_key_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTFOLIO_SECRET", "from-the-environment")
    monkeypatch.setenv("PORTFOLIO_SECRET_FILE", str(tmp_path / "unused.key"))
    assert secret_key() == b"from-the-environment"
    assert not (tmp_path / "unused.key").exists()
