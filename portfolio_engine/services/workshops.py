"""Workshop use cases that read the record: verifying its audit trail and its chain head."""

from portfolio_engine import storage
from portfolio_engine.record import audit
from portfolio_engine.record.audit import Verification
from portfolio_engine.record.workshops import workshop_in


def verify_workshop(db: storage.Handle, workshop_id: str, head: str | None = None) -> Verification:
    """Recompute the workshop's audit chain and compare every stored row with it (NotFound for an unknown workshop);
    with `head` (an 'entries:hash' written down earlier), also find newest entries removed since."""
    workshop_in(db, workshop_id)
    return audit.verify(db, workshop_id, head)


def chain_head(db: storage.Handle, workshop_id: str) -> str:
    """Where the workshop's chain ends, as 'entries:hash' (NotFound for an unknown workshop)."""
    workshop_in(db, workshop_id)
    return audit.head_label(db, workshop_id)
