"""Retention: an application that never moves on keeps the applicant's details only for a while.

After APPLICATION_RETENTION_DAYS (counted from the application), if the volunteer it created is
still at the Enquiry stage, has never changed stage and has no account, the volunteer's name
becomes "(erased)" and their email, phone, availability, skills, gender, pause reason and
emergency contact are blanked, as is the application's "about you" text. The rows stay, so
reports still count applications and where volunteers came from.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, select

from community_hub.auth.models import utcnow
from community_hub.extensions import db
from community_hub.volunteering.models import VolunteeringApplication
from community_hub.volunteers.models import Stage, StageChange, Volunteer

ERASED_NAME = "(erased)"
BLANKED = (
    "email",
    "phone",
    "availability",
    "skills",
    "gender",
    "pause_reason",
    "emergency_contact_name",
    "emergency_contact_phone",
)


def due_for_erasure(days: int, today: date) -> list[VolunteeringApplication]:
    """Applications older than `days` whose volunteer never moved on and still has details."""
    if days < 1:
        raise ValueError("The retention period must be at least 1 day.")
    cutoff = datetime.combine(today - timedelta(days=days), time.min)
    moved_on = exists().where(
        StageChange.volunteer_id == Volunteer.id, StageChange.from_stage.is_not(None)
    )
    stmt = (
        select(VolunteeringApplication)
        .join(VolunteeringApplication.volunteer)
        .where(
            VolunteeringApplication.erased_at.is_(None),
            VolunteeringApplication.created_at < cutoff,
            Volunteer.stage == Stage.ENQUIRY.value,
            Volunteer.user_id.is_(None),
            ~moved_on,
        )
        .order_by(VolunteeringApplication.id)
    )
    return list(db.session.scalars(stmt))


def erase(application: VolunteeringApplication, now: datetime | None = None) -> None:
    """Blank the applicant's details on the application and on the volunteer record."""
    volunteer = application.volunteer
    volunteer.first_name = ERASED_NAME
    for name in BLANKED:
        setattr(volunteer, name, "")
    application.about = ""
    application.erased_at = now or utcnow()


def purge_applications(days: int, today: date) -> int:
    """Erase every application past the retention period; how many (the caller commits)."""
    due = due_for_erasure(days, today)
    for application in due:
        erase(application)
    db.session.flush()
    return len(due)
