"""The allocation board: Allocate's 13 sliders, their locks, keep-the-total, reset and what remains to allocate, in one
Streamlit component (issue 18).

Streamlit drew some forty elements for these on every move; the board is one element. It is plain HTML and JavaScript
in `frontend/` (Streamlit's components API v1, served by Streamlit itself, no build step, no outside host). In the
browser it moves its sliders at once and sends one message per move, the next one only when the server has answered
the last (events.py says what a message holds). Every word it shows comes from here, through the page's translation.
"""

import hashlib
import json
import os
import tempfile
from pathlib import Path

import streamlit.components.v1 as components

from portfolio_engine import settings
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.model.dynamics import Model, Start
from portfolio_engine.model.portable import portable
from ui import opening
from ui.components.allocation_board.events import Board
from ui.i18n import _, language

KEY = "allocation_board"
FRONTEND = Path(__file__).parent / "frontend"
_board = components.declare_component("allocation_board", path=str(FRONTEND))
# The model's tables for the board's copy of the kernel (frontend/model.js), one small file per model and start, named
# by their content: Streamlit serves a component's folder, so the board fetches them once instead of with every move.
TABLES = settings.database_path().with_name("model-tables")
TABLES.mkdir(parents=True, exist_ok=True)
_tables = components.declare_component("model_tables", path=str(TABLES))


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
        "projection": _("Year {year}: thriving {thriving} ({thriving_change}), suffering {suffering} ({suffering_change}) vs status quo"),
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


def _write_tables(model: Model, start: Start | None, draws: int) -> str:
    """Write the tables of the central assumptions and the draws (once: a file of the same name holds the same numbers) and
    return the address the board and the projection fetch them from, relative to their own pages."""
    text = json.dumps(portable(model, draws, start=start))
    name = f"{hashlib.sha256(text.encode()).hexdigest()[:24]}.json"
    path = TABLES / name
    if not path.exists():  # another process may write the same file at the same moment: each writes whole, then renames
        with tempfile.NamedTemporaryFile("w", dir=TABLES, suffix=".part", delete=False, encoding="utf-8") as part:
            part.write(text)
        os.replace(part.name, path)
    return f"../{_tables.name}/{name}"


def tables(model: Model, start: Start | None, draws: int) -> str:
    """Where the model's tables are for this start and number of draws (written once per process, ui/opening.py)."""
    return opening.shared(model, ("board tables", start, draws), lambda: _write_tables(model, start, draws))


def projection(tables: str, years: int, scale: float) -> dict:
    """What the board needs to project the sliders itself: where its model's tables are, the horizon and the sliders' unit."""
    return {"tables": tables, "years": years, "scale": scale}


def span(status_quo: float, amount: float, budget: float, step: float) -> float:
    """A slider's range: twice its status quo (at least a tenth of the budget), widened to keep its amount well inside."""
    wanted = max(2 * status_quo, 0.1 * budget, amount * 1.25)
    return min(budget, step * -(-wanted // step))


def draw(fixed: dict, board: Board, live: dict) -> None:
    """The board as the server holds it, with the last event it has applied (so the browser knows what was answered).

    Everything but the amounts travels as one JSON string: Streamlit checks each argument of a component for a data frame,
    which for the board's thirteen lists and dicts cost 1.6 ms of every move (0.25 ms for the amounts alone); a string costs
    nothing there. The amounts are a string of their own (the load client reads them). `live`: what the board projects a position with (`projection`)."""
    budget, step = fixed["budget"], fixed["step"]
    ranges = {e["id"]: span(e["status_quo"], board.amounts[e["id"]], budget, step) for e in fixed["elements"]}
    drawn = {**fixed, "ranges": ranges, "locked": sorted(board.locked), "keep_total": board.keep_total, "projection": live,
             "ack": {"instance": board.seen[0], "seq": board.seen[1]} if board.seen else None}
    _board(board=json.dumps(drawn), amounts=json.dumps(board.amounts), key=KEY, default=None)
