"""What the allocation board's messages do to the sliders: each event once, in order, checked (the browser is not trusted).

The board (ui/components/allocation_board) numbers its events and sends every event the server has not acknowledged
yet, so a run that was interrupted, or a message sent again after a slow answer, never loses nor repeats a move:
an event is applied only when its number is above the last one applied for the same board (a reload is a new board).
A "drag" event is a position in a pointer's drag, sent by boards from before the browser drew drags itself (a tab opened
before an upgrade): it moves the sliders, and the page's link waits for the "amount" event where the slider is let go.
"""

import math
from dataclasses import dataclass, field

from portfolio_engine.model.portfolio import rebalance

MAX_EVENTS = 200  # a message holds the events not yet acknowledged; more than this is not a person at a keyboard


@dataclass
class Board:
    """The sliders as the server holds them: amounts in display units, locked elements, keep-the-total."""

    amounts: dict[str, float]
    locked: set[str] = field(default_factory=set)
    keep_total: bool = True
    seen: tuple[str, int] | None = None  # (board, number) of the last event applied
    dragging: bool = False  # the last event applied was a position in a drag, not where the slider was let go

    def move(self, element: str, value: float, budget: float) -> None:
        """One slider set to `value`; with keep-the-total the other unlocked elements make room (portfolio.rebalance)."""
        if element in self.locked:
            return
        value = min(max(value, 0.0), budget)
        moved = {**self.amounts, element: value}
        self.amounts = rebalance(moved, element, budget, self.locked) if self.keep_total else moved


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def apply(board: Board, message: object, budget: float, status_quo: dict[str, float]) -> bool:
    """Apply a message's new events to `board`; True when something was applied. A malformed message or event is
    skipped, never raised: it can only come from a browser that is not the board."""
    if not isinstance(message, dict) or not isinstance(message.get("instance"), str) or not isinstance(message.get("events"), list):
        return False
    instance = message["instance"][:64]
    last = board.seen[1] if board.seen and board.seen[0] == instance else 0
    applied = False
    for event in message["events"][:MAX_EVENTS]:
        if not (isinstance(event, list) and len(event) == 4 and isinstance(event[0], int) and not isinstance(event[0], bool)
                and event[0] > last):
            continue
        last = event[0]
        board.seen = (instance, last)  # acknowledged even when it cannot be used, so the board stops sending it
        applied = _event(board, *event[1:], budget=budget, status_quo=status_quo) or applied
    return applied


def _event(board: Board, kind: object, element: object, value: object, budget: float, status_quo: dict[str, float]) -> bool:
    """One event on the board; False when it does not make sense (an unknown element or kind, a value of the wrong type)."""
    known = isinstance(element, str) and element in board.amounts
    if kind in ("amount", "drag") and known and (amount := _number(value)) is not None:
        board.move(str(element), amount, budget)
        board.dragging = kind == "drag"
        return True
    if kind == "lock" and known and isinstance(value, bool):
        board.locked = board.locked | {str(element)} if value else board.locked - {str(element)}
    elif kind == "keep" and isinstance(value, bool):
        board.keep_total = value
    elif kind == "reset":
        board.amounts, board.locked = dict(status_quo), set()
    else:
        return False
    board.dragging = False
    return True
