"""The linkage report's one SQL aggregate, and its roll-ups by organisation, method and who.

One GROUP BY (organisation, link method, made by, days to first meeting) with conditional sums
gives every figure; the roll-ups only add groups together, so each figure is still a count made
by the database. A referral has at most one follow-up per day offset (followups.py creates them
once), so joining the 30- and 90-day follow-ups never counts a referral twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from community_hub.extensions import db
from community_hub.meetings.models import Meeting
from community_hub.postgres import PLAN_EACH_TIME
from community_hub.referrals.models import FollowUp, Referral
from community_hub.referrals.states import ClosedReason, Status
from community_hub.reports.filters import Filters
from community_hub.reports.sqlfuncs import days_between, room_to_aggregate

SIGNPOST = "signpost"
WITHIN_DAYS = 14
MEASURES = ("followed30", "weekly30", "followed90", "weekly90", "sponsor90", "lost")


@dataclass
class Tally:
    """Counts for one group of referrals."""

    referrals: int = 0
    attended: int = 0
    within14: int = 0
    followed30: int = 0
    weekly30: int = 0
    followed90: int = 0
    weekly90: int = 0
    sponsor90: int = 0
    lost: int = 0
    days: Counter[int] = field(default_factory=Counter)  # days to first meeting: people

    def add(self, referrals: int, days: int | None, measures: dict[str, int]) -> None:
        self.referrals += referrals
        if days is not None:
            days = max(days, 0)  # a first meeting logged before the referral's date
            self.attended += referrals
            self.within14 += referrals if days <= WITHIN_DAYS else 0
            self.days[days] += referrals
        for name, value in measures.items():
            setattr(self, name, getattr(self, name) + value)

    def get(self, name: str) -> int:
        return int(getattr(self, name))

    @property
    def median_days(self) -> float | None:
        """The exact median of days to first meeting, from the per-day counts."""
        return median_of(self.days)


def median_of(counts: Counter[int]) -> float | None:
    """The exact median of values given as {value: how many people}."""
    people_in_all = sum(counts.values())
    if not people_in_all:
        return None
    middle = ((people_in_all - 1) // 2, people_in_all // 2)
    found: list[int] = []
    seen = 0
    for value, people in sorted(counts.items()):
        for position in middle:
            if seen <= position < seen + people:
                found.append(value)
        seen += people
    return sum(found) / 2


@dataclass
class Linkage:
    """Every roll-up the report prints."""

    all: Tally = field(default_factory=Tally)
    by_organisation: dict[int, Tally] = field(default_factory=dict)
    by_method: dict[str, Tally] = field(default_factory=dict)
    by_who: dict[str, Tally] = field(default_factory=dict)
    signposted_by_organisation: Counter[int] = field(default_factory=Counter)


def who(link_method: str, made_by: str) -> str:
    """Peer-introduced, worker-introduced, or signposted (nobody introduced the client)."""
    return "signposted" if link_method == SIGNPOST else made_by


def _sum(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def statement(filters: Filters) -> Any:
    """The GROUP BY that every linkage figure comes from."""
    r = Referral
    f30, f90 = aliased(FollowUp), aliased(FollowUp)
    days = days_between(r.first_meeting_attended_on, r.created_at)
    stmt = (
        select(
            r.organisation_id,
            r.link_method,
            r.made_by,
            days,
            func.count(),
            _sum(f30.id.is_not(None)),
            _sum(f30.attending_weekly.is_(True)),
            _sum(f90.id.is_not(None)),
            _sum(f90.attending_weekly.is_(True)),
            _sum(f90.has_sponsor_or_mentor.is_(True)),
            _sum(
                and_(
                    r.status == Status.CLOSED.value,
                    r.closed_reason == ClosedReason.LOST_TO_FOLLOW_UP.value,
                )
            ),
        )
        .select_from(r)
        .outerjoin(f30, and_(f30.referral_id == r.id, f30.day_offset == 30, f30.status == "done"))
        .outerjoin(f90, and_(f90.referral_id == r.id, f90.day_offset == 90, f90.status == "done"))
        .group_by(r.organisation_id, r.link_method, r.made_by, days)
    )
    # A year's aggregate, run rarely: planned for its values (postgres.PLAN_EACH_TIME).
    return in_cohort(stmt, filters).execution_options(**PLAN_EACH_TIME)


def in_cohort(stmt: Any, filters: Filters) -> Any:
    """Referrals made in the period (not drafts, not entered in error), in scope."""
    r = Referral
    stmt = stmt.where(
        r.created_at >= filters.start_at,
        r.created_at < filters.end_before,
        r.status != Status.DRAFT.value,
        r.closed_reason != ClosedReason.ENTERED_IN_ERROR.value,
        filters.organisations(r.organisation_id),
    )
    if filters.fellowship_id is not None:
        meetings = select(Meeting.id).where(Meeting.fellowship_id == filters.fellowship_id)
        stmt = stmt.where(r.meeting_id.in_(meetings))
    return stmt


def linkage(filters: Filters) -> Linkage:
    """Run the aggregate and add its groups up every way the report needs."""
    result = Linkage()
    room_to_aggregate()
    for org, method, made_by, days, referrals, *counts in db.session.execute(statement(filters)):
        measures = dict(zip(MEASURES, (int(c) for c in counts), strict=True))
        day = None if days is None else int(days)
        if method == SIGNPOST:
            result.signposted_by_organisation[int(org)] += int(referrals)
        for tally in (
            result.all,
            result.by_organisation.setdefault(int(org), Tally()),
            result.by_method.setdefault(method, Tally()),
            result.by_who.setdefault(who(method, made_by), Tally()),
        ):
            tally.add(int(referrals), day, measures)
    return result
