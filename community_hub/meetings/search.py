"""Finding meetings near a place: the spatial index first, exact distances second.

Phase one asks the database for the few columns needed to rank candidates inside a bounding
box (see geo/spatial.py); phase two loads full rows only for the page of results shown.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar, cast

from sqlalchemy import Select, any_, bindparam, func, select
from sqlalchemy.orm import joinedload

from community_hub import fulltext
from community_hub.extensions import db
from community_hub.geo.nearby import DistanceFilter, box_clause, box_params
from community_hub.geo.spatial import MAX_RADIUS_KM, SPHERE_ERROR, distance_km
from community_hub.meetings.listed import ListedMeeting, listed_meetings
from community_hub.meetings.models import Attendance, Fellowship, Meeting
from community_hub.meetings.occurrences import Rule, next_held
from community_hub.meetings.schedule import TIME_OF_DAY, Occurrence, next_occurrence
from community_hub.postgres import PLAN_EACH_TIME
from community_hub.sqlparams import named_rows, one_of

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
    offset: int = 0  # how many of the ranked matches come before this page
    words: tuple[str, ...] = ()  # keywords: every one must match (the last as a prefix)
    days: frozenset[int] = frozenset()
    time_of_day: str | None = None
    within_hours: float | None = None  # starting (or running) within this many hours
    fellowships: frozenset[str] = frozenset()  # slugs
    types: frozenset[str] = frozenset()  # all of these codes
    modes: frozenset[str] = frozenset()  # Attendance values; empty means active ones
    sort: str = "distance"  # or "time"
    banners: bool = False  # also find the "happening now" and "starting next" meetings
    # A "nearest N" search for a day or time stops widening here (how far people travel);
    # None: it widens until it finds N. Banners never show in-person meetings further away.
    max_travel_km: float | None = None
    counted: bool = True  # False: a radius search's total is only what it shows (no count shown)
    count_up_to: int | None = None  # a dense search's total past this many is "more than" it
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lng is not None


# The meeting a result holds: a Meeting, or a ListedMeeting for a page of cards.
class PlainMeeting(Protocol):
    """listing.plain_meetings' rows: read as a meeting is, where a result needs it."""

    latitude: float | None
    longitude: float | None


M = TypeVar("M", Meeting, ListedMeeting, PlainMeeting)


@dataclass
class MeetingResult(Generic[M]):
    meeting: M
    distance_km: float | None
    occurrence: Occurrence
    in_progress: bool


@dataclass
class SearchOutcome(Generic[M]):
    results: list[MeetingResult[M]]
    radius_km: float | None  # the radius actually searched
    total_within: int  # matches inside that radius, before the limit
    # True when a "nearest N" search stopped at the travelling distance with fewer than N.
    capped: bool = False
    now_running: list[MeetingResult[M]] = field(default_factory=list)  # in progress, any distance
    starting_next: list[MeetingResult[M]] = field(default_factory=list)  # the next few to start


_CANDIDATE_COLUMNS = (
    Meeting.id,
    Meeting.latitude,
    Meeting.longitude,
    Meeting.day,
    Meeting.start_time,
    Meeting.end_time,
    Meeting.timezone,
    Meeting.monthly_week,
    Meeting.changes_until,
)


_ACTIVE_MODES = sorted(
    {Attendance.IN_PERSON.value, Attendance.HYBRID.value, Attendance.ONLINE.value}
)


def candidate_query(query: MeetingQuery, radius_km: float | None) -> tuple[Select[Any], dict]:
    """The candidate statement for a search and the values to run it with.

    Every filter the database can answer from indexed or small columns; with a radius, the
    bounding box too (ix_meeting_geo_day, or ix_meeting_geo without a day). The statement is
    built once for each combination of filters and reused with new values.
    """
    params: dict[str, Any] = {"modes": sorted(query.modes) if query.modes else _ACTIVE_MODES}
    if len(query.days) == 1:
        (params["day"],) = query.days
    elif query.days:
        params["days"] = sorted(query.days)
    if query.time_of_day:
        params["from_time"], params["to_time"] = TIME_OF_DAY[query.time_of_day]
    if query.fellowships:
        params["fellowships"] = sorted(query.fellowships)
        params["fellowship"] = params["fellowships"][0]
    types = sorted(query.types)
    params.update({f"type_{i}": f",{code}," for i, code in enumerate(types)})
    dialect = db.engine.dialect.name
    if query.words:
        params["words"] = fulltext.match_expression(list(query.words), dialect)
    wraps = None
    if radius_km is not None:
        assert query.lat is not None and query.lng is not None
        wraps, box = box_params(query.lat, query.lng, radius_km)
        params.update(box)
    days = min(len(query.days), 2)  # none, one or several
    fellowships = min(len(query.fellowships), 2)  # any, one or several
    shape = (days, bool(query.time_of_day), fellowships, len(types), wraps)
    return _candidate_statement(dialect, *shape, bool(query.words)), params


@functools.lru_cache(maxsize=256)
def _candidate_statement(
    dialect: str,
    days: int,
    time_of_day: bool,
    fellowships: int,
    types: int,
    wraps: bool | None,
    words: bool = False,
) -> Select[Any]:
    stmt = cast("Select[Any]", select(*_CANDIDATE_COLUMNS)).where(
        Meeting.archived_at.is_(None), one_of(Meeting.attendance, "modes", dialect)
    )
    if days == 1:
        # One day (the usual question) is an equality, so PostgreSQL reads one index range
        # per band; it checks a list of days inside the index instead.
        stmt = stmt.where(Meeting.day == bindparam("day"))
    elif days:
        stmt = stmt.where(one_of(Meeting.day, "days", dialect))
    if time_of_day:
        stmt = stmt.where(
            Meeting.start_time >= bindparam("from_time"), Meeting.start_time < bindparam("to_time")
        )
    if fellowships:
        ids = select(Fellowship.id).where(one_of(Fellowship.slug, "fellowships", dialect))
        if dialect == "postgresql" and fellowships == 1 and days:
            # One fellowship (the usual question) as one value worked out before the scan, so
            # PostgreSQL costs one range per band and day in ix_meeting_geo_day_fellowship:
            # given a list of unknown length it guesses ten, and on sparse data it chose
            # ix_meeting_geo and read the table instead. (Without a day, an equality would
            # draw it to the fellowship's own index, every meeting of that fellowship.)
            one = select(Fellowship.id).where(Fellowship.slug == bindparam("fellowship"))
            stmt = stmt.where(Meeting.fellowship_id == one.scalar_subquery())
        elif dialect == "postgresql":
            # `= ANY(ARRAY(...))` is worked out once, before the scan, and then checked inside
            # the index; PostgreSQL would join `IN (subquery)` to every candidate row.
            stmt = stmt.where(Meeting.fellowship_id == any_(func.array(ids.scalar_subquery())))
        else:
            stmt = stmt.where(Meeting.fellowship_id.in_(ids))  # SQLite runs it once anyway
    for i in range(types):
        stmt = stmt.where(Meeting.types.contains(bindparam(f"type_{i}")))
    if wraps is not None:
        stmt = stmt.where(box_clause(Meeting, wraps, dialect))
    if words:
        # How many meetings hold the words decides the plan (postgres.PLAN_EACH_TIME).
        stmt = stmt.where(fulltext.matches("meeting", dialect)).execution_options(**PLAN_EACH_TIME)
    return stmt


def _rank(query: MeetingQuery, rows: Iterable[Any], radius_km: float | None) -> list[tuple]:
    """Distance and timing for each candidate; drop those outside the radius or time window."""
    ranked = []
    window_end = query.now + timedelta(hours=query.within_hours) if query.within_hours else None
    # Many meetings share a weekly slot: work out each slot's next occurrence once per search.
    occurrences: dict[tuple, Occurrence] = {}
    distances = DistanceFilter(query.lat, query.lng, radius_km) if query.located else None  # type: ignore[arg-type]
    # A meeting with one-off changes still to come is timed with them (a query for those few
    # only); every other meeting from its regular rule alone.
    changes_from = query.now.date() - timedelta(days=2)
    changed: list[tuple[float | None, int, Rule]] = []
    # Rows unpack in _CANDIDATE_COLUMNS order: far cheaper than a Row's named attributes, and
    # a dense town can have hundreds of candidates.
    for meeting_id, latitude, longitude, day, start, end, zone_name, monthly, until in rows:
        dist = None
        if distances is not None and latitude is not None:
            dist = distances.km(latitude, longitude)
            if dist is None:
                continue
        if until is not None and until >= changes_from:
            changed.append((dist, meeting_id, Rule(day, start, end, zone_name, monthly)))
            continue
        slot = (day, start, end, zone_name, monthly)
        occurrence = occurrences.get(slot)
        if occurrence is None:
            occurrence = occurrences[slot] = next_occurrence(
                day, start, end, zone_name, query.now, monthly
            )
        if window_end is not None and occurrence.start > window_end:
            continue
        ranked.append((dist, occurrence, meeting_id))
    if changed:
        ranked += _with_changes(changed, query.now, window_end)
    if query.sort == "time" or not query.located:
        ranked.sort(key=_by_start)
    else:
        ranked.sort(key=lambda r: (r[0] if r[0] is not None else float("inf"), r[1].start, r[2]))
    return ranked


def _with_changes(
    changed: list[tuple[float | None, int, Rule]], now: datetime, window_end: datetime | None
) -> list[tuple]:
    """Rank entries for meetings with one-off changes, timed with those changes."""
    from community_hub.meetings.one_offs import changes_for

    changes = changes_for([meeting_id for _dist, meeting_id, _rule in changed])
    ranked = []
    for dist, meeting_id, rule in changed:
        occurrence = next_held(rule, changes.get(meeting_id, []), now)
        if window_end is None or occurrence.start <= window_end:
            ranked.append((dist, occurrence, meeting_id))
    return ranked


def _online_only(query: MeetingQuery) -> bool:
    return bool(query.modes) and query.modes <= {Attendance.ONLINE.value}


@dataclass
class Ranking:
    """A search's matches, best first, before any full row is read."""

    ranked: list[tuple]  # (ranking distance or None, Occurrence, meeting id)
    radius_km: float | None  # the radius actually searched
    capped: bool = False  # stopped at the travelling distance with fewer than `limit`
    # Matches within the radius. The same as len(ranked), except where only the first
    # offset + limit were ranked (meetings/nearest.py): then `ranked` holds just those.
    total: int = -1
    exact: bool = True  # False: more than `total` match (MeetingQuery.count_up_to)

    def __post_init__(self) -> None:
        if self.total < 0:
            self.total = len(self.ranked)


def nearest_steps(query: MeetingQuery) -> tuple[float, ...]:
    """The radii a "nearest N" search tries in turn, stopping at the travelling distance."""
    cap = query.max_travel_km
    if cap is None or not (query.days or query.time_of_day or query.within_hours):
        return NEAREST_STEPS_KM
    return (*(step for step in NEAREST_STEPS_KM if step < cap), cap)


def _within(query: MeetingQuery, radius_km: float) -> tuple[list[tuple], int, bool]:
    """The ranked matches within a radius and how many there are: all of them, or only the
    first offset + limit where a dense search need not rank the rest (meetings/nearest.py)."""
    from community_hub.meetings import nearest

    statement, params = candidate_query(query, radius_km)
    wraps = params["box_min_lng"] > params["box_max_lng"]
    if nearest.applies(query, radius_km, wraps):
        wanted = query.offset + query.limit
        return nearest.nearest(
            query, statement, params, radius_km, wanted, _CANDIDATE_COLUMNS, _rank
        )
    ranked = _rank(query, named_rows(statement, params), radius_km)
    return ranked, len(ranked), True


def rank_meetings(query: MeetingQuery) -> Ranking:
    """Phase one: the matches ranked from the index's columns alone."""
    radius = query.radius_km
    if not query.located or _online_only(query):
        # Online meetings are reachable from anywhere: no distance limit.
        ranked = _rank(query, named_rows(*candidate_query(query, None)), None)
        return Ranking(ranked, None)
    if radius is not None:
        ranked, total, exact = _within(query, radius)
        return Ranking(ranked, radius, total=total, exact=exact)
    ranked, total, exact = [], 0, True
    wanted = query.offset + query.limit
    steps = nearest_steps(query)
    for step in steps:
        ranked, total, exact = _within(query, step)
        radius = step
        if total >= wanted:
            break
    capped = total < wanted and steps[-1] != NEAREST_STEPS_KM[-1]
    return Ranking(ranked, radius, capped=capped, total=total, exact=exact)


def shown_distance(
    query: MeetingQuery, ranked_km: float | None, lat: float | None, lng: float | None
) -> float | None:
    """Ranking used the fast spherical formula; show the ellipsoidal (geodesic) figure."""
    if ranked_km is None or lat is None or lng is None:
        return ranked_km
    return distance_km(query.lat, query.lng, lat, lng)  # type: ignore[arg-type]


def search_meetings(query: MeetingQuery) -> SearchOutcome[Meeting]:
    """Meetings matching the query, nearest (or soonest) first, as full rows."""
    return search_with(query, _load)


def search_listed(query: MeetingQuery) -> SearchOutcome[ListedMeeting]:
    """The same, with each meeting as a page of cards shows it (meetings/listed.py)."""
    return search_with(query, listed_meetings)


def search_with(
    query: MeetingQuery, load: Callable[[set[int]], Mapping[int, M]]
) -> SearchOutcome[M]:
    """Meetings matching the query, ranked, then the shown ones loaded by `load`."""
    ranking = rank_meetings(query)
    ranked = ranking.ranked
    page: list[tuple] = ranked[query.offset : query.offset + query.limit]
    running: list[tuple] = []
    upcoming: list[tuple] = []
    if query.banners:
        near = [r for r in ranked if _within_travel(query, r[0])]
        running = [r for r in near if r[1].in_progress(query.now)][:BANNER_SIZE]
        upcoming = sorted((r for r in near if not r[1].in_progress(query.now)), key=_by_start)
        upcoming = upcoming[:BANNER_SIZE]
    loaded = load({r[2] for r in (*page, *running, *upcoming)})
    exact: dict[int, float | None] = {}  # a meeting can be on the page and in a banner

    def result(row: tuple) -> MeetingResult[M]:
        dist, occurrence, meeting_id = row
        meeting = loaded[meeting_id]
        if meeting_id not in exact:
            exact[meeting_id] = shown_distance(query, dist, meeting.latitude, meeting.longitude)
        return MeetingResult(
            meeting, exact[meeting_id], occurrence, occurrence.in_progress(query.now)
        )

    return SearchOutcome(
        results=[result(r) for r in page if r[2] in loaded],
        radius_km=ranking.radius_km,
        total_within=ranking.total,
        capped=ranking.capped,
        now_running=[result(r) for r in running if r[2] in loaded],
        starting_next=[result(r) for r in upcoming if r[2] in loaded],
    )


def _within_travel(query: MeetingQuery, ranked_km: float | None) -> bool:
    """Whether a banner may show this meeting: online ones (no distance) always may."""
    cap = query.max_travel_km
    return ranked_km is None or cap is None or ranked_km <= cap * (1 + SPHERE_ERROR)


def _by_start(row: tuple) -> tuple:
    return (row[1].start, row[0] if row[0] is not None else 0.0, row[2])


def _load(ids: set[int]) -> dict[int, Meeting]:
    if not ids:
        return {}
    statement = _load_statement(db.engine.dialect.name)
    meetings = db.session.scalars(statement, {"ids": sorted(ids)}).all()
    return {m.id: m for m in meetings}


@functools.cache
def _load_statement(dialect: str) -> Select[Any]:
    """Built on first use, once every model is mapped; reused with new ids."""
    return (
        select(Meeting)
        .where(one_of(Meeting.id, "ids", dialect))
        # Both are many-to-one: joined into the one query rather than two more round trips.
        .options(joinedload(Meeting.venue), joinedload(Meeting.fellowship))
    )
