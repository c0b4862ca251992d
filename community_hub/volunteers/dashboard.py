"""What a coordinator needs to see today, and what a volunteer has coming up."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select

from community_hub.extensions import db
from community_hub.volunteers.course_models import Course
from community_hub.volunteers.courses import CourseFigures, figures
from community_hub.volunteers.models import Stage, Volunteer
from community_hub.volunteers.placement_models import (
    HoursLog,
    HoursStatus,
    Placement,
    PlacementStatus,
)
from community_hub.volunteers.requirement_models import Check, CheckStatus, RequirementType
from community_hub.volunteers.requirements import (
    gaps,
    latest_checks,
    supervision_overdue,
)

EXPIRY_HORIZON_DAYS = 60
# Stages at which someone can be offered a placement.
PLACEABLE_STAGES = (
    Stage.APPLICANT.value,
    Stage.IN_TRAINING.value,
    Stage.ACTIVE.value,
    Stage.PEER_MENTOR.value,
    Stage.RECOVERY_CHAMPION.value,
)
# A placement in one of these states is still running or being arranged.
OPEN_STATUSES = (
    PlacementStatus.PROPOSED.value,
    PlacementStatus.AGREED.value,
    PlacementStatus.INDUCTION.value,
    PlacementStatus.ACTIVE.value,
    PlacementStatus.ON_HOLD.value,
)


def _scoped(stmt: Select, column: Any, organisation_id: int | None) -> Select:
    """Limit to one organisation; None (an administrator) sees every organisation."""
    return stmt if organisation_id is None else stmt.where(column == organisation_id)


@dataclass(frozen=True)
class CheckRow:
    volunteer: Volunteer
    check: Check
    status: CheckStatus
    days_left: int


def current_checks(organisation_id: int | None, today: date) -> list[CheckRow]:
    """The latest check per volunteer and requirement, for volunteers still in the programme."""
    stmt = _scoped(
        select(Volunteer).where(Volunteer.stage != Stage.LEFT.value),
        Volunteer.organisation_id,
        organisation_id,
    )
    rows = []
    for volunteer in db.session.scalars(stmt.order_by(Volunteer.first_name, Volunteer.id)):
        for check in latest_checks(volunteer.id).values():
            if check.expires_on is not None:
                days = (check.expires_on - today).days
                rows.append(CheckRow(volunteer, check, check.status(today), days))
    return sorted(rows, key=lambda r: r.days_left)


def expiring_and_expired(
    organisation_id: int | None, today: date, horizon: int = EXPIRY_HORIZON_DAYS
) -> tuple[list[CheckRow], list[CheckRow]]:
    """Checks expiring within `horizon` days, and those already expired."""
    rows = current_checks(organisation_id, today)
    return (
        [r for r in rows if 0 <= r.days_left <= horizon],
        [r for r in rows if r.days_left < 0],
    )


def ready_to_place(organisation_id: int | None, today: date, role: str = "") -> list[Volunteer]:
    """Volunteers free for a placement whose recorded checks, and any for the role, are current.

    Free means: at a placeable stage, not paused, and no placement running or being arranged.
    """
    busy = select(Placement.volunteer_id).where(Placement.status.in_(OPEN_STATUSES))
    stmt = _scoped(
        select(Volunteer).where(
            Volunteer.stage.in_(PLACEABLE_STAGES),
            Volunteer.paused_at.is_(None),
            Volunteer.id.not_in(busy),
        ),
        Volunteer.organisation_id,
        organisation_id,
    )
    ready = []
    for volunteer in db.session.scalars(stmt.order_by(Volunteer.first_name, Volunteer.id)):
        checks = latest_checks(volunteer.id).values()
        if not checks or not all(c.valid_on(today) for c in checks):
            continue
        if gaps(volunteer, role, None, today):
            continue
        ready.append(volunteer)
    return ready


def overdue_supervision(organisation_id: int | None, today: date) -> list[Placement]:
    stmt = _scoped(
        select(Placement).where(Placement.status == PlacementStatus.ACTIVE.value),
        Placement.organisation_id,
        organisation_id,
    )
    return [p for p in db.session.scalars(stmt) if supervision_overdue(p, today)]


def hours_awaiting(organisation_id: int | None) -> list[HoursLog]:
    stmt = _scoped(
        select(HoursLog)
        .join(HoursLog.placement)
        .where(HoursLog.status == HoursStatus.SUBMITTED.value),
        Placement.organisation_id,
        organisation_id,
    )
    return list(db.session.scalars(stmt.order_by(HoursLog.worked_on, HoursLog.id)))


def placements_by_status(organisation_id: int | None) -> dict[str, int]:
    """Every status with its count (zeros included, so the table always reads the same)."""
    stmt = _scoped(select(Placement.status), Placement.organisation_id, organisation_id)
    counts = Counter(db.session.scalars(stmt))
    return {s.value: counts.get(s.value, 0) for s in PlacementStatus}


def courses_for(organisation_id: int | None) -> list[Course]:
    stmt = _scoped(select(Course), Course.organisation_id, organisation_id)
    return list(db.session.scalars(stmt.order_by(Course.starts_on.desc(), Course.name)))


def course_progress(organisation_id: int | None) -> list[tuple[Course, CourseFigures]]:
    return [(course, figures(course)) for course in courses_for(organisation_id)]


def requirement_types(organisation_id: int | None) -> list[RequirementType]:
    stmt = _scoped(select(RequirementType), RequirementType.organisation_id, organisation_id)
    return list(db.session.scalars(stmt.order_by(RequirementType.name)))
