"""Runs every session of a process would make alike, made once per process and then shared (issue 18).

A room of 300 opening Allocate at once all start from the same status quo: each session used to run the status quo, run
its opening mix (the status quo again, or a shared link's) and draw its uncertainty band, about a sixth of what opening
the page cost. A run depends only on the model, the mix, the horizon and the start, so one run serves every session
that asks the same. The values are shared: they must not be changed in place (`Projection.columns` are read-only).
Only what sessions ask alike is kept (the status quo, and mixes a session has not moved yet): a move's own runs stay
the session's, so a room's thousand different mixes never fill a process's memory.
"""

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar
from weakref import WeakKeyDictionary

from portfolio_engine.model.dynamics import Model

T = TypeVar("T")
PER_MODEL = 32  # runs kept per model: horizons x starts x views x the links people open with; the oldest goes first
_HELD: WeakKeyDictionary[Model, dict[Hashable, object]] = WeakKeyDictionary()  # a model no page uses any more takes its runs with it
_LOCK = threading.Lock()


def shared(model: Model, key: Hashable, make: Callable[[], T]) -> T:
    """`make()` for this model and key, made once per process (two sessions asking at the same moment may both make it;
    either answer is the same) and then returned to every session that asks."""
    with _LOCK:
        held = _HELD.setdefault(model, {})
        if key in held:
            return held[key]  # type: ignore[return-value]
    value = make()
    with _LOCK:
        if len(held) >= PER_MODEL:
            held.pop(next(iter(held)))
        held[key] = value
    return value
