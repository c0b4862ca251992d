"""Courses: enrol, take attendance, complete (which records the requirement) or withdraw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from community_hub.auth.models import User
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.volunteers.course_models import (
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
)
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.services import record_check


def enrol(course: Course, volunteer: Volunteer) -> Enrolment:
    if volunteer.organisation_id != course.organisation_id:
        raise ValidationFailed({"volunteer": "Choose one of your organisation's volunteers."})
    existing = db.session.scalar(
        select(Enrolment).where(
            Enrolment.course_id == course.id, Enrolment.volunteer_id == volunteer.id
        )
    )
    if existing is not None:
        raise ValidationFailed({"volunteer": f"{volunteer.first_name} is already enrolled."})
    enrolment = Enrolment(course=course, volunteer=volunteer)
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


def mark_attendance(session: CourseSession, enrolment: Enrolment, attended: bool) -> None:
    """Record (or correct) whether someone came to a session."""
    if enrolment.course_id != session.course_id:
        raise ValidationFailed({"session": "That session belongs to another course."})
    row = db.session.scalar(
        select(Attendance).where(
            Attendance.session_id == session.id, Attendance.enrolment_id == enrolment.id
        )
    )
    if row is None:
        db.session.add(
            Attendance(session_id=session.id, enrolment_id=enrolment.id, attended=attended)
        )
    else:
        row.attended = attended
    db.session.flush()


def complete(enrolment: Enrolment, on: date, by: User | None, today: date) -> None:
    """Completion records the course's requirement for the volunteer."""
    if enrolment.status != EnrolmentStatus.ENROLLED.value:
        raise ValidationFailed({"status": "Only someone still enrolled can complete the course."})
    enrolment.status = EnrolmentStatus.COMPLETED.value
    enrolment.completed_on = on
    requirement = enrolment.course.requirement_type
    if requirement is not None:
        record_check(enrolment.volunteer, requirement, on, by, today, notes=enrolment.course.name)
    db.session.flush()


def withdraw(enrolment: Enrolment, on: date, reason: str) -> None:
    if enrolment.status != EnrolmentStatus.ENROLLED.value:
        raise ValidationFailed({"status": "Only someone still enrolled can withdraw."})
    if not reason.strip():
        raise ValidationFailed({"reason": "Say why they withdrew (it helps improve the course)."})
    enrolment.status = EnrolmentStatus.WITHDRAWN.value
    enrolment.withdrawn_on = on
    enrolment.withdrawal_reason = reason.strip()[:2000]
    db.session.flush()


@dataclass(frozen=True)
class CourseFigures:
    enrolled: int
    completed: int
    withdrawn: int
    in_progress: int

    @property
    def completion_rate(self) -> float | None:
        """Completed out of those who finished either way (11 of 16 is 69%)."""
        finished = self.completed + self.withdrawn
        return self.completed / finished if finished else None

    @property
    def dropout_rate(self) -> float | None:
        finished = self.completed + self.withdrawn
        return self.withdrawn / finished if finished else None


def figures(course: Course) -> CourseFigures:
    statuses = [e.status for e in course.enrolments]
    return CourseFigures(
        enrolled=len(statuses),
        completed=statuses.count(EnrolmentStatus.COMPLETED.value),
        withdrawn=statuses.count(EnrolmentStatus.WITHDRAWN.value),
        in_progress=statuses.count(EnrolmentStatus.ENROLLED.value),
    )
