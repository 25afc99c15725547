"""The installation key: made once, even when several server processes start together."""

import os
import stat
import subprocess
import sys

from portfolio_engine.security.keys import secret_key
from portfolio_engine.settings import ROOT

READ_KEY = "from portfolio_engine.security.keys import secret_key; print(secret_key().decode())"


def test_processes_starting_together_all_get_one_key(tmp_path, monkeypatch):
    """24 fresh processes started together, each asking for the key at once (as `make serve`'s workers do)."""
    path = tmp_path / "keys" / "secret.key"
    monkeypatch.setenv("PORTFOLIO_SECRET_FILE", str(path))
    monkeypatch.delenv("PORTFOLIO_SECRET", raising=False)
    workers = [subprocess.Popen([sys.executable, "-c", READ_KEY], cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, text=True)
               for _ in range(24)]
    keys = [worker.communicate(timeout=120)[0].strip() for worker in workers]
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]  # no drafts left behind


def test_the_environment_key_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTFOLIO_SECRET", "from-the-environment")
    monkeypatch.setenv("PORTFOLIO_SECRET_FILE", str(tmp_path / "unused.key"))
    assert secret_key() == b"from-the-environment"
    assert not (tmp_path / "unused.key").exists()
