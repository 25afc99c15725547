"""A joined participant's current sliders saved as their draft for the room view, off the slider's path.

A move only notes the amounts in memory; one background write per participant follows DELAY seconds later with the
latest amounts (so a burst of moves is one write, and the last position is always saved). Unchanged amounts are
not written again. A failed write is logged and forgotten: a draft is a convenience, never part of the record.
"""

import logging
import threading

from portfolio_engine.errors import PortfolioError
from portfolio_engine.model.catalog import Catalog
from portfolio_engine.record import drafts
from ui import identity

DELAY = 2.0  # seconds: at most one write per participant this often
LOG = logging.getLogger("commons_portfolio.drafts")
_lock = threading.Lock()
_pending: dict[tuple[str, str], tuple[Catalog, dict[str, float]]] = {}
_saved: dict[tuple[str, str], dict[str, float]] = {}


def save_draft(catalog: Catalog, amounts: dict[str, float]) -> None:
    """Note a joined participant's sliders; the write follows within DELAY seconds (facilitators and visitors have no draft)."""
    me = identity.current()
    if me is None or me["participant"]["role"] == "facilitator":
        return
    key = (me["workshop"].id, me["participant"]["id"])
    with _lock:
        if _saved.get(key) == amounts and key not in _pending:
            return
        scheduled = key in _pending
        _pending[key] = (catalog, dict(amounts))
    if not scheduled:
        timer = threading.Timer(DELAY, flush, args=(key,))
        timer.daemon = True
        timer.start()


def flush(key: tuple[str, str] | None = None) -> None:
    """Write the noted drafts now (one participant's, or all of them)."""
    with _lock:
        taken = [(k, _pending.pop(k)) for k in ([key] if key else list(_pending)) if k in _pending]
    for (workshop_id, participant_id), (catalog, amounts) in taken:
        try:
            drafts.save_draft(catalog, workshop_id, participant_id, amounts)
        except PortfolioError as err:
            LOG.warning("draft of %s not saved: %s", participant_id, err)
            continue
        except Exception:  # a best-effort write on a timer thread nobody awaits (the next move saves again): logged, never raised there
            LOG.exception("draft of %s not saved", participant_id)
            continue
        with _lock:
            _saved[(workshop_id, participant_id)] = amounts
