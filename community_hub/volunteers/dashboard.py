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
    Gap,
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


@dataclass(frozen=True)
class Readiness:
    """A volunteer free for a placement: the roles they meet every requirement for, or what
    is missing for the role they come closest to."""

    volunteer: Volunteer
    ready_for: tuple[str, ...]
    missing: tuple[Gap, ...]

    @property
    def ready(self) -> bool:
        return bool(self.ready_for)


def readiness_of(volunteer: Volunteer, roles: list[str], today: date) -> Readiness:
    """The roles a volunteer meets every requirement for, or what is missing for the closest."""
    expired = tuple(
        Gap(c.requirement_type, CheckStatus.EXPIRED, c)
        for c in latest_checks(volunteer.id).values()
        if not c.valid_on(today)
    )
    by_role = {role: tuple(gaps(volunteer, role, None, today)) for role in roles}
    ready_for = tuple(role for role, missing in by_role.items() if not missing and not expired)
    if ready_for:
        return Readiness(volunteer, ready_for, ())
    closest = min(by_role.values(), key=len, default=())
    missing = {gap.requirement.id: gap for gap in (*closest, *expired)}
    return Readiness(volunteer, (), tuple(missing.values()))


def placement_readiness(
    organisation_id: int | None, today: date, roles: list[str]
) -> list[Readiness]:
    """Everyone free for a placement, with the roles they are ready for or what is missing.

    Free means: at a placeable stage, not paused, and no placement running or being arranged.
    Ready for a role means every requirement of that role (and every recorded check) is
    current; nothing recorded is not ready. With no roles defined, the requirements that apply
    to every role count.
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
    found = []
    for volunteer in db.session.scalars(stmt.order_by(Volunteer.first_name, Volunteer.id)):
        readiness = readiness_of(volunteer, roles or [""], today)
        if readiness.ready and not latest_checks(volunteer.id):
            # No requirement set and nothing recorded: nobody has checked them at all.
            readiness = Readiness(volunteer, (), ())
        found.append(readiness)
    return found


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
