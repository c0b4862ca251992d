"""The audit trail: every view and change of a client or referral, who and when."""

from __future__ import annotations

from sqlalchemy import select

from community_hub.auth.models import User
from community_hub.extensions import db
from community_hub.referrals.models import AuditEvent


def record(
    user: User | None, action: str, subject_type: str, subject_id: int, detail: str = ""
) -> None:
    """Add one audit event to the current transaction."""
    db.session.add(
        AuditEvent(
            user_id=user.id if user is not None else None,
            organisation_id=user.organisation_id if user is not None else None,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            detail=detail[:2000],
        )
    )


def trail(subject_type: str, subject_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.id)
        )
    )
