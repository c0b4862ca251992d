"""Courses (e.g. a 6-week accredited peer support course), sessions, enrolment, attendance."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community_hub.auth.models import Organisation, utcnow
from community_hub.extensions import Model
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.requirement_models import RequirementType


class Course(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    accreditation: Mapped[str] = mapped_column(String(200), default="")  # e.g. Open College Network
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None]
    # Completing the course records this requirement for the volunteer.
    requirement_type_id: Mapped[int | None] = mapped_column(ForeignKey("requirement_type.id"))

    organisation: Mapped[Organisation] = relationship()
    requirement_type: Mapped[RequirementType | None] = relationship()
    sessions: Mapped[list[CourseSession]] = relationship(
        back_populates="course", order_by="CourseSession.held_on"
    )
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="course")


class CourseSession(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    held_on: Mapped[date]
    topic: Mapped[str] = mapped_column(String(200), default="")

    course: Mapped[Course] = relationship(back_populates="sessions")


class EnrolmentStatus(enum.StrEnum):
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class Enrolment(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=EnrolmentStatus.ENROLLED.value)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_on: Mapped[date | None]
    withdrawn_on: Mapped[date | None]
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")
    # Why it was marked completed although sessions were missed or still to come.
    completion_note: Mapped[str] = mapped_column(Text, default="")

    course: Mapped[Course] = relationship(back_populates="enrolments")
    volunteer: Mapped[Volunteer] = relationship()

    __table_args__ = (UniqueConstraint("course_id", "volunteer_id", name="uq_enrolment_once"),)


class Attendance(Model):
    __tablename__ = "course_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_session.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    attended: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (UniqueConstraint("session_id", "enrolment_id", name="uq_attendance_once"),)
