"""Many writers at once, and a writer killed mid-save: nothing acknowledged is lost."""

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
import types
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from portfolio_engine import storage
from portfolio_engine.record import audit
from portfolio_engine.record.proposals import list_proposals
from portfolio_engine.record.workshops import join
from portfolio_engine.security.access import OPERATOR
from tests.postgres import intact

ROOT = Path(__file__).resolve().parent.parent


def pool() -> ProcessPoolExecutor:
    """8 spawned workers. AppTest leaves a page script as __main__, which spawn would re-run in every worker
    (and hang on); workers get a plain __main__ instead. A worker that dies fails the test instead of hanging it."""
    main = sys.modules["__main__"]
    if getattr(main, "__file__", "") and "pytest" not in str(main.__file__):
        sys.modules["__main__"] = types.ModuleType("__main__")
    return ProcessPoolExecutor(8, mp_context=multiprocessing.get_context("spawn"))


def _save_many(workshop_id: str, participant_id: str, count: int) -> list[str]:
    from portfolio_engine.model.catalog import load_catalog
    from portfolio_engine.model.portfolio import load_status_quo
    from portfolio_engine.record.proposals import save_proposal

    catalog = load_catalog()
    allocations = load_status_quo(catalog).allocations
    return [save_proposal(catalog, workshop_id, participant_id, f"Proposal {n}", "Concurrent save", allocations)["id"] for n in range(count)]


def test_eight_processes_saving_fifty_proposals_each_lose_nothing(workshop):
    workshop_id = workshop["workshop"].id
    people = [join(workshop_id, f"Writer {n}", "Org", "sector")[0]["id"] for n in range(8)]
    with pool() as workers:
        saved = list(workers.map(_save_many, [workshop_id] * 8, people, [50] * 8))
    stored = {p["id"] for p in list_proposals(workshop_id)}
    acknowledged = {i for ids in saved for i in ids}
    assert len(acknowledged) == 400 and acknowledged == stored
    with storage.reading() as db:
        assert audit.verify(db, workshop_id).ok


SAVER = textwrap.dedent("""
    import sys
    from portfolio_engine.model.catalog import load_catalog
    from portfolio_engine.model.portfolio import load_status_quo
    from portfolio_engine.record.proposals import save_proposal
    catalog = load_catalog()
    allocations = load_status_quo(catalog).allocations
    n = 0
    while True:
        proposal = save_proposal(catalog, sys.argv[1], sys.argv[2], f"Proposal {n}", "Saved before the crash", allocations)
        print(proposal["id"], flush=True)  # acknowledged only after the commit returned
        n += 1
""")


def test_a_writer_killed_with_sigkill_loses_no_acknowledged_save(workshop, private_database):
    workshop_id = workshop["workshop"].id
    process = subprocess.Popen([sys.executable, "-c", SAVER, workshop_id, workshop["ana"]["id"]], cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    acknowledged = []
    deadline = time.monotonic() + 60
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        acknowledged.append(process.stdout.readline().strip())
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    acknowledged += [line.strip() for line in process.stdout.read().splitlines() if line.strip()]
    process.stdout.close()
    stored = {p["id"] for p in list_proposals(workshop_id)}
    assert len(acknowledged) >= 40
    assert set(acknowledged) <= stored
    with storage.reading() as db:
        assert intact(db)
        assert audit.verify(db, workshop_id).ok


def _cast_many(vote_id: str, codes: list[str]) -> list[str]:
    from portfolio_engine.model.catalog import load_catalog
    from portfolio_engine.voting.votes import cast

    catalog = load_catalog()
    return [cast(catalog, vote_id, c, {"allocations": {"humane_housing": 60, "acute_care": 40}}) for c in codes]


def test_eight_processes_casting_ballots_lose_none_and_count_each_once(catalog):
    from portfolio_engine.voting import votes

    vote = votes.create_vote(catalog, "Rush hour", "split", "mean", 100, passcode="vote-passcode", grant=OPERATOR)
    codes = votes.generate_codes(vote.id, 320, "vote-passcode")
    votes.open_vote(vote.id, "vote-passcode")
    with pool() as workers:
        receipts = list(workers.map(_cast_many, [vote.id] * 8, [codes[n::8] for n in range(8)]))
    assert sum(len(r) for r in receipts) == 320
    assert len(votes.current_ballots(vote.id)) == 320
