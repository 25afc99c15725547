"""Two app hosts sharing one PostgreSQL server behind one nginx: what one host saves, the other sees and enforces.

The hosts are two loopback addresses (127.0.0.2 and 127.0.0.3), each with its own Streamlit process; the installation
key comes from one place both read (PORTFOLIO_SECRET). Skipped locally without nginx or PostgreSQL, failing in CI.
"""

import asyncio
import json
import signal
import urllib.request

import pytest
import websockets

from loadtest.protocol import ProtocolError, Tab
from loadtest.scenarios import join
from portfolio_engine import storage
from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.portfolio import load_status_quo
from portfolio_engine.record.workshops import create_workshop
from portfolio_engine.security.access import OPERATOR
from portfolio_engine.voting import votes
from serving.room import check_shared_key, free_port, serve_room, stop
from tests import postgres

HOSTS = ["127.0.0.2", "127.0.0.3"]
SHARED_KEY = "one key every host reads, from one place"
PASS = "vote-passcode"
RESIDENTS = 8  # voting through nginx while one host is stopped


@pytest.fixture(scope="module")
def hosts(nginx, postgres_cluster, tmp_path_factory):
    """The room on two hosts, a workshop and an open split vote with four codes: (room, workshop, vote id, codes)."""
    folder = tmp_path_factory.mktemp("hosts")
    urls = postgres.schema_url(postgres_cluster)
    url = next(urls)
    env = {"DATABASE_URL": url, "PORTFOLIO_SECRET": SHARED_KEY, "PORTFOLIO_DB": str(folder / "unused.db"),
           "PORTFOLIO_STEWARD_FILE": str(folder / "steward.hash")}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        catalog = load_catalog()
        workshop, _ = create_workshop(catalog, "Two hosts", 100e6, "facilitator-pass", load_status_quo(catalog), grant=OPERATOR)
        vote = votes.create_vote(catalog, "Priorities", "split", "mean", 1_000_000, passcode=PASS, grant=OPERATOR)
        codes = votes.generate_codes(vote.id, 4 + RESIDENTS, PASS)
        votes.open_vote(vote.id, PASS)
    try:
        with serve_room("127.0.0.1", free_port(), 1, env, folder / "run", app_hosts=HOSTS) as room:
            yield room, workshop, vote.id, codes, url
    finally:
        next(urls, None)


def backend(room, host: str) -> str:
    return "http://" + next(b for b in room.backends if b.startswith(host + ":"))


def test_each_host_has_its_own_processes_on_its_own_address(hosts):
    room = hosts[0]
    assert sorted(room.hosts) == HOSTS and len(room.backends) == 2
    for host in HOSTS:
        with urllib.request.urlopen(backend(room, host) + "/_stcore/health", timeout=10) as answer:
            assert answer.status == 200


async def _save_then_read(room, join_code: str) -> list[str]:
    """Ana saves a proposal on the first host; Ben, on the second, opens Compare: the portfolios he may pick."""
    writer = Tab(backend(room, HOSTS[0]))
    reader = Tab(backend(room, HOSTS[1]))
    try:
        await writer.connect()
        await join(writer, join_code, "Ana on host 2")
        await writer.change("saving", True)
        writer.fill("Title", "Saved on the first host")
        writer.fill("Rationale: why this mix (required)", "Both hosts share one server.")
        saved = await writer.click("Save proposal")
        assert any(t.startswith("Saved as version") for t in saved.texts()), saved.texts()
        await reader.connect()
        await join(reader, join_code, "Ben on host 3")
        return list((await reader.open("compare")).find("multiselect")[0].options)
    finally:
        await writer.close()
        await reader.close()


def test_a_proposal_saved_on_one_host_is_seen_on_the_other(hosts):
    room, workshop = hosts[0], hosts[1]
    options = asyncio.run(_save_then_read(room, workshop.join_code))
    assert any(o.startswith("Saved on the first host v1 (Ana on host 2") for o in options), options


async def _vote(url: str, vote_id: str, code: str, share: float, cookie: str | None = None, pause: float = 0.0, retry: bool = False) -> list[str]:
    """Type the code and a split, review, submit: what the page said (a proxy's route cookie kept, as a browser keeps it).

    A resident trying again after a lost connection (`retry`) says "It was me" when the code already has a ballot: their own,
    stored by the host that went away before it answered."""
    tab = Tab(url)
    try:
        if cookie is not None:
            tab.cookie = cookie
        await tab.connect()
        await tab.open("vote", f"vote={vote_id}")
        await tab.change("voter_code", code)
        await asyncio.sleep(pause)
        await tab.change("split:humane_housing", share)
        await tab.change("split:acute_care", 100 - share)
        await tab.click("review")
        texts = (await tab.click("submit")).texts()
        if retry and not any("Your vote was recorded" in t for t in texts) and _offers_replace(tab):
            texts = (await tab.click("replace")).texts()
        return texts
    finally:
        await tab.close()


def _offers_replace(tab: Tab) -> bool:
    try:
        tab.widget_id("replace")
    except ProtocolError:
        return False
    return True


def test_a_voter_code_used_on_one_host_is_refused_on_the_other(hosts):
    room, _, vote_id, codes, url = hosts
    first = asyncio.run(_vote(backend(room, HOSTS[0]), vote_id, codes[0], 60))
    assert any("Your vote was recorded" in t for t in first), first
    again = asyncio.run(_vote(backend(room, HOSTS[1]), vote_id, codes[0], 10))
    assert not any("Your vote was recorded" in t for t in again), again
    with storage.reading(url) as db:
        ballots = db.execute("SELECT content FROM ballots WHERE vote_id = ? AND current = 1", [vote_id]).fetchall()
    assert [json.loads(c)["allocations"]["humane_housing"] for (c,) in ballots] == [60]


def test_hosts_sharing_a_server_need_the_key_from_one_place():
    with pytest.raises(RuntimeError, match="PORTFOLIO_SECRET or PORTFOLIO_SECRET_FILE"):
        check_shared_key({"DATABASE_URL": "postgresql://db.example/portfolio"}, ["127.0.0.1"])
    with pytest.raises(RuntimeError, match="one place every host reads"):
        check_shared_key({}, HOSTS)
    check_shared_key({"PORTFOLIO_SECRET_FILE": "/shared/secret.key", "DATABASE_URL": "postgresql://db.example/portfolio"}, HOSTS)
    check_shared_key({}, ["127.0.0.1"])  # one host on its SQLite file: the key file beside it, as before


async def _resident(url: str, vote_id: str, code: str, share: float, pause: float) -> tuple[str, int]:
    """A resident through nginx who, when the host holding the connection goes away, reloads and votes again: (code, attempts)."""
    tab = Tab(url)
    await asyncio.to_thread(tab.load_index)  # the route cookie: one host, chosen by nginx
    for attempt in range(1, 4):
        try:
            texts = await _vote(url, vote_id, code, share, tab.cookie, pause if attempt == 1 else 0.0, retry=attempt > 1)
        except (OSError, ProtocolError, TimeoutError, websockets.ConnectionClosed):
            continue  # the host stopped mid-run: the browser reconnects, nginx sends it to the other host
        if any("Your vote was recorded" in t for t in texts):
            return code, attempt
    return code, 0


async def _evening(room, vote_id: str, codes: list[str]) -> list[tuple[str, int]]:
    residents = [asyncio.create_task(_resident(room.url, vote_id, code, 10 + n, 1.5)) for n, code in enumerate(codes)]
    await asyncio.sleep(1.0)  # every resident has opened the page and typed a code; none has submitted yet
    for process in room.hosts[HOSTS[0]]:
        stop(process, signal.SIGKILL)  # the first host dies without warning
    return await asyncio.gather(*residents)


def test_stopping_one_host_mid_run_loses_no_acknowledged_ballot(hosts):
    """Run last in this module: it stops the first host. Its residents reconnect to the second and their ballots all count once."""
    room, _, vote_id, codes, url = hosts
    outcome = asyncio.run(_evening(room, vote_id, codes[-RESIDENTS:]))
    assert all(attempts for _, attempts in outcome), outcome  # every resident's ballot was acknowledged
    assert any(attempts > 1 for _, attempts in outcome), "no resident was on the stopped host"
    with storage.reading(url) as db:
        stored = db.execute("SELECT content FROM ballots WHERE vote_id = ? AND current = 1", [vote_id]).fetchall()
    shares = sorted(json.loads(c)["allocations"]["humane_housing"] for (c,) in stored)
    assert shares == sorted([60.0] + [10.0 + n for n in range(RESIDENTS)])  # each acknowledged ballot exactly once, as acknowledged
