"""Creating the records the core then moves along: placements, courses and their sessions."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from community_hub.auth.models import Organisation, User
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.volunteers.course_models import Attendance, Course, CourseSession
from community_hub.volunteers.models import Stage, Volunteer
from community_hub.volunteers.placement_models import (
    Placement,
    PlacementChange,
    PlacementStatus,
)
from community_hub.volunteers.requirement_models import RequirementType, RoleRequirement

ROLE_RE = re.compile(r"^[a-z0-9_]{2,60}$")


def normalise_role(role: str) -> str:
    """Roles are matched against requirements, so 'Peer mentor' and 'peer_mentor' are one role."""
    return re.sub(r"[\s\-]+", "_", role.strip().lower())


def known_roles(organisation_id: int | None) -> list[str]:
    """Roles the organisation has set requirements for (what a new placement usually names)."""
    stmt = (
        select(RoleRequirement.role)
        .join(RoleRequirement.requirement_type)
        .where(RoleRequirement.role != "")
        .distinct()
    )
    if organisation_id is not None:
        stmt = stmt.where(RequirementType.organisation_id == organisation_id)
    return sorted(set(db.session.scalars(stmt)))


def propose_placement(
    volunteer: Volunteer,
    host: Organisation,
    role: str,
    supervisor_name: str,
    supervision_every_days: int,
    by: User | None,
) -> Placement:
    """A new placement starts as proposed; the first history row says who proposed it."""
    errors: dict[str, str] = {}
    role = normalise_role(role)
    if not ROLE_RE.match(role):
        errors["role"] = "Enter the role, for example peer_mentor (letters, digits and _)."
    if volunteer.stage == Stage.LEFT.value:
        errors["volunteer_id"] = f"{volunteer.first_name} has left the programme."
    if not 7 <= supervision_every_days <= 91:
        errors["supervision_every_days"] = "Supervision should be every 7 to 91 days."
    if len(supervisor_name.strip()) > 100:
        errors["supervisor_name"] = "Use 100 characters or fewer."
    if errors:
        raise ValidationFailed(errors)
    placement = Placement(
        volunteer=volunteer,
        organisation_id=volunteer.organisation_id,
        host=host,
        role=role,
        supervisor_name=supervisor_name.strip(),
        supervision_every_days=supervision_every_days,
        status=PlacementStatus.PROPOSED.value,
    )
    db.session.add(placement)
    db.session.add(
        PlacementChange(
            placement=placement,
            from_status="",
            to_status=PlacementStatus.PROPOSED.value,
            changed_by=by,
            reason="Placement proposed.",
        )
    )
    db.session.flush()
    return placement


def add_course(
    organisation: Organisation,
    name: str,
    accreditation: str,
    description: str,
    starts_on: date | None,
    requirement: RequirementType | None,
) -> Course:
    """A course run by the organisation; completing it may record one of its requirements."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter the course name."
    elif len(name.strip()) > 200:
        errors["name"] = "Use 200 characters or fewer."
    if len(accreditation.strip()) > 200:
        errors["accreditation"] = "Use 200 characters or fewer."
    if requirement is not None and requirement.organisation_id != organisation.id:
        errors["requirement_type_id"] = "Choose one of your organisation's requirements."
    if errors:
        raise ValidationFailed(errors)
    course = Course(
        organisation=organisation,
        name=name.strip(),
        accreditation=accreditation.strip(),
        description=description.strip()[:4000],
        starts_on=starts_on,
        requirement_type=requirement,
    )
    db.session.add(course)
    db.session.flush()
    return course


def add_session(course: Course, held_on: date, topic: str) -> CourseSession:
    """A dated session of a course (a register is taken for each)."""
    if any(s.held_on == held_on for s in course.sessions):
        raise ValidationFailed({"held_on": "There is already a session on that date."})
    if len(topic.strip()) > 200:
        raise ValidationFailed({"topic": "Use 200 characters or fewer."})
    session = CourseSession(course=course, held_on=held_on, topic=topic.strip())
    db.session.add(session)
    db.session.flush()
    return session


def register(course: Course) -> dict[tuple[int, int], bool]:
    """Attendance by (session id, enrolment id) for a course; absent keys were never marked."""
    session_ids = [s.id for s in course.sessions]
    if not session_ids:
        return {}
    rows = db.session.scalars(select(Attendance).where(Attendance.session_id.in_(session_ids)))
    return {(row.session_id, row.enrolment_id): row.attended for row in rows}
