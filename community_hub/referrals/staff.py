"""Staff who go to open mutual aid meetings themselves refer more (the Bradford measure)."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from community_hub.auth.models import User
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals.models import StaffMeetingAttendance


def log_attendance(
    user: User, attended_on: date, fellowship_id: int, today: date
) -> StaffMeetingAttendance:
    """Record that this worker went to an open meeting."""
    errors: dict[str, str] = {}
    if attended_on > today:
        errors["attended_on"] = _("The date cannot be in the future.")
    elif attended_on < today - timedelta(days=366):
        errors["attended_on"] = _("Only meetings in the last year can be logged.")
    if db.session.get(Fellowship, fellowship_id) is None:
        errors["fellowship_id"] = _("Choose the fellowship whose meeting it was.")
    if user.organisation_id is None:
        errors["attended_on"] = _("Only staff of an organisation can log meetings.")
    if errors:
        raise ValidationFailed(errors)
    row = StaffMeetingAttendance(
        user_id=user.id,
        organisation_id=user.organisation_id,
        attended_on=attended_on,
        fellowship_id=fellowship_id,
    )
    db.session.add(row)
    db.session.flush()
    return row


def own_attendance(user: User) -> list[StaffMeetingAttendance]:
    return list(
        db.session.scalars(
            select(StaffMeetingAttendance)
            .where(StaffMeetingAttendance.user_id == user.id)
            .order_by(StaffMeetingAttendance.attended_on.desc())
        )
    )


def staff_who_attended(organisation_id: int, since: date) -> tuple[int, int]:
    """(staff who went to at least one open meeting since, staff in the organisation)."""
    went = db.session.scalar(
        select(func.count(func.distinct(StaffMeetingAttendance.user_id))).where(
            StaffMeetingAttendance.organisation_id == organisation_id,
            StaffMeetingAttendance.attended_on >= since,
        )
    )
    staff = db.session.scalar(
        select(func.count(User.id)).where(
            User.organisation_id == organisation_id,
            User.role.in_(("worker", "coordinator")),
            User.active.is_(True),
        )
    )
    return int(went or 0), int(staff or 0)
