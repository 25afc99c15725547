"""What every session of a process would make alike, made once per process and then shared (issue 18).

A room of 300 opening Allocate at once all start from the same status quo. The browser projects each mix (the board and
the projection run the engine's kernel on the model's tables), so what the server makes for Allocate depends only on the
model, the start, the horizon, the view and the language: the status quo's run (the chart's faint line), where the
model's tables are written, and the projection's fixed arguments. One of each serves every session that asks the same.
The values are shared: they must not be changed in place (`Projection.columns` are read-only).
"""

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar
from weakref import WeakKeyDictionary

from portfolio_engine.model.dynamics import Model

T = TypeVar("T")
PER_MODEL = 64  # kept per model: horizons x starts x views x languages; the oldest goes first
_HELD: WeakKeyDictionary[Model, dict[Hashable, object]] = WeakKeyDictionary()  # a model no page uses any more takes its values with it
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
