"""The public dashboard: area-level figures anyone can see, always with small numbers suppressed.

Figures about people (referrals made, first meetings attended, volunteers trained) are for the
last calendar quarter that has ended, so they change once a quarter. Quarters never overlap,
so no two dashboards can be differenced: a rolling twelve months, published month after month,
gave away how many referrals an area made in one month. The referral figures are the same
counts commissioners see for that quarter, so they are protected together with the linkage and
uptake reports (publication.py). Meetings and places that help are counted as listed today:
they are public listings, which anyone can count in the finder.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import case, func, select

from community_hub.auth.models import Organisation
from community_hub.catalogue import lazy_gettext as _l
from community_hub.dates import long_date
from community_hub.extensions import db
from community_hub.meetings.models import Attendance, Meeting
from community_hub.postgres import PLAN_EACH_TIME
from community_hub.referrals.models import Referral
from community_hub.referrals.states import ClosedReason, Status
from community_hub.reports.filters import Filters
from community_hub.reports.periods import latest_complete
from community_hub.reports.tables import PERCENT, Chart, Column, Sheet
from community_hub.resources.models import PUBLIC_STATUSES, Service
from community_hub.volunteers.course_models import Enrolment, EnrolmentStatus
from community_hub.volunteers.models import Volunteer

TOTAL = "~total"
MEASURES = ("meetings", "resources", "referrals", "attended", "trained")


def public_period(today: date) -> Filters:
    """The last calendar quarter that has ended."""
    return latest_complete(today).filters()


def _by_area(stmt: Any, model_org: Any) -> dict[str, list[int]]:
    """Run a count query grouped by the area of the record's organisation."""
    grouped = (
        stmt.join(Organisation, Organisation.id == model_org)
        .add_columns(Organisation.area)
        .group_by(Organisation.area)
    )
    return {
        str(row[-1]): [int(v or 0) for v in row[:-1]]
        for row in db.session.execute(grouped, execution_options=PLAN_EACH_TIME)
    }


def figures(period: Filters) -> dict[str, dict[str, int]]:
    """Each measure per area, straight from SQL aggregates."""
    found: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    meetings = select(func.count(Meeting.id)).where(
        Meeting.archived_at.is_(None), Meeting.attendance != Attendance.INACTIVE.value
    )
    resources = select(func.count(Service.id)).where(
        Service.archived_at.is_(None), Service.status.in_(PUBLIC_STATUSES)
    )
    r = Referral
    referrals = select(
        func.count(r.id), func.sum(case((r.first_meeting_attended_on.is_not(None), 1), else_=0))
    ).where(
        r.created_at >= period.start_at,
        r.created_at < period.end_before,
        r.status != Status.DRAFT.value,
        r.closed_reason != ClosedReason.ENTERED_IN_ERROR.value,
    )
    trained = (
        select(func.count(func.distinct(Enrolment.volunteer_id)))
        .join(Volunteer, Volunteer.id == Enrolment.volunteer_id)
        .where(
            Enrolment.status == EnrolmentStatus.COMPLETED.value,
            Enrolment.completed_on.between(period.start, period.end),
        )
    )
    for names, stmt, org in (
        (("meetings",), meetings, Meeting.organisation_id),
        (("resources",), resources, Service.organisation_id),
        (("referrals", "attended"), referrals, r.organisation_id),
        (("trained",), trained, Volunteer.organisation_id),
    ):
        for area, values in _by_area(stmt, org).items():
            found[area].update(zip(names, values, strict=True))
    return dict(found)


def collect(period: Filters, carried_only: bool = False) -> Sheet:
    """The dashboard's figures for a period, and the relations between them."""
    found = figures(period)
    notes = [
        _l(
            "From %(start)s to %(end)s. Any number from 1 to 4 is shown as \u201cfewer than"
            " 5\u201d, and other numbers are withheld where they could be used to work one out.",
            start=long_date(period.start),
            end=long_date(period.end),
        )
    ]
    sheet = Sheet("public", _l("Recovery in numbers"), notes)
    columns = [
        Column("meetings", _l("Meetings listed")),
        Column("resources", _l("Places that help listed")),
        Column("referrals", _l("Referrals made")),
        Column("attended", _l("First meetings attended")),
        Column("attended_pct", _l("Share of referrals"), PERCENT),
        Column("trained", _l("Volunteers trained")),
    ]
    table = sheet.table(
        "areas", _l("Recovery support by area"), columns,
        chart=Chart(("referrals", "attended")),
        note=_l("Referrals made and first meetings attended over the period; meetings and"
                " places listed today. Volunteers trained: people who completed a course."),
    )  # fmt: skip
    everyone = {m: sum(v[m] for v in found.values()) for m in MEASURES}
    for area, values in [*sorted(found.items()), (TOTAL, everyone)]:
        label = str(_l("All areas")) if area == TOTAL else area or str(_l("Area not recorded"))
        row = table.row(area, label)
        for measure in MEASURES:
            ref = row.count(measure, values[measure])
            if measure in ("referrals", "attended"):
                sheet.measure(ref, measure, *(() if area == TOTAL else ("area", area)))
        row.share("attended_pct", "attended", "referrals")
    for measure in MEASURES:
        sheet.total(table.ref(TOTAL, measure), [table.ref(a, measure) for a in found])
    return sheet
