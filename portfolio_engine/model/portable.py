"""The model as plain tables a browser can run: what the kernel reads, for the central assumptions and the draws.

Allocate's board runs a copy of the kernel in the browser (ui/components/allocation_board/frontend/model.js), so a slider's
position shows its projection before the server answers, as En-ROADS does. The copy computes nothing of its own: every
rate, weight and starting share comes from here, made by the engine from the same model, and a test in Chromium keeps the
browser's runs equal to `simulate` and `band` (tests/browser/test_board_model.py).
"""

from typing import Any

from portfolio_engine.model.dynamics import Ensemble, Model, Start
from portfolio_engine.model.uncertainty import SEED, draws

VERSION = 1  # the tables' layout; model.js refuses another


def _ensemble(tables: Ensemble) -> dict[str, Any]:
    return {"params": tables.params.tolist(), "weights": tables.weights.tolist(), "gain": tables.gain.tolist(),
            "equilibria": tables.equilibria.tolist()}


def _start(model: Model, start: Start | None) -> dict[str, Any] | None:
    """The first community's start (what Allocate projects), or None for the status quo's equilibrium."""
    if start is None:
        return None
    level = float(start.vital_level[0])
    return {"shares": [float(start.thriving[0]), float(start.struggling[0]), float(start.suffering[0])],
            "capacity": [level if vital else 1.0 for vital in model.vital.tolist()], "anchored": bool(start.anchored)}


def portable(model: Model, count: int, seed: int = SEED, start: Start | None = None) -> dict[str, Any]:
    """Everything a run and a band of `count` draws need, as JSON-ready lists (catalog order; full float precision)."""
    return {
        "version": VERSION,
        "ids": list(model.catalog.ids),
        "status_quo": model.status_quo.tolist(),
        "vital": model.vital.tolist(),
        "urgent": model.urgent.tolist(),
        "civic": model.civic,
        "vital_weights": model.vital_weights.tolist(),
        "per_year": round(1 / model.constants["dt"]),
        "central": _ensemble(model.central),
        "draws": _ensemble(draws(model, count, seed)) if count else None,
        "seed": seed,
        "start": _start(model, start),
    }

