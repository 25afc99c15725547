"""What people in a room do: a participant moving Allocate sliders, a resident casting a ballot.

Every answer is checked against the engine: a participant's run must show the amounts keep-the-
total makes of *their* move and the projection of *those* amounts, so a lost or crossed result
(another session's numbers) is counted as an error, never as a fast answer.
"""

import asyncio
import random
import time
import urllib.parse
from dataclasses import dataclass, field

from portfolio_engine.assumptions import default_assumptions
from portfolio_engine.catalog import load_catalog
from portfolio_engine.dynamics import build_model
from portfolio_engine.portfolio import load_status_quo, rebalance
from portfolio_engine.studio import compare_with_status_quo, display_unit

from .protocol import ProtocolError, Run, Tab

HORIZON = 20


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
        self.model = build_model(self.catalog, self.status_quo, default_assumptions(self.catalog))
        self.scale, _ = display_unit(self.status_quo.budget)

    def held(self, tab: Tab) -> dict[str, float]:
        """The amounts on the tab's sliders, exactly as the server last set them (the address rounds to cents)."""
        return {i: tab.value(f"amount:{i}")[0] * self.scale for i in self.catalog.ids}

    def after_move(self, before: dict[str, float], element: str, value: float) -> dict[str, float]:
        moved = {**before, element: value * self.scale}
        return rebalance(moved, element, self.status_quo.budget)

    def thriving(self, amounts: dict[str, float]) -> str:
        comparison = compare_with_status_quo(self.model, [amounts[i] for i in self.catalog.ids], HORIZON)
        return f"{comparison.headline()['thriving']:.1%}"


def amounts_in(run: Run) -> dict[str, float]:
    """The allocation the run wrote into the page's address (whole cents)."""
    if run.query is None:
        raise ProtocolError("The run did not update the page's address.")
    return {k: float(v) for k, v in urllib.parse.parse_qsl(run.query)}


def check_move(run: Run, expected: dict[str, float], thriving: str) -> str | None:
    """None when the run shows exactly this move's result; else what differs."""
    shown = amounts_in(run)
    wrong = {i: (v, shown.get(i)) for i, v in expected.items() if not abs(shown.get(i, float("nan")) - v) <= 0.011}
    if wrong:
        return f"amounts (expected, shown) differ: {wrong}"
    metric = run.metric(f"Thriving in year {HORIZON}")
    if metric != thriving:
        return f"thriving shown {metric}, expected {thriving}"
    return None


async def participant(url: str, seed: int, until: float, think: tuple[float, float], moves: Tally, loads: Tally,
                      engine: Expected) -> None:
    """Open Allocate, then move one slider every `think` seconds until `until`; check every answer."""
    rng = random.Random(seed)
    tab = Tab(url)
    try:
        await asyncio.to_thread(tab.load_index)
        await tab.connect()
        started = time.perf_counter()
        await tab.open()
        loads.latencies.append(time.perf_counter() - started)
        step = engine.status_quo.budget * 0.005 / engine.scale
        while time.monotonic() + think[0] < until:
            await asyncio.sleep(rng.uniform(*think))
            element = rng.choice(engine.catalog.ids)
            value = round(rng.randint(0, 60) * step, 6)  # 0 to 30% of the budget, on the slider's steps
            expected = engine.after_move(engine.held(tab), element, value)
            try:
                run = await tab.change(f"amount:{element}", [value])
            except ProtocolError as err:
                moves.errors.append(str(err))
                return
            moves.latencies.append(run.seconds)
            problem = check_move(run, expected, engine.thriving(expected))
            if problem:
                moves.crossed += 1
                moves.errors.append(problem)
    except (TimeoutError, OSError, ProtocolError) as err:
        loads.errors.append(f"{type(err).__name__}: {err}")
    finally:
        await tab.close()


async def resident(url: str, seed: int, vote_id: str, code: str, projects: list[str], arrive: float,
                   think: tuple[float, float], ballots: Tally, receipts: dict[str, str]) -> None:
    """Arrive at `arrive` seconds, open the Vote page, type the code, tick projects, submit; keep the receipt."""
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
