"""Courses: enrol, take attendance, complete (which records the requirement) or withdraw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
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


def short_of_the_course(enrolment: Enrolment, on: date) -> tuple[int, int, int]:
    """(sessions attended, sessions held by `on`, sessions still to come after `on`)."""
    sessions = enrolment.course.sessions
    attended = set(
        db.session.scalars(
            select(Attendance.session_id).where(
                Attendance.enrolment_id == enrolment.id, Attendance.attended.is_(True)
            )
        )
    )
    held = [s for s in sessions if s.held_on <= on]
    to_come = [s for s in sessions if s.held_on > on]
    return len([s for s in held if s.id in attended]), len(held), len(to_come)


def complete(
    enrolment: Enrolment, on: date, by: User | None, today: date, override_reason: str = ""
) -> None:
    """Completion records the course's requirement for the volunteer.

    Completing someone who missed sessions, or before the last session, needs a reason: the
    requirement it records says they are trained.
    """
    if enrolment.status != EnrolmentStatus.ENROLLED.value:
        raise ValidationFailed(
            {"status": _("Only someone still enrolled can complete the course.")}
        )
    came, held, to_come = short_of_the_course(enrolment, on)
    reason = override_reason.strip()
    if (came < held or to_come) and not reason:
        raise ValidationFailed(
            {
                "override_reason": _(
                    "%(name)s came to %(came)d of %(held)d sessions so far and %(to_come)d are "
                    "still to come. To mark the course completed anyway, say why.",
                    name=enrolment.volunteer.first_name, came=came, held=held, to_come=to_come,
                )
            }
        )  # fmt: skip
    enrolment.status = EnrolmentStatus.COMPLETED.value
    enrolment.completed_on = on
    enrolment.completion_note = reason[:2000]
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
        """Withdrawn out of everyone enrolled: 1 of 4 is 25%, however many are still going."""
        return self.withdrawn / self.enrolled if self.enrolled else None


def figures(course: Course) -> CourseFigures:
    statuses = [e.status for e in course.enrolments]
    return CourseFigures(
        enrolled=len(statuses),
        completed=statuses.count(EnrolmentStatus.COMPLETED.value),
        withdrawn=statuses.count(EnrolmentStatus.WITHDRAWN.value),
        in_progress=statuses.count(EnrolmentStatus.ENROLLED.value),
    )
