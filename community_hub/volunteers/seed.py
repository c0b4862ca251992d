"""Load the demo volunteer programme in seed/volunteers.json (idempotent upsert).

Dates in the file are offsets in days before `today`, so the demo always has checks that are
current, expiring soon and expired. Run after the main seed (organisations and users).
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from community_hub.auth.models import Organisation, User
from community_hub.auth.services import find_user
from community_hub.extensions import db
from community_hub.volunteers.course_models import Attendance, Course, CourseSession, Enrolment
from community_hub.volunteers.models import Stage, StageChange, Volunteer
from community_hub.volunteers.placement_models import (
    HoursLog,
    Placement,
    PlacementChange,
    SupervisionSession,
)
from community_hub.volunteers.placement_models import PlacementStatus as S
from community_hub.volunteers.requirement_models import Check, RequirementType, RoleRequirement

Record = dict[str, Any]
PATHWAY = [
    Stage.ENQUIRY,
    Stage.APPLICANT,
    Stage.IN_TRAINING,
    Stage.ACTIVE,
    Stage.PEER_MENTOR,
    Stage.RECOVERY_CHAMPION,
    Stage.PAID_WORK,
]
# The moves that led to each status, written into a new placement's history.
PLACEMENT_PATHS = {
    S.PROPOSED: [],
    S.AGREED: [S.AGREED],
    S.INDUCTION: [S.AGREED, S.INDUCTION],
    S.ACTIVE: [S.AGREED, S.INDUCTION, S.ACTIVE],
    S.ON_HOLD: [S.AGREED, S.INDUCTION, S.ACTIVE, S.ON_HOLD],
    S.ENDED: [S.AGREED, S.INDUCTION, S.ACTIVE, S.ENDED],
    S.CANCELLED: [S.AGREED, S.CANCELLED],
}
VOLUNTEER_FIELDS = (
    "phone",
    "contact_preference",
    "availability",
    "languages",
    "skills",
    "gender",
    "emergency_contact_name",
    "emergency_contact_phone",
)


def _ago(today: date, days: int | None) -> date | None:
    return None if days is None else today - timedelta(days=days)


def _organisation(slug: str) -> Organisation:
    found = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if found is None:
        raise ValueError(f"volunteers.json names unknown organisation {slug!r}.")
    return found


def _requirements(data: Record, org: Organisation) -> dict[str, RequirementType]:
    found: dict[str, RequirementType] = {}
    for record in data["requirement_types"]:
        rt = db.session.scalar(
            select(RequirementType).where(
                RequirementType.organisation_id == org.id, RequirementType.code == record["code"]
            )
        )
        if rt is None:
            rt = RequirementType(organisation_id=org.id, code=record["code"])
            db.session.add(rt)
        rt.name, rt.kind = record["name"], record["kind"]
        rt.validity_days, rt.renewal_window_days = (
            record["validity_days"],
            record["renewal_window_days"],
        )
        found[record["code"]] = rt
    db.session.flush()
    for record in data["role_requirements"]:
        rt = found[record["requirement"]]
        host = _organisation(record["host"]).id if record.get("host") else None
        exists = db.session.scalar(
            select(RoleRequirement).where(
                RoleRequirement.requirement_type_id == rt.id,
                RoleRequirement.role == record["role"],
                RoleRequirement.host_organisation_id.is_(None)
                if host is None
                else RoleRequirement.host_organisation_id == host,
            )
        )
        if exists is None:
            db.session.add(
                RoleRequirement(requirement_type=rt, role=record["role"], host_organisation_id=host)
            )
    return found


def _stage_history(volunteer: Volunteer, stage: str, by: User | None, today: date) -> None:
    """A new volunteer's path to their stage, one step a month, ending a week ago."""
    if stage == Stage.LEFT:
        path = [Stage.ENQUIRY, Stage.APPLICANT, Stage.ACTIVE, Stage.LEFT]
    else:
        path = PATHWAY[: PATHWAY.index(Stage(stage)) + 1]
    steps = [s.value for s in path]
    previous = None
    for n, step in enumerate(steps):
        when = datetime.combine(today - timedelta(days=7 + 30 * (len(steps) - 1 - n)), time(10))
        db.session.add(
            StageChange(
                volunteer=volunteer,
                from_stage=previous,
                to_stage=step,
                changed_by=by,
                changed_at=when,
            )
        )
        previous = step


def _volunteers(
    data: Record,
    org: Organisation,
    requirements: dict[str, RequirementType],
    by: User | None,
    today: date,
) -> dict[str, Volunteer]:
    found: dict[str, Volunteer] = {}
    for record in data["volunteers"]:
        volunteer = db.session.scalar(
            select(Volunteer).where(
                Volunteer.organisation_id == org.id,
                Volunteer.first_name == record["first_name"],
                Volunteer.email == record["email"],
            )
        )
        if volunteer is None:
            volunteer = Volunteer(
                organisation=org, first_name=record["first_name"], email=record["email"]
            )
            db.session.add(volunteer)
            _stage_history(volunteer, record["stage"], by, today)
        volunteer.stage = record["stage"]
        for name in VOLUNTEER_FIELDS:
            setattr(volunteer, name, record.get(name, "en" if name == "languages" else ""))
        paused = _ago(today, record.get("paused_days_ago"))
        volunteer.paused_at = datetime.combine(paused, time(9)) if paused else None
        volunteer.pause_reason = record.get("pause_reason", "")
        if record.get("user"):
            user = find_user(record["user"])
            if user is None:
                raise ValueError(f"volunteers.json links unknown user {record['user']!r}.")
            volunteer.user_id = user.id
        db.session.flush()
        for spec in record["checks"]:
            _check(volunteer, requirements[spec["requirement"]], spec, by, today)
        found[record["first_name"]] = volunteer
    return found


def _check(
    volunteer: Volunteer, rt: RequirementType, spec: Record, by: User | None, today: date
) -> None:
    """One check per volunteer and requirement, its dates moved to be relative to today."""
    check = db.session.scalar(
        select(Check).where(Check.volunteer_id == volunteer.id, Check.requirement_type_id == rt.id)
    )
    if check is None:
        check = Check(volunteer=volunteer, requirement_type=rt, recorded_by=by)
        db.session.add(check)
    completed = today - timedelta(days=spec["completed_days_ago"])
    check.completed_on = completed
    check.expires_on = completed + timedelta(days=rt.validity_days) if rt.validity_days else None
    check.renewal_started_on = _ago(today, spec.get("renewal_started_days_ago"))
    check.dbs_level = spec.get("dbs_level", "")
    check.certificate_number = spec.get("certificate_number", "")
    check.update_service = bool(spec.get("update_service", False))
    check.notes = spec.get("notes", "")


def _by_position(existing: list[Any], n: int) -> Any:
    return existing[n] if n < len(existing) else None


def _placements(
    data: Record, org: Organisation, volunteers: dict[str, Volunteer], by: User | None, today: date
) -> int:
    for record in data["placements"]:
        volunteer, host = volunteers[record["volunteer"]], _organisation(record["host"])
        placement = db.session.scalar(
            select(Placement).where(
                Placement.volunteer_id == volunteer.id,
                Placement.host_organisation_id == host.id,
                Placement.role == record["role"],
            )
        )
        status = S(record["status"])
        if placement is None:
            placement = Placement(
                volunteer=volunteer, organisation_id=org.id, host=host, role=record["role"]
            )
            db.session.add(placement)
            previous = ""
            for n, step in enumerate([S.PROPOSED, *PLACEMENT_PATHS[status]]):
                automatic = step == S.ON_HOLD
                db.session.add(
                    PlacementChange(
                        placement=placement,
                        from_status=previous,
                        to_status=step.value,
                        changed_by=None if automatic else by,
                        changed_at=datetime.combine(today - timedelta(days=30 - n), time(11)),
                        reason=record.get("hold_reason", "") if automatic else "Demo history.",
                    )
                )
                previous = step.value
        placement.status = status.value
        placement.supervisor_name = record.get("supervisor_name", "")
        placement.supervision_every_days = record.get("supervision_every_days", 28)
        placement.started_on = _ago(today, record.get("started_days_ago"))
        placement.ended_on = _ago(today, record.get("ended_days_ago"))
        placement.end_reason = record.get("end_reason", "")
        placement.hold_reason = record.get("hold_reason", "")
        db.session.flush()
        _supervision_and_hours(placement, record, by, today)
    return len(data["placements"])


def _supervision_and_hours(
    placement: Placement, record: Record, by: User | None, today: date
) -> None:
    """Matched by position, so reloading on another day moves dates instead of adding rows."""
    sessions = db.session.scalars(
        select(SupervisionSession)
        .where(SupervisionSession.placement_id == placement.id)
        .order_by(SupervisionSession.id)
    ).all()
    for n, spec in enumerate(record.get("supervision", [])):
        session = _by_position(list(sessions), n) or SupervisionSession(placement=placement)
        db.session.add(session)
        session.held_on = today - timedelta(days=spec["days_ago"])
        session.kind, session.recorded_by_id = spec["kind"], by.id if by else None
    entries = db.session.scalars(
        select(HoursLog).where(HoursLog.placement_id == placement.id).order_by(HoursLog.id)
    ).all()
    for n, spec in enumerate(record.get("hours", [])):
        entry = _by_position(list(entries), n) or HoursLog(placement=placement)
        db.session.add(entry)
        entry.volunteer_id = placement.volunteer_id
        entry.worked_on = today - timedelta(days=spec["days_ago"])
        entry.hours, entry.status = Decimal(spec["hours"]), spec["status"]
        entry.description = spec.get("description", "")
        entry.decline_reason = spec.get("decline_reason", "")
        reviewed = spec["status"] != "submitted"
        entry.reviewed_by_id = by.id if by and reviewed else None
        entry.reviewed_at = datetime.combine(entry.worked_on, time(17)) if reviewed else None


def _courses(
    data: Record,
    org: Organisation,
    requirements: dict[str, RequirementType],
    volunteers: dict[str, Volunteer],
    today: date,
) -> int:
    for record in data["courses"]:
        course = db.session.scalar(
            select(Course).where(Course.organisation_id == org.id, Course.name == record["name"])
        )
        if course is None:
            course = Course(organisation=org, name=record["name"])
            db.session.add(course)
        course.accreditation, course.description = record["accreditation"], record["description"]
        course.requirement_type = requirements.get(record["requirement"] or "")
        course.starts_on = today - timedelta(days=record["starts_days_ago"])
        db.session.flush()
        existing = db.session.scalars(
            select(CourseSession)
            .where(CourseSession.course_id == course.id)
            .order_by(CourseSession.id)
        ).all()
        sessions = []
        for n, topic in enumerate(record["sessions"]):
            session = _by_position(list(existing), n) or CourseSession(course=course)
            db.session.add(session)
            session.topic = topic
            session.held_on = course.starts_on + timedelta(days=n * record["session_every_days"])
            sessions.append(session)
        db.session.flush()
        for spec in record["enrolments"]:
            _enrolment(course, sessions, volunteers[spec["volunteer"]], spec, today)
    return len(data["courses"])


def _enrolment(
    course: Course, sessions: list[CourseSession], volunteer: Volunteer, spec: Record, today: date
) -> None:
    enrolment = db.session.scalar(
        select(Enrolment).where(
            Enrolment.course_id == course.id, Enrolment.volunteer_id == volunteer.id
        )
    )
    if enrolment is None:
        enrolment = Enrolment(course=course, volunteer=volunteer)
        db.session.add(enrolment)
    enrolment.status = spec["status"]
    enrolment.completed_on = _ago(today, spec.get("completed_days_ago"))
    enrolment.withdrawn_on = _ago(today, spec.get("withdrawn_days_ago"))
    enrolment.withdrawal_reason = spec.get("withdrawal_reason", "")
    db.session.flush()
    for session, attended in zip(sessions, spec.get("attended", []), strict=False):
        row = db.session.scalar(
            select(Attendance).where(
                Attendance.session_id == session.id, Attendance.enrolment_id == enrolment.id
            )
        )
        if row is None:
            row = Attendance(session_id=session.id, enrolment_id=enrolment.id)
            db.session.add(row)
        row.attended = attended


def load_volunteers(directory: str, today: date) -> dict[str, int]:
    """Upsert the demo volunteer programme from `directory`/volunteers.json; the caller commits."""
    with open(os.path.join(directory, "volunteers.json"), encoding="utf-8") as handle:
        data = json.load(handle)
    org = _organisation(data["organisation"])
    coordinator = find_user(data["coordinator"]) if data.get("coordinator") else None
    requirements = _requirements(data, org)
    volunteers = _volunteers(data, org, requirements, coordinator, today)
    placements = _placements(data, org, volunteers, coordinator, today)
    courses = _courses(data, org, requirements, volunteers, today)
    db.session.flush()
    return {
        "requirement types": len(requirements),
        "volunteers": len(volunteers),
        "placements": placements,
        "courses": courses,
    }
