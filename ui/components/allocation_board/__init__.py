"""The allocation board: Allocate's 13 sliders, their locks, keep-the-total, reset and what remains to allocate, in one
Streamlit component (issue 18).

Streamlit drew some forty elements for these on every move; the board is one element. It is plain HTML and JavaScript
in `frontend/` (Streamlit's components API v1, served by Streamlit itself, no build step, no outside host). In the
browser it moves its sliders at once and sends one message per move, the next one only when the server has answered
the last (events.py says what a message holds). Every word it shows comes from here, through the page's translation.
"""

import json
from pathlib import Path

import streamlit.components.v1 as components

from portfolio_engine.model.catalog import Catalog
from ui.components.allocation_board.events import Board
from ui.i18n import _, language

KEY = "allocation_board"
FRONTEND = Path(__file__).parent / "frontend"
_board = components.declare_component("allocation_board", path=str(FRONTEND))


def texts() -> dict[str, str]:
    """The board's words in the page's language; `{…}` are filled in by the board with its live numbers."""
    return {
        "title": _("Sliders: share the budget"),
        "keep": _("Keep the total at the budget"),
        "keep_help": _("When on, moving one slider scales the other unlocked elements so the total stays on budget."),
        "remaining": _("Remaining to allocate"),
        "over": _("Over the budget by"),
        "reset": _("Reset to status quo"),
        "lock": _("Lock"),
        "locked": _("Locked"),
        "lock_label": _("Lock {name}: it keeps its amount while you move the others"),
        "amount_label": _("{name}, amount in {unit}"),
        "family": _("{family}: {amount} {unit} ({share})"),
        "share": _("{share} of the budget · status quo {status_quo} {unit} ({status_quo_share})"),
        "value_text": _("{amount} {unit}, {share} of the budget; status quo {status_quo}"),
        "status_quo_mark": _("status quo"),
        "more": _("Type any amount up to the whole budget in the box; the slider's range widens to follow."),
        "details": _("What it holds"),
    }


def static_args(catalog: Catalog, status_quo: dict[str, float], scale: float, unit: str, budget: float, currency: str) -> dict:
    """What does not change on a move (names, definitions, the status quo, the words): built once per language and status quo."""
    return {
        "lang": language(),
        "unit": f"{ {'million': _('million'), 'thousand': _('thousand')}.get(unit, unit)} {currency}".strip(),
        "budget": budget / scale,
        "step": round(budget * 0.005 / scale, 6),  # 0.5% of the budget: a few key presses move a slider far
        "families": [{"id": family, "name": name} for family, name in catalog.family_names.items()],
        "elements": [{"id": e.id, "name": e.name, "family": e.family, "status_quo": status_quo[e.id] / scale,
                      "help": f"{_(e.definition or e.description)} {_('Includes')}: {', '.join(_(item) for item in e.items)}."}
                     for e in catalog.elements],
        "texts": texts(),
    }


def span(status_quo: float, amount: float, budget: float, step: float) -> float:
    """A slider's range: twice its status quo (at least a tenth of the budget), widened to keep its amount well inside."""
    wanted = max(2 * status_quo, 0.1 * budget, amount * 1.25)
    return min(budget, step * -(-wanted // step))


def draw(fixed: dict, board: Board, scale: float) -> None:
    """The board as the server holds it, with the last event it has applied (so the browser knows what was answered).

    Everything but the amounts travels as one JSON string: Streamlit checks each argument of a component for a data frame,
    which for the board's thirteen lists and dicts cost 1.6 ms of every move (0.25 ms for the amounts alone); a string costs
    nothing there. The amounts are a string of their own (the load client reads them). `scale`: currency units per slider unit (the
    board tells the projection where its sliders are, in currency units)."""
    budget, step = fixed["budget"], fixed["step"]
    ranges = {e["id"]: span(e["status_quo"], board.amounts[e["id"]], budget, step) for e in fixed["elements"]}
    drawn = {**fixed, "ranges": ranges, "locked": sorted(board.locked), "keep_total": board.keep_total, "scale": scale,
             "ack": {"instance": board.seen[0], "seq": board.seen[1]} if board.seen else None}
    _board(board=json.dumps(drawn), amounts=json.dumps(board.amounts), key=KEY, default=None)
