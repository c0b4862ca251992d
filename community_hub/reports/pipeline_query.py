"""SQL aggregates for the volunteer pipeline: stages, moves, courses, placements, hours, checks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_, select

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.postgres import PLAN_EACH_TIME
from community_hub.reports.filters import Filters
from community_hub.reports.sqlfuncs import month_of, plus_days
from community_hub.volunteers.course_models import Course, Enrolment, EnrolmentStatus
from community_hub.volunteers.models import Stage, StageChange, Volunteer
from community_hub.volunteers.placement_models import (
    HoursLog,
    HoursStatus,
    Placement,
    PlacementStatus,
)
from community_hub.volunteers.requirement_models import Check, RequirementType

EXPIRY_DAYS = 60
SIX_MONTHS = 182
ENGAGED_HOURS_WINDOW = 30


def _rows(stmt: Any) -> list[Any]:
    return list(db.session.execute(stmt, execution_options=PLAN_EACH_TIME))


def stages_at(moment: datetime, filters: Filters) -> dict[str, int]:
    """Volunteers at each stage at a moment, from their stage history.

    A volunteer is counted from their first change of stage (joining is one); a volunteer with
    no history at all, from when their record was made, at the stage it holds now. So the
    people at a stage at the end are exactly those at the start plus the moves in, less the
    moves out.
    """
    last = (
        select(
            StageChange.volunteer_id,
            StageChange.to_stage,
            func.row_number()
            .over(
                partition_by=StageChange.volunteer_id,
                order_by=(StageChange.changed_at.desc(), StageChange.id.desc()),
            )
            .label("n"),
        )
        .where(StageChange.changed_at < moment)
        .subquery()
    )
    stage = func.coalesce(last.c.to_stage, Volunteer.stage)
    no_history = ~exists().where(StageChange.volunteer_id == Volunteer.id)
    stmt = (
        select(stage, func.count())
        .select_from(Volunteer)
        .outerjoin(last, and_(last.c.volunteer_id == Volunteer.id, last.c.n == 1))
        .where(
            or_(last.c.volunteer_id.is_not(None), and_(no_history, Volunteer.created_at < moment)),
            filters.organisations(Volunteer.organisation_id),
        )
        .group_by(stage)
    )
    return {str(s): int(n) for s, n in _rows(stmt)}


def moves(filters: Filters) -> dict[tuple[str, str], int]:
    """Moves between stages in the period; joining is a move from '' to enquiry."""
    stmt = (
        select(StageChange.from_stage, StageChange.to_stage, func.count())
        .join(Volunteer, Volunteer.id == StageChange.volunteer_id)
        .where(
            StageChange.changed_at >= filters.start_at,
            StageChange.changed_at < filters.end_before,
            filters.organisations(Volunteer.organisation_id),
        )
        .group_by(StageChange.from_stage, StageChange.to_stage)
    )
    return {(str(a or ""), str(b)): int(n) for a, b, n in _rows(stmt)}


def courses(filters: Filters) -> list[tuple[int, str, str, int, int, int]]:
    """Per course starting in the period (or, undated, enrolled in it): enrolled by outcome."""
    e = Enrolment
    in_period = or_(
        Course.starts_on.between(filters.start, filters.end),
        and_(
            Course.starts_on.is_(None),
            e.enrolled_at >= filters.start_at,
            e.enrolled_at < filters.end_before,
        ),
    )
    counts = [
        func.sum(case((e.status == s.value, 1), else_=0))
        for s in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.WITHDRAWN)
    ]
    stmt = (
        select(Course.id, Course.name, Organisation.name, *counts)
        .join(e, e.course_id == Course.id)
        .join(Organisation, Organisation.id == Course.organisation_id)
        .where(in_period, filters.organisations(Course.organisation_id))
        .group_by(Course.id, Course.name, Organisation.name)
        .order_by(Course.name, Course.id)
    )
    return [(int(i), str(c), str(o), int(a), int(b), int(d)) for i, c, o, a, b, d in _rows(stmt)]


def placements_by_host(filters: Filters) -> list[tuple[int, int, int, int, int]]:
    """Per host: placements running at the start (the day before) and at the end of the
    period, started in it and ended in it.

    Only an active placement starts and only a started one ends (placements.py), so running at
    the start + started = running at the end + ended.
    """
    p = Placement
    live = p.status != PlacementStatus.CANCELLED.value

    def running(day: date) -> Any:
        return and_(live, p.started_on <= day, or_(p.ended_on.is_(None), p.ended_on > day))

    started = and_(live, p.started_on.between(filters.start, filters.end))
    ended = and_(live, p.ended_on.between(filters.start, filters.end))
    stmt = (
        select(
            p.host_organisation_id,
            *(
                func.sum(case((condition, 1), else_=0))
                for condition in (
                    running(filters.start - timedelta(days=1)),
                    running(filters.end),
                    started,
                    ended,
                )
            ),
        )
        .where(filters.organisations(p.organisation_id))
        .group_by(p.host_organisation_id)
    )
    return [(int(h), int(a), int(b), int(c), int(d)) for h, a, b, c, d in _rows(stmt)]


def hours_by_month(filters: Filters) -> list[tuple[str, int, float]]:
    """Approved hours by the month worked, with how many volunteers logged them."""
    h = HoursLog
    month = month_of(h.worked_on)
    stmt = (
        select(month, func.count(func.distinct(h.volunteer_id)), func.sum(h.hours))
        .join(Placement, Placement.id == h.placement_id)
        .where(
            h.status == HoursStatus.APPROVED.value,
            h.worked_on.between(filters.start, filters.end),
            filters.organisations(Placement.organisation_id),
        )
        .group_by(month)
        .order_by(month)
    )
    return [(str(m), int(v), float(hours or 0)) for m, v, hours in _rows(stmt)]


def checks(filters: Filters) -> dict[str, tuple[int, int, int]]:
    """Per kind of requirement, each volunteer's latest check: expiring soon, expired, renewing."""
    latest = (
        select(
            Check.id,
            func.row_number()
            .over(
                partition_by=(Check.volunteer_id, Check.requirement_type_id),
                order_by=(Check.completed_on.desc(), Check.id.desc()),
            )
            .label("n"),
        )
        .where(Check.completed_on <= filters.end)
        .subquery()
    )
    soon = filters.end + timedelta(days=EXPIRY_DAYS)
    stmt = (
        select(
            RequirementType.kind,
            func.sum(case((Check.expires_on.between(filters.end, soon), 1), else_=0)),
            func.sum(case((Check.expires_on < filters.end, 1), else_=0)),
            func.sum(case((Check.renewal_started_on.is_not(None), 1), else_=0)),
        )
        .join(latest, and_(latest.c.id == Check.id, latest.c.n == 1))
        .join(RequirementType, RequirementType.id == Check.requirement_type_id)
        .join(Volunteer, Volunteer.id == Check.volunteer_id)
        .where(
            Volunteer.stage != Stage.LEFT.value, filters.organisations(Volunteer.organisation_id)
        )
        .group_by(RequirementType.kind)
    )
    return {str(k): (int(a), int(b), int(c)) for k, a, b, c in _rows(stmt)}


def graduates(filters: Filters) -> tuple[int, int]:
    """Graduates whose six-month mark fell in the period, and how many were still engaged then.

    Engaged: a placement running on that day, or approved hours in the 30 days before it.
    """
    e = Enrolment
    first = (
        select(e.volunteer_id, func.min(e.completed_on).label("done"))
        .where(e.status == EnrolmentStatus.COMPLETED.value, e.completed_on.is_not(None))
        .group_by(e.volunteer_id)
        .subquery()
    )
    mark = plus_days(first.c.done, SIX_MONTHS)
    running = exists().where(
        Placement.volunteer_id == first.c.volunteer_id,
        Placement.status != PlacementStatus.CANCELLED.value,
        Placement.started_on <= mark,
        or_(Placement.ended_on.is_(None), Placement.ended_on >= mark),
    )
    logged = exists().where(
        HoursLog.volunteer_id == first.c.volunteer_id,
        HoursLog.status == HoursStatus.APPROVED.value,
        HoursLog.worked_on > plus_days(first.c.done, SIX_MONTHS - ENGAGED_HOURS_WINDOW),
        HoursLog.worked_on <= mark,
    )
    earliest = filters.start - timedelta(days=SIX_MONTHS)
    latest = filters.end - timedelta(days=SIX_MONTHS)
    stmt = (
        select(func.count(), func.sum(case((or_(running, logged), 1), else_=literal(0))))
        .select_from(first)
        .join(Volunteer, Volunteer.id == first.c.volunteer_id)
        .where(
            first.c.done.between(earliest, latest), filters.organisations(Volunteer.organisation_id)
        )
    )
    total, engaged = db.session.execute(stmt, execution_options=PLAN_EACH_TIME).one()
    return int(total or 0), int(engaged or 0)
