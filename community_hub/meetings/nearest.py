"""The nearest page of a dense search, without ranking every meeting in the radius.

Where meetings are dense (central London: 12,000 within 10 km on one day) ranking every
candidate in Python, distance and next time, costs far more than the search itself. For the
usual question (nearest first, no "starting within", no banner) only two things are needed:

- how many meetings lie inside the radius, and
- the first `wanted` of them in the ranking's order (distance, then time, then id).

Both come from the candidates' positions alone, read from the covering index. A flat-earth
distance (two multiplications) sorts every candidate into surely inside, surely outside, or
near the edge; only those near the edge get the ranking's own test (`DistanceFilter.km`,
which settles the radius on the ellipsoid). The flat distance is within a known factor
(1 ± margin) of the ranking's spherical one, so the meetings that can be in the first
`wanted` are those whose flat distance is within that factor of the `wanted`-th smallest;
only they are read in full and ranked by the same code as every other search. The result is
the full ranking's, cut at `wanted`: the same meetings in the same order, and the same total.
"""

from __future__ import annotations

import functools
import heapq
import math
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Select, select

from community_hub.extensions import db
from community_hub.geo.nearby import DistanceFilter
from community_hub.geo.spatial import EARTH_RADIUS_KM, SPHERE_ERROR
from community_hub.meetings.models import Meeting
from community_hub.sqlparams import one_of

if TYPE_CHECKING:
    from community_hub.meetings.search import MeetingQuery

KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180.0
# The flat distance is used only where it is close to the sphere's: small radii, away from
# the poles (its error grows with the radius and the tangent of the latitude).
FLAT_MAX_RADIUS_KM = 100.0
FLAT_MAX_LATITUDE = 75.0
FLAT_MAX_MARGIN = 0.05


def flat_margin(lat: float, radius_km: float) -> float | None:
    """How far (as a fraction) the flat distance may be from the sphere's, or None if too far.

    Scaling longitude by the centre's cosine is off by at most |tan(latitude)| × the
    latitude difference (in radians) at the furthest point, and the flat and spherical
    distances differ by less than (r/R)² besides; the margin is twice that, plus 0.2%.
    """
    furthest = abs(lat) + radius_km / KM_PER_DEGREE
    if radius_km > FLAT_MAX_RADIUS_KM or furthest > FLAT_MAX_LATITUDE:
        return None
    ratio = radius_km / EARTH_RADIUS_KM
    margin = 2.0 * ratio * math.tan(math.radians(furthest)) + 2.0 * ratio * ratio + 0.002
    return margin if margin <= FLAT_MAX_MARGIN else None


def applies(query: MeetingQuery, radius_km: float, wraps: bool | None) -> bool:
    """Whether this search can skip ranking every candidate (see the module's note)."""
    return (
        query.located
        and query.sort == "distance"
        and not query.within_hours
        and not query.banners
        and not wraps
        and flat_margin(query.lat, radius_km) is not None  # type: ignore[arg-type]
    )


@functools.lru_cache(maxsize=256)
def _positions(candidates: Select[Any]) -> Select[Any]:
    """The candidate statement, asking only for id and position (still index-only)."""
    columns = (Meeting.id, Meeting.latitude, Meeting.longitude)
    return cast("Select[Any]", candidates.with_only_columns(*columns))


@functools.cache
def _rows_statement(dialect: str, columns: tuple[Any, ...]) -> Select[Any]:
    return select(*columns).where(one_of(Meeting.id, "ids", dialect))


def nearest(
    query: MeetingQuery,
    candidates: Select[Any],
    params: dict[str, Any],
    radius_km: float,
    wanted: int,
    columns: tuple[Any, ...],
    rank: Any,
) -> tuple[list[tuple], int]:
    """The first `wanted` of the full ranking within `radius_km`, and how many it holds.

    `candidates`/`params` are the search's candidate statement and values for this radius,
    `columns` the ranking's columns and `rank` its ranking function (search._rank).
    """
    assert query.lat is not None and query.lng is not None
    margin = flat_margin(query.lat, radius_km)
    assert margin is not None
    execute = db.session.connection().execute
    lat0, lng0 = query.lat, query.lng
    ky = KM_PER_DEGREE
    kx = KM_PER_DEGREE * math.cos(math.radians(lat0))
    # In squared flat kilometres: surely inside (the ranking keeps it without the ellipsoid)
    # and surely outside (the ranking drops it).
    inner = (radius_km * (1 - SPHERE_ERROR) * (1 - margin)) ** 2
    outer = (radius_km * (1 + SPHERE_ERROR) * (1 + margin)) ** 2
    inside: list[tuple[float, int]] = []
    edge: list[tuple[float, int, float, float]] = []
    result = execute(_positions(candidates), params)
    try:
        # Plain tuples from the driver: an id and two floats need no conversion, and making
        # thousands of Row objects cost as much as reading them.
        positions = result.cursor.fetchall()
    finally:
        result.close()
    keep, near = inside.append, edge.append
    for meeting_id, lat, lng in positions:
        dy = (lat - lat0) * ky
        dx = (lng - lng0) * kx
        flat = dx * dx + dy * dy
        if flat <= inner:
            keep((flat, meeting_id))
        elif flat <= outer:
            near((flat, meeting_id, lat, lng))
    if edge:
        distances = DistanceFilter(lat0, lng0, radius_km)
        inside += [(f, i) for f, i, lat, lng in edge if distances.km(lat, lng) is not None]
    total = len(inside)
    if total > wanted:
        # The wanted-th smallest flat distance bounds the wanted-th spherical one; any
        # meeting that could rank before it is within the margin of that bound.
        kth = heapq.nsmallest(wanted, inside)[-1][0]
        bound = kth * ((1 + margin) / (1 - margin)) ** 2
        ids = [meeting_id for flat, meeting_id in inside if flat <= bound]
    else:
        ids = [meeting_id for _flat, meeting_id in inside]
    if not ids:
        return [], total
    statement = _rows_statement(db.engine.dialect.name, columns)
    rows = execute(statement, {"ids": sorted(ids)}).fetchall()
    return rank(query, rows, radius_km)[:wanted], total
