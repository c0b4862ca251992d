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

The database computes the flat distance itself. Where there are few candidates (fewer than
SPARSE: most searches), one statement reads them with the columns the ranking needs, and they
are ranked as ever. Up to MEDIUM, their positions alone are read and settled in Python, then
the page's rows. Beyond that (a dense town), Python never sees the thousands in between: one
pass over the index counts the surely-inside candidates and names the few near the edge,
whose positions are then read and settled; that is the total. The page then comes from a
circle just wide enough to hold it on average (from the total), read nearest first: where
that circle turns out too small (the search's centre is emptier than the rest), it doubles,
up to the whole radius. A circle settles the page only if the bound above lies inside what it
read. A search that shows no total (the nearby lists: `counted=False`) skips the count: once
the sparse read comes back full, its page comes from a circle sized for that many. A search
that counts only so far (`count_up_to`: the JSON API's 400) first counts those surely within a
quarter of the radius, stopping one past that many; where it gets there it says "more than
400" and reads the page from a circle sized by how crowded the middle is: in central London
the full count was 5 to 9 ms of a 13 to 17 ms search. Otherwise, where the middle suggests
a few hundred in all, their positions are read as for any such search (the total is exact, or
"more than 400" past it), and the whole radius is counted, again stopping one past the cap,
only where there turn out to be more than MEDIUM; where the middle suggests more, the whole
radius is counted first. (It was always counted first: one statement more for every search
of a few hundred, the slowest searches of the world's data.)
"""

from __future__ import annotations

import functools
import heapq
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import BindParameter, ColumnElement, Select, String, bindparam, case, func, select
from sqlalchemy import cast as cast_

from community_hub.extensions import db
from community_hub.geo.flat import FlatCircle, flat_margin, flat_sq
from community_hub.geo.nearby import box_params, widened
from community_hub.geo.spatial import SPHERE_ERROR
from community_hub.meetings.models import Meeting
from community_hub.postgres import PLAN_EACH_TIME
from community_hub.sqlparams import named_rows, one_of, plain_rows

if TYPE_CHECKING:
    from community_hub.meetings.search import MeetingQuery

# The page is read from a circle expected to hold this many times the meetings it shows.
READ_AHEAD = 3.0
# Fewer candidates than this (most searches): read with the ranking's columns and ranked.
SPARSE = 64
# Fewer than this: their positions are read and settled in Python, the page's rows after.
MEDIUM = 500
# Rows read nearest first, at most, for a dense search's page.
CLOSEST = 200
# The radius's area in circles of a quarter of it: how a count of the middle scales up.
QUARTERS = 16


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


def _flat() -> ColumnElement[Any]:
    """The squared flat distance in km², in SQL (the same formula as `_classify` uses)."""
    return flat_sq(Meeting)


# A candidate's id and position: all the dense ways read before the page.
POSITION = (Meeting.id, Meeting.latitude, Meeting.longitude)


@functools.lru_cache(maxsize=256)
def _positions(candidates: Select[Any]) -> Select[Any]:
    """The candidate statement, asking only for id and position (still index-only)."""
    return cast("Select[Any]", candidates.with_only_columns(*POSITION))


@functools.lru_cache(maxsize=256)
def _closest(candidates: Select[Any]) -> Select[Any]:
    """The ranking's columns and the flat distance (last) of the nearest candidates within
    `flat_reach`: the page's rows come with them, with no second read."""
    flat = _flat()
    stmt = candidates.add_columns(flat).where(flat <= bindparam("flat_reach"))
    return cast("Select[Any]", stmt.order_by(flat).limit(bindparam("flat_limit")))


@functools.lru_cache(maxsize=256)
def _some(candidates: Select[Any]) -> Select[Any]:
    """Up to `flat_limit` candidates not surely outside, with the ranking's columns, in no
    order: all of them where there are fewer (it stops at the limit, so a dense town costs
    little here)."""
    stmt = candidates.where(_flat() <= bindparam("flat_outer"))
    return stmt.limit(bindparam("flat_limit"))


@functools.lru_cache(maxsize=256)
def _some_positions(candidates: Select[Any]) -> Select[Any]:
    """Id and position of up to `flat_limit` candidates not surely outside, in no order."""
    stmt = _positions(candidates).where(_flat() <= bindparam("flat_outer"))
    return stmt.limit(bindparam("flat_limit"))


@functools.lru_cache(maxsize=256)
def _surely_up_to(candidates: Select[Any]) -> Select[Any]:
    """How many candidates are surely inside, counting no further than `count_limit`."""
    inside = _positions(candidates).where(_flat() <= bindparam("flat_inner"))
    return select(func.count()).select_from(inside.limit(bindparam("count_limit")).subquery())


@functools.lru_cache(maxsize=256)
def _tally(candidates: Select[Any]) -> Select[Any]:
    """In one pass: how many candidates are surely inside, and the ids of those on the edge."""
    flat = _flat()
    inner: BindParameter[float] = bindparam("flat_inner")
    surely = func.coalesce(func.sum(case((flat <= inner, 1), else_=0)), 0)
    edge = func.aggregate_strings(case((flat > inner, cast_(Meeting.id, String))), ",")
    stmt = candidates.with_only_columns(surely, edge).where(flat <= bindparam("flat_outer"))
    # Planned for its values: a generic plan counted central London's 12,000 in 6.7 ms, not 4.9.
    return cast("Select[Any]", stmt.execution_options(**PLAN_EACH_TIME))


@functools.cache
def _rows_statement(dialect: str, columns: tuple[Any, ...]) -> Select[Any]:
    return select(*columns).where(one_of(Meeting.id, "ids", dialect))


def closest_limit(wanted: int) -> int:
    """How many of the nearest rows to read at most: the page and the ties after it."""
    return max(CLOSEST, 2 * wanted)


def nearest(
    query: MeetingQuery,
    candidates: Select[Any],
    params: dict[str, Any],
    radius_km: float,
    wanted: int,
    columns: tuple[Any, ...],
    rank: Any,
) -> tuple[list[tuple], int, bool]:
    """The first `wanted` of the full ranking within `radius_km`, how many it holds, and
    whether that is exact: with `query.count_up_to`, a dense search where more than that many
    are surely inside says so (that number, False) rather than counting them all.

    `candidates`/`params` are the search's candidate statement and values for this radius,
    `columns` the ranking's columns and `rank` its ranking function (search._rank).
    """
    assert query.lat is not None and query.lng is not None
    margin = flat_margin(query.lat, radius_km)
    assert margin is not None
    circle = FlatCircle(query.lat, query.lng, radius_km, margin)
    values = {**params, **circle.values()}
    # Where meetings are sparse (most of the world), one short statement reads them all.
    found = named_rows(_some(candidates), {**values, "flat_limit": SPARSE})
    if len(found) < SPARSE:  # every candidate the ranking could keep: rank them, as ever
        ranked = rank(query, found, radius_km)
        return ranked[:wanted], len(ranked), True
    if not query.counted and query.radius_km is not None:  # no total: straight to the page
        # At least SPARSE candidates: a circle that would hold READ_AHEAD pages of that many.
        reach = radius_km * min(1.0, math.sqrt(READ_AHEAD * wanted / SPARSE))
        rows = _page_rows(circle, candidates, values, wanted, columns, reach)
        ranked = rank(query, rows, radius_km)[:wanted]
        return ranked, len(ranked), True
    cap = query.count_up_to or 0
    capped = wanted < cap
    held = _in_middle(circle, candidates, values, cap) if capped else 0
    crowded = held > cap
    counted = False  # whether the whole radius has been counted to one past the cap
    if capped and not crowded and QUARTERS * held >= MEDIUM:  # the middle says more than that
        crowded, counted = _surely_more(candidates, values, cap), True
    if not crowded:
        positions = plain_rows(_some_positions(candidates), {**values, "flat_limit": MEDIUM})
        if len(positions) < MEDIUM:  # a few hundred: settled in Python from their positions
            ids, total = _classify(circle, positions, wanted)
            ranked = rank(query, _rows_of(ids, columns), radius_km)[:wanted]
            return (ranked, cap, False) if capped and total > cap else (ranked, total, True)
        if not capped or counted or not _surely_more(candidates, values, cap):
            rows, total = _dense(circle, candidates, values, wanted, columns)
            return rank(query, rows, radius_km)[:wanted], total, True
    # More than the cap: the page from a circle sized for as many as there seem to be.
    many = max(cap + 1.0, float(QUARTERS * held))
    reach = radius_km * min(1.0, math.sqrt(READ_AHEAD * wanted / many))
    rows = _page_rows(circle, candidates, values, wanted, columns, reach)
    return rank(query, rows, radius_km)[:wanted], cap, False


def _rows_of(ids: Iterable[int], columns: tuple[Any, ...]) -> list[tuple]:
    """The ranking's rows for these meetings."""
    if not ids:
        return []
    statement = _rows_statement(db.engine.dialect.name, columns)
    return [tuple(row) for row in named_rows(statement, {"ids": sorted(ids)})]


def _dense(
    circle: FlatCircle,
    candidates: Select[Any],
    values: dict[str, Any],
    wanted: int,
    columns: tuple[Any, ...],
) -> tuple[list[tuple], int]:
    """The rows that can be on the page and the total where there are many candidates."""
    total = _total(circle, candidates, values)
    if not total:
        return [], 0
    reach = circle.radius_km * min(1.0, math.sqrt(READ_AHEAD * wanted / total))
    return _page_rows(circle, candidates, values, wanted, columns, reach), total


def _page_rows(
    circle: FlatCircle,
    candidates: Select[Any],
    values: dict[str, Any],
    wanted: int,
    columns: tuple[Any, ...],
    reach: float,
) -> list[tuple]:
    """The rows that can be on the page, from a circle of `reach` km that doubles until it
    settles the page."""
    while (found := _page(circle, candidates, values, reach, wanted)) is None:
        reach = widened(reach, 2 * reach, circle.radius_km)
    if isinstance(found, set):  # only the ids: every position was read
        return _rows_of(found, columns)
    return found


def _in_middle(
    circle: FlatCircle, candidates: Select[Any], values: dict[str, Any], cap: int
) -> int:
    """How many candidates are surely within a quarter of the radius, counted to one past
    `cap`: past it, the search is crowded and its total is "more than `cap`", and QUARTERS
    times this says about how many there are."""
    quarter = circle.radius_km / 4
    _wraps, box = box_params(circle.lat, circle.lng, quarter)
    inner = (quarter * (1 - SPHERE_ERROR) * (1 - circle.margin)) ** 2  # surely within it
    return _surely_inside(candidates, {**values, **box, "flat_inner": inner}, cap)


def _surely_more(candidates: Select[Any], values: dict[str, Any], cap: int) -> bool:
    """Whether more than `cap` candidates are surely inside the whole radius."""
    return _surely_inside(candidates, values, cap) > cap


def _surely_inside(candidates: Select[Any], values: dict[str, Any], cap: int) -> int:
    """How many candidates are surely within `flat_inner` of the centre, counted to one past
    `cap` at most."""
    counting = {**values, "count_limit": cap + 1}
    return int(named_rows(_surely_up_to(candidates), counting)[0][0])


def _total(circle: FlatCircle, candidates: Select[Any], values: dict[str, Any]) -> int:
    """How many candidates the ranking keeps within the radius."""
    ((surely, edge),) = named_rows(_tally(candidates), values)
    if not edge:
        return int(surely)
    ids = sorted(int(i) for i in edge.split(","))
    rows = plain_rows(_rows_statement(db.engine.dialect.name, POSITION), {"ids": ids})
    return int(surely) + sum(circle.distances.km(lat, lng) is not None for _i, lat, lng in rows)


def _page(
    circle: FlatCircle, candidates: Select[Any], values: dict[str, Any], reach: float, wanted: int
) -> list[tuple] | set[int] | None:
    """The rows that can be on the page, read nearest first within `reach` km of the centre
    (only their ids when every position had to be read); None when that circle cannot tell
    (too few in it, or ties running past what was read)."""
    whole = reach >= circle.radius_km
    limit = closest_limit(wanted)
    if whole:
        bounds = {"flat_reach": circle.outer}
    else:
        _wraps, box = box_params(circle.lat, circle.lng, reach)
        # Surely within `reach` (and so surely inside the radius): the box holds all of them.
        bounds = {**box, "flat_reach": (reach * (1 - SPHERE_ERROR) * (1 - circle.margin)) ** 2}
    rows = named_rows(_closest(candidates), {**values, **bounds, "flat_limit": limit})
    inside = [(r[-1], r[0]) for r in rows if circle.inside(r[-1], r[1], r[2])]
    settled = False
    if len(rows) < limit and (whole or len(inside) >= wanted):
        covered = bounds["flat_reach"]  # every candidate this close was read
        settled = whole or circle.bound(inside[wanted - 1][0]) <= covered
    elif len(rows) == limit and len(inside) >= wanted:
        # Read up to the limit: only distances below the last row's are surely all read.
        settled = circle.bound(inside[wanted - 1][0]) < rows[-1][-1]
    if settled:
        ids = set(_page_ids(circle, inside, wanted))
        return [tuple(r[:-1]) for r in rows if r[0] in ids]
    if whole:
        return set(_everything(circle, candidates, values, wanted))
    return None


def _page_ids(circle: FlatCircle, inside: list[tuple[float, int]], wanted: int) -> list[int]:
    if len(inside) <= wanted:
        return [meeting_id for _flat, meeting_id in inside]
    bound = circle.bound(heapq.nsmallest(wanted, inside)[-1][0])
    return [meeting_id for flat, meeting_id in inside if flat <= bound]


def _everything(
    circle: FlatCircle, candidates: Select[Any], params: dict[str, Any], wanted: int
) -> list[int]:
    """The page's ids from every candidate's position (the rare case the nearest rows read
    cannot settle the page: ties running past them)."""
    positions = plain_rows(_positions(candidates), params)
    return _classify(circle, positions, wanted)[0]


def _classify(circle: FlatCircle, positions: list[tuple], wanted: int) -> tuple[list[int], int]:
    """The page's ids and the total from candidates' (id, latitude, longitude)."""
    lat0, lng0, ky, kx = circle.lat, circle.lng, circle.ky, circle.kx
    inner, outer = circle.inner, circle.outer
    inside: list[tuple[float, int]] = []
    edge: list[tuple[float, int, float, float]] = []
    keep, near = inside.append, edge.append
    for meeting_id, lat, lng in positions:
        dy = (lat - lat0) * ky
        dx = (lng - lng0) * kx
        flat = dx * dx + dy * dy
        if flat <= inner:
            keep((flat, meeting_id))
        elif flat <= outer:
            near((flat, meeting_id, lat, lng))
    inside += [(f, i) for f, i, lat, lng in edge if circle.distances.km(lat, lng) is not None]
    return _page_ids(circle, inside, wanted), len(inside)
