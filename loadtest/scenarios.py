"""What people in a room do: a participant moving Allocate sliders, a resident casting a ballot.

Every answer is checked against the engine: a participant's run must show the amounts keep-the-
total makes of *their* move, in the page's address and in what it sends the projection to draw (the browser
projects them, issue 18), so a lost or crossed result (another session's numbers) is counted as an error,
never as a fast answer.
"""

import asyncio
import itertools
import json
import random
import time
import urllib.parse
from dataclasses import dataclass, field

from portfolio_engine.model.catalog import load_catalog
from portfolio_engine.model.portfolio import load_status_quo, rebalance
from portfolio_engine.model.studio import display_unit

from .protocol import ProtocolError, Run, Tab, widget_key

BOARD = "allocation_board"  # Allocate's sliders, locks and meter: one custom component (ui/components/allocation_board)
PANEL = "projection_panel"  # Allocate's projection, drawn by the browser from the amounts it is sent (ui/components/projection)
EVENTS = itertools.count(1)  # the board numbers its events; numbers only need to grow


async def move(tab: Tab, element: str, value: float) -> Run:
    """One slider move as the browser sends it: on the allocation board, one numbered event (the board's message); on a
    page of Streamlit sliders (the earlier pages bench/ measures against), the slider's new value."""
    if BOARD not in tab.components:
        return await tab.change(f"amount:{element}", [value])
    return await tab.send_component(BOARD, {"instance": tab.session_id or "load", "events": [[next(EVENTS), "amount", element, value]]})


def amounts_drawn(tab: Tab, ids) -> dict[str, float]:
    """The amounts the page last drew on its sliders, in the sliders' unit."""
    if BOARD in tab.components:
        drawn = json.loads(tab.components[BOARD]["amounts"])  # a JSON string (ui/components/allocation_board.draw)
        return {i: drawn[i] for i in ids}
    return {i: tab.value(f"amount:{i}")[0] for i in ids}


@dataclass
class Tally:
    """Latencies and failures of one kind of action, across all sessions."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    crossed: int = 0


class Expected:
    """The engine's answer for the Allocate page (shipped status quo, default assumptions): what the server must show."""

    def __init__(self):
        self.catalog = load_catalog()
        self.status_quo = load_status_quo(self.catalog)
        self.scale, _ = display_unit(self.status_quo.budget)

    def held(self, tab: Tab) -> dict[str, float]:
        """The amounts on the tab's sliders, exactly as the server last set them (the address rounds to cents)."""
        return {i: value * self.scale for i, value in amounts_drawn(tab, self.catalog.ids).items()}

    def after_move(self, before: dict[str, float], element: str, value: float) -> dict[str, float]:
        moved = {**before, element: value * self.scale}
        return rebalance(moved, element, self.status_quo.budget)



def amounts_in(run: Run, ids) -> dict[str, float]:
    """The allocation the run wrote into the page's address (whole cents); the address holds the allocation only."""
    if run.query is None:
        raise ProtocolError("The run did not update the page's address.")
    return {k: float(v) for k, v in urllib.parse.parse_qsl(run.query) if k in ids}


def projected(run: Run) -> list[float] | None:
    """The amounts the run sent the projection to draw (catalog order), None when it drew no projection."""
    return next((json.loads(json.loads(e.json_args)["amounts"]) for e in run.find("component_instance") if widget_key(e.id) == PANEL), None)


def check_move(run: Run, expected: dict[str, float], ids) -> str | None:
    """None when the run shows exactly this move's result, in the address and in the projection; else what differs."""
    shown = amounts_in(run, expected)
    wrong = {i: (v, shown.get(i)) for i, v in expected.items() if not abs(shown.get(i, float("nan")) - v) <= 0.011}
    if wrong:
        return f"amounts (expected, shown) differ: {wrong}"
    drawn = projected(run)
    if drawn is None:
        return "the run drew no projection"
    wrong = {i: (expected[i], d) for i, d in zip(ids, drawn, strict=True) if not abs(d - expected[i]) <= 0.011}
    return f"projected amounts (expected, drawn) differ: {wrong}" if wrong else None


@dataclass
class RoomTally:
    """What the participants of one room phase saw."""

    moves: Tally = field(default_factory=Tally)
    loads: Tally = field(default_factory=Tally)
    proposals: Tally = field(default_factory=Tally)
    saved: list[str] = field(default_factory=list)  # titles the page confirmed as saved


async def join(tab: Tab, join_code: str, name: str) -> Run:
    """Arrive by the workshop's join link and fill the join form, as a stakeholder."""
    await tab.open("", f"join={join_code}")
    tab.fill("Your name", name)
    tab.fill("Organization", "Load test")
    tab.fill("Sector (health, housing, business, residents...)", "residents")
    return await tab.click("Join")


def joined(run: Run) -> bool:
    """The join form's answer shows the participant's rejoin code (ui/identity.py) only when the join took."""
    return any(text.startswith("Your rejoin code") for text in run.texts())


async def save_proposal(tab: Tab, title: str, tally: RoomTally) -> None:
    """Open the save form, write a title and a rationale, save; the page must confirm it."""
    started = time.perf_counter()
    await tab.change("saving", True)
    tab.fill("Title", title)
    tab.fill("Rationale: why this mix (required)", "Generated by the load test.")
    run = await tab.click("Save proposal")
    tally.proposals.latencies.append(time.perf_counter() - started)
    if any(t.startswith("Saved as version") for t in run.texts()):
        tally.saved.append(title)
    else:
        tally.proposals.errors.append(f"{title} not confirmed: {' | '.join(run.texts())[-200:]}")


async def participant(url: str, seed: int, until: float, think: tuple[float, float], engine: Expected, tally: RoomTally,
                      join_code: str | None = None) -> None:
    """Open Allocate (joining the workshop when given its code), then move one slider every `think` seconds until
    `until`, checking every answer; a joined participant saves a proposal after their second move."""
    rng = random.Random(seed)
    tab = Tab(url)
    try:
        await asyncio.to_thread(tab.load_index)
        await tab.connect()
        started = time.perf_counter()
        run = await (join(tab, join_code, f"Participant {seed}") if join_code else tab.open())
        tally.loads.latencies.append(time.perf_counter() - started)
        if join_code and not joined(run):  # said here with the page's words, not later as a missing save form
            tally.loads.errors.append(f"join not effective: {' | '.join(run.texts())[-200:]}")
            join_code = None
    except (TimeoutError, OSError, ProtocolError) as err:
        tally.loads.errors.append(f"{type(err).__name__}: {err}")
        await tab.close()
        return
    step = engine.status_quo.budget * 0.005 / engine.scale
    moved = 0
    try:
        while time.monotonic() + think[0] < until:
            await asyncio.sleep(rng.uniform(*think))
            element = rng.choice(engine.catalog.ids)
            value = round(rng.randint(0, 60) * step, 6)  # 0 to 30% of the budget, on the slider's steps
            expected = engine.after_move(engine.held(tab), element, value)
            run = await move(tab, element, value)
            tally.moves.latencies.append(run.seconds)
            problem = check_move(run, expected, engine.catalog.ids)
            if problem:
                tally.moves.crossed += 1
                tally.moves.errors.append(problem)
            moved += 1
            if join_code and moved == 2:
                await save_proposal(tab, f"Load test mix {seed}", tally)
    except (TimeoutError, OSError, ProtocolError) as err:
        tally.moves.errors.append(f"{type(err).__name__}: {err}")
    finally:
        await tab.close()


async def resident(url: str, seed: int, vote_id: str, code: str, projects: list[str], arrive: float,
                   think: tuple[float, float], ballots: Tally, receipts: dict[str, str]) -> None:
    """Arrive at `arrive` seconds, open the Vote page, type the code, tick projects, review, submit; keep the receipt."""
    rng = random.Random(seed)
    await asyncio.sleep(arrive)
    tab = Tab(url)
    try:
        await asyncio.to_thread(tab.load_index)
        await tab.connect()
        await tab.open("vote", f"vote={vote_id}")
        await asyncio.sleep(rng.uniform(*think))
        await tab.change("voter_code", code)
        for project in rng.sample(projects, rng.randint(1, 3)):
            await asyncio.sleep(rng.uniform(*think) / 2)
            await tab.change(f"project:{project}", True)
        await asyncio.sleep(rng.uniform(*think))
        await tab.click("review")  # the ballot has a review step before it is submitted
        run = await tab.click("submit")
        ballots.latencies.append(run.seconds)
        receipt = next(iter(run.find("code")), None)
        if receipt is None or not any("Your vote was recorded" in t for t in run.texts()):
            ballots.errors.append(f"no receipt for {code}: {' | '.join(run.texts())[:200]}")
            return
        receipts[code] = receipt.code_text
    except (TimeoutError, OSError, ProtocolError) as err:
        ballots.errors.append(f"{type(err).__name__}: {err}")
    finally:
        await tab.close()
