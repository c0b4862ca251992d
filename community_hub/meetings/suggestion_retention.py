"""Retention: a suggested change keeps its message and reply address only while needed.

After SUGGESTION_RETENTION_DAYS, a reviewed suggestion (counted from its review) or one never
reviewed (counted from when it arrived, then marked expired) loses its message, its reply
address and the reviewer's note. What remains is what the freshness figures need: which
listing, what kind of change, when, and what was decided. `flask reminders` applies this daily.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from community_hub.auth.models import utcnow
from community_hub.extensions import db
from community_hub.meetings.models import ChangeSuggestion, SuggestionStatus

ERASED_MESSAGE = "(erased)"


def due_for_erasure(days: int, now: datetime | None = None) -> list[ChangeSuggestion]:
    """Suggestions past the retention period whose words are still held."""
    if days < 1:
        raise ValueError("The retention period must be at least 1 day.")
    cutoff = (now or utcnow()) - timedelta(days=days)
    reviewed = ChangeSuggestion.reviewed_at.is_not(None)
    stmt = (
        select(ChangeSuggestion)
        .where(ChangeSuggestion.erased_at.is_(None))
        .where(
            or_(
                and_(reviewed, ChangeSuggestion.reviewed_at < cutoff),
                and_(~reviewed, ChangeSuggestion.created_at < cutoff),
            )
        )
        .order_by(ChangeSuggestion.id)
    )
    return list(db.session.scalars(stmt))


def purge_suggestions(days: int, now: datetime | None = None) -> int:
    """Erase every suggestion past the retention period (the caller commits); how many."""
    found = due_for_erasure(days, now)
    for suggestion in found:
        if suggestion.status == SuggestionStatus.PENDING.value:
            suggestion.status = SuggestionStatus.EXPIRED.value
        suggestion.message = ERASED_MESSAGE
        suggestion.reply_email = ""
        suggestion.review_note = ""
        suggestion.erased_at = now or utcnow()
    db.session.flush()
    return len(found)
