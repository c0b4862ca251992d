"""Finding meetings near a place: the spatial index first, exact distances second.

Phase one asks the database for the few columns needed to rank candidates inside a bounding
box (see geo/spatial.py); phase two loads full rows only for the page of results shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from community_hub.extensions import db
from community_hub.geo.nearby import DistanceFilter, within_box
from community_hub.geo.spatial import MAX_RADIUS_KM, distance_km
from community_hub.meetings.models import Attendance, Fellowship, Meeting
from community_hub.meetings.schedule import TIME_OF_DAY, Occurrence, next_occurrence

# Radii tried in turn for "the N nearest" until enough meetings are found.
NEAREST_STEPS_KM = (5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0, MAX_RADIUS_KM)
DEFAULT_LIMIT = 20
BANNER_SIZE = 3
MAX_LIMIT = 100


@dataclass
class MeetingQuery:
    """What a person asked for. Validation happens before this is built."""

    lat: float | None = None
    lng: float | None = None
    radius_km: float | None = None  # None: the `limit` nearest
    limit: int = DEFAULT_LIMIT
    days: frozenset[int] = frozenset()
    time_of_day: str | None = None
    within_hours: float | None = None  # starting (or running) within this many hours
    fellowships: frozenset[str] = frozenset()  # slugs
    types: frozenset[str] = frozenset()  # all of these codes
    modes: frozenset[str] = frozenset()  # Attendance values; empty means active ones
    sort: str = "distance"  # or "time"
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lng is not None


@dataclass
class MeetingResult:
    meeting: Meeting
    distance_km: float | None
    occurrence: Occurrence
    in_progress: bool


@dataclass
class SearchOutcome:
    results: list[MeetingResult]
    radius_km: float | None  # the radius actually searched
    total_within: int  # matches inside that radius, before the limit
    now_running: list[MeetingResult] = field(default_factory=list)  # in progress, any distance
    starting_next: list[MeetingResult] = field(default_factory=list)  # the next few to start


_CANDIDATE_COLUMNS = (
    Meeting.id,
    Meeting.latitude,
    Meeting.longitude,
    Meeting.day,
    Meeting.start_time,
    Meeting.end_time,
    Meeting.timezone,
)


def _filtered(query: MeetingQuery, stmt: Select[Any]) -> Select[Any]:
    """Apply every filter the database can answer from indexed or small columns."""
    stmt = stmt.where(Meeting.archived_at.is_(None))
    modes = query.modes or frozenset(
        {Attendance.IN_PERSON.value, Attendance.HYBRID.value, Attendance.ONLINE.value}
    )
    stmt = stmt.where(Meeting.attendance.in_(sorted(modes)))
    if query.days:
        stmt = stmt.where(Meeting.day.in_(sorted(query.days)))
    if query.time_of_day:
        start, end = TIME_OF_DAY[query.time_of_day]
        stmt = stmt.where(Meeting.start_time >= start, Meeting.start_time < end)
    if query.fellowships:
        ids = select(Fellowship.id).where(Fellowship.slug.in_(sorted(query.fellowships)))
        stmt = stmt.where(Meeting.fellowship_id.in_(ids))
    for code in sorted(query.types):
        stmt = stmt.where(Meeting.types.contains(f",{code},"))
    return stmt


def _rank(query: MeetingQuery, rows: Iterable[Any], radius_km: float | None) -> list[tuple]:
    """Distance and timing for each candidate; drop those outside the radius or time window."""
    ranked = []
    window_end = query.now + timedelta(hours=query.within_hours) if query.within_hours else None
    # Many meetings share a weekly slot: work out each slot's next occurrence once per search.
    occurrences: dict[tuple, Occurrence] = {}
    distances = DistanceFilter(query.lat, query.lng, radius_km) if query.located else None  # type: ignore[arg-type]
    # Rows unpack in _CANDIDATE_COLUMNS order: far cheaper than a Row's named attributes, and
    # a dense town can have hundreds of candidates.
    for meeting_id, latitude, longitude, day, start, end, zone_name in rows:
        dist = None
        if distances is not None and latitude is not None:
            dist = distances.km(latitude, longitude)
            if dist is None:
                continue
        slot = (day, start, end, zone_name)
        occurrence = occurrences.get(slot)
        if occurrence is None:
            occurrence = occurrences[slot] = next_occurrence(*slot, query.now)
        if window_end is not None and occurrence.start > window_end:
            continue
        ranked.append((dist, occurrence, meeting_id))
    if query.sort == "time" or not query.located:
        ranked.sort(key=_by_start)
    else:
        ranked.sort(key=lambda r: (r[0] if r[0] is not None else float("inf"), r[1].start, r[2]))
    return ranked


def _online_only(query: MeetingQuery) -> bool:
    return bool(query.modes) and query.modes <= {Attendance.ONLINE.value}


def search_meetings(query: MeetingQuery) -> SearchOutcome:
    """Meetings matching the query, nearest (or soonest) first."""
    base: Select[Any] = _filtered(query, select(*_CANDIDATE_COLUMNS))  # type: ignore[arg-type]
    radius = query.radius_km
    if not query.located or _online_only(query):
        # Online meetings are reachable from anywhere: no distance limit.
        ranked = _rank(query, db.session.execute(base), None)
        radius = None
    elif radius is not None:
        stmt = within_box(base, Meeting, query.lat, query.lng, radius)  # type: ignore[arg-type]
        ranked = _rank(query, db.session.execute(stmt), radius)
    else:
        ranked = []
        for step in NEAREST_STEPS_KM:
            stmt = within_box(base, Meeting, query.lat, query.lng, step)  # type: ignore[arg-type]
            ranked = _rank(query, db.session.execute(stmt), step)
            radius = step
            if len(ranked) >= query.limit:
                break
    page = ranked[: query.limit]
    running = [r for r in ranked if r[1].in_progress(query.now)][:BANNER_SIZE]
    upcoming = sorted((r for r in ranked if not r[1].in_progress(query.now)), key=_by_start)
    upcoming = upcoming[:BANNER_SIZE]
    loaded = _load({r[2] for r in (*page, *running, *upcoming)})
    exact: dict[int, float] = {}  # a meeting can be on the page and in a banner

    def result(row: tuple) -> MeetingResult:
        dist, occurrence, meeting_id = row
        meeting = loaded[meeting_id]
        if dist is not None and meeting.latitude is not None:
            # Ranking used the fast spherical formula; show the ellipsoidal (geodesic) figure.
            if meeting_id not in exact:
                exact[meeting_id] = distance_km(
                    query.lat,  # type: ignore[arg-type]
                    query.lng,  # type: ignore[arg-type]
                    meeting.latitude,
                    meeting.longitude,  # type: ignore[arg-type]
                )
            dist = exact[meeting_id]
        return MeetingResult(meeting, dist, occurrence, occurrence.in_progress(query.now))

    return SearchOutcome(
        results=[result(r) for r in page if r[2] in loaded],
        radius_km=radius,
        total_within=len(ranked),
        now_running=[result(r) for r in running if r[2] in loaded],
        starting_next=[result(r) for r in upcoming if r[2] in loaded],
    )


def _by_start(row: tuple) -> tuple:
    return (row[1].start, row[0] if row[0] is not None else 0.0, row[2])


def _load(ids: set[int]) -> dict[int, Meeting]:
    if not ids:
        return {}
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.id.in_(sorted(ids)))
        # Both are many-to-one: joined into the one query rather than two more round trips.
        .options(joinedload(Meeting.venue), joinedload(Meeting.fellowship))
    ).all()
    return {m.id: m for m in meetings}
