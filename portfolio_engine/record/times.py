"""Times as people read them: the record stores ISO 8601 in UTC; pages, reports and CSV for people show '30 Nov 2026, 14:05 UTC'."""

from datetime import UTC, datetime


def readable(stamp: str | None) -> str:
    """An ISO 8601 time as '30 Nov 2026, 14:05 UTC' (empty for none; the text as it is when it is not a time)."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp)
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"
