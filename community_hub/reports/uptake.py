"""Uptake by postcode district, against distance to the nearest meeting: does distance deter?

A client is recorded by postcode district only (the outward code, DN4). We place a district at
the mean position of the venues and resource addresses we hold in it (the same rule the finder
uses to place an outward code). A district where we hold no address has no position, and its
referrals are shown as "distance unknown" rather than guessed. The nearest meeting is the
nearest listed meeting with a physical place (in person or hybrid), of the chosen fellowship.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, select

from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.geo.geocode import outward_code
from community_hub.geo.nearby import within_box
from community_hub.geo.spatial import distance_km
from community_hub.meetings.models import Attendance, Meeting, Venue
from community_hub.postgres import PLAN_EACH_TIME
from community_hub.referrals.models import Client, Referral
from community_hub.referrals.states import ClosedReason, Status
from community_hub.reports.filters import Filters
from community_hub.reports.tables import KM, PERCENT, Chart, Column, Report, Sheet
from community_hub.resources.models import Location

BANDS = ((0.0, 2.0, _l("Under 2 km")), (2.0, 5.0, _l("2 to 5 km")), (5.0, 10.0, _l("5 to 10 km")),
         (10.0, 20.0, _l("10 to 20 km")), (20.0, None, _l("20 km or more")))  # fmt: skip
UNKNOWN = "unknown"
RADII_KM = (2, 5, 10, 20, 50, 100, 250)


def district_counts(filters: Filters) -> dict[str, tuple[int, int]]:
    """Referrals and first meetings attended, by the client's postcode district."""
    r = Referral
    stmt = (
        select(
            Client.postcode_district,
            func.count(),
            func.sum(case((r.first_meeting_attended_on.is_not(None), 1), else_=0)),
        )
        .join(Client, Client.id == r.client_id)
        .where(
            r.created_at >= filters.start_at,
            r.created_at < filters.end_before,
            r.status != Status.DRAFT.value,
            r.closed_reason != ClosedReason.ENTERED_IN_ERROR.value,
            filters.organisations(r.organisation_id),
        )
        .group_by(Client.postcode_district)
    )
    if filters.fellowship_id is not None:
        meetings = select(Meeting.id).where(Meeting.fellowship_id == filters.fellowship_id)
        stmt = stmt.where(r.meeting_id.in_(meetings))
    return {
        str(d or ""): (int(n), int(a or 0))
        for d, n, a in db.session.execute(stmt, execution_options=PLAN_EACH_TIME)
    }


def centroids() -> dict[str, tuple[float, float]]:
    """Each postcode district's mean position over the venue and resource addresses in it."""
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    venues = select(Venue.postcode, Venue.latitude, Venue.longitude).where(
        Venue.approximate.is_(False), Venue.postcode != ""
    )
    places = select(Location.postcode, Location.latitude, Location.longitude).where(
        Location.approximate.is_(False), Location.postcode != "", Location.latitude.is_not(None)
    )
    for stmt in (venues, places):
        for postcode, lat, lng in db.session.execute(stmt):
            district = outward_code(postcode)
            if district and lat is not None and lng is not None:
                points[district].append((float(lat), float(lng)))
    return {
        d: (sum(p[0] for p in ps) / len(ps), sum(p[1] for p in ps) / len(ps))
        for d, ps in points.items()
    }


def nearest_meeting_km(lat: float, lng: float, fellowship_id: int | None) -> float | None:
    """Distance to the nearest listed in-person or hybrid meeting, widening the search."""
    base: Any = select(Meeting.latitude, Meeting.longitude).where(
        Meeting.archived_at.is_(None),
        Meeting.attendance.in_([Attendance.IN_PERSON.value, Attendance.HYBRID.value]),
        Meeting.latitude.is_not(None),
    )
    if fellowship_id is not None:
        base = base.where(Meeting.fellowship_id == fellowship_id)
    for radius in RADII_KM:
        found = [
            distance_km(lat, lng, mlat, mlng)
            for mlat, mlng in db.session.execute(within_box(base, Meeting, lat, lng, radius))
        ]
        within = [d for d in found if d <= radius]
        if within:
            return min(within)
    return None


def band_of(km: float | None) -> str:
    if km is None:
        return UNKNOWN
    return next(str(lo) for lo, hi, _x in BANDS if hi is None or km < hi)


NOTES = (
    _l("A district is placed at the mean position of the venues and resource addresses we"
       " hold in it; where we hold none, its distance is unknown."),
    _l("Distance is to the nearest listed meeting with a physical place, in a straight line."),
)  # fmt: skip


def collect(filters: Filters, carried_only: bool = False) -> Sheet:
    """Referrals and attendance by postcode district and by distance to the nearest meeting."""
    counts = district_counts(filters)
    places = centroids()
    distance: dict[str, float | None] = {}
    for district in counts:
        at = places.get(district)
        distance[district] = None if at is None else nearest_meeting_km(*at, filters.fellowship_id)
    sheet = Sheet("uptake", _l("Uptake by postcode district"), NOTES)
    columns = [
        Column("referrals", _l("Referrals")),
        Column("attended", _l("First meeting attended")),
        Column("attended_pct", _l("Share attended"), PERCENT),
    ]
    bands = sheet.table(
        "bands", _l("Uptake by distance to the nearest meeting"),
        [Column("districts", _l("Postcode districts")), *columns],
        chart=Chart(("attended_pct",), percent=True),
    )  # fmt: skip
    table = sheet.table(
        "districts", _l("Uptake by postcode district"),
        [Column("km", _l("Nearest meeting (km)"), KM), *columns],
    )  # fmt: skip
    order = sorted(counts, key=lambda d: (distance[d] is None, distance[d] or 0, d))
    labels = [(str(lo), str(label)) for lo, _hi, label in BANDS]
    for band, label in [
        *labels,
        (UNKNOWN, str(_l("Distance unknown"))),
        ("~total", str(_l("All"))),
    ]:
        members = [d for d in order if band in (band_of(distance[d]), "~total")]
        row = bands.row(band, label)
        row.plain("districts", len(members), "count")
        for column, index in (("referrals", 0), ("attended", 1)):
            whole = row.count(column, sum(counts[d][index] for d in members))
            if band != "~total":
                sheet.total(whole, [table.ref(d, column) for d in members])
            else:
                sheet.measure(whole, column)
        row.share("attended_pct", "attended", "referrals")
    keys = [b for b, _x in labels] + [UNKNOWN]
    for column in ("referrals", "attended"):
        sheet.total(bands.ref("~total", column), [bands.ref(b, column) for b in keys])
    for district in order:
        row = table.row(district, district or str(_l("Not recorded")))
        row.plain("km", distance[district], KM)
        row.count("referrals", counts[district][0])
        row.count("attended", counts[district][1])
        row.share("attended_pct", "attended", "referrals")
    return sheet


def build(filters: Filters, suppress: bool) -> Report:
    """The uptake report for these filters, protected on its own (see linkage.build)."""
    return collect(filters).resolve(suppress)
