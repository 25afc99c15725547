"""A command piped into `head` ends quietly: no BrokenPipe traceback, exit 0 (issue 16, fix 16)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("command", [["catalog", "--format", "csv"], ["simulate", "--years", "30", "--format", "csv"]])
def test_output_cut_short_by_the_reader_ends_quietly(command, tmp_path):
    sq = subprocess.run([sys.executable, "-m", "portfolio_engine", "status-quo"], cwd=ROOT, capture_output=True, text=True, check=True)
    (tmp_path / "sq.json").write_text(sq.stdout)
    extra = ["--portfolio", str(tmp_path / "sq.json")] if command[0] == "simulate" else []
    shell = " ".join([sys.executable, "-m", "portfolio_engine", *command, *extra]) + " | true"  # a reader gone before the output
    done = subprocess.run(["bash", "-o", "pipefail", "-c", shell], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PORTFOLIO_DB": str(tmp_path / "p.db")})
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
    assert done.returncode == 0


def test_a_closed_output_is_quiet_in_process(monkeypatch):
    from portfolio_engine.cli import pipes

    def broken(*_args, **_kwargs):
        raise BrokenPipeError

    monkeypatch.setattr("builtins.print", broken)
    monkeypatch.setattr(pipes.os, "dup2", lambda *_args: None)
    assert pipes.emit("a,b\n1,2") == 0
