"""Paging through public HSDS services and places, in a stable order or nearest a place first.

In order: each kind (hsds_kinds.py) is counted, the page's window is cut from the kinds laid
end to end (each in key order), and each kind is read with LIMIT/OFFSET, so a page never
loads more than it shows.

Near a place: each kind's rows in the bounding box (its spatial index, geo/nearby.py) are
ranked in SQL by a flat-earth distance that follows the meridians' convergence (within 0.25%
of the spherical distance up to 500 km, up to latitude 75), so the database counts them and
hands back only the page's nearest, from a covering index (ix_service_geo, ix_meeting_geo).
The few rows too close to the edge for that estimate to settle are checked with
DistanceFilter (the geodesic at the edge), as every other search does.

By id: see hsds_ids.py.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    union_all,
)

from community_hub.extensions import db
from community_hub.geo.nearby import DistanceFilter, box_clause, box_params
from community_hub.geo.spatial import EARTH_RADIUS_KM, SPHERE_ERROR
from community_hub.interop.hsds import Record
from community_hub.interop.hsds_kinds import NEAR_WHERE, SERVICES, Kind, hsds_record
from community_hub.interop.oruk_filters import Filters, conditions
from community_hub.sqlparams import one_of

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
KM_PER_DEGREE = math.pi / 180 * EARTH_RADIUS_KM
FLAT_ERROR = 0.005  # the flat estimate against the sphere, up to 500 km and latitude 75
ToRecord = Callable[[Kind, Any], Record]


@dataclass(frozen=True)
class Near:
    latitude: float
    longitude: float
    radius_km: float


@dataclass(frozen=True)
class ListQuery:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    filters: Filters = field(default_factory=Filters)
    near: Near | None = None


def page_shape(page: int, per_page: int, total: int, contents: list[Record]) -> Record:
    """The HSDS `Page` wrapper around one page of records."""
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def page_of(kinds: Sequence[Kind], query: ListQuery, to_record: ToRecord) -> Record:
    """One page of the kinds' public rows that pass the query's filters."""
    found = _nearest(kinds, query) if query.near else _in_order(kinds, query)
    rows, total = found
    contents = [to_record(kind, row) for kind, row in rows]
    return page_shape(query.page, query.per_page, total, contents)


def _where(kind: Kind, filters: Filters) -> list[ColumnElement[bool]]:
    return conditions(kind.owner, filters)


def _in_order(kinds: Sequence[Kind], query: ListQuery) -> tuple[list[tuple[Kind, Any]], int]:
    counts = [
        db.session.scalar(kind.select(func.count()).where(*_where(kind, query.filters))) or 0
        for kind in kinds
    ]
    start, wanted = (query.page - 1) * query.per_page, query.per_page
    rows: list[tuple[Kind, Any]] = []
    for kind, count in zip(kinds, counts, strict=True):
        if wanted <= 0:
            break
        if start >= count:
            start -= count
            continue
        stmt = (
            kind.select(kind.entity)
            .where(*_where(kind, query.filters))
            .options(*kind.page_options)
            .order_by(kind.key)
            .offset(start)
            .limit(min(wanted, count - start))
        )
        window = list(db.session.scalars(stmt))
        rows += [(kind, row) for row in window]
        wanted -= len(window)
        start = 0
    return rows, sum(counts)


@functools.cache
def _flat_distance(model: Any, wraps: bool) -> ColumnElement[float]:
    """Squared distance in degrees from the bound origin, the longitude scaled by the cosine of
    the mean latitude (to first order: cos(lat0) - sin(lat0) * dlat / 2). Arithmetic only, so
    SQLite and PostgreSQL compute the same thing."""
    dlat = model.latitude - bindparam("o_lat", type_=Float)
    dlng = model.longitude - bindparam("o_lng", type_=Float)
    if wraps:
        dlng = case((dlng > 180, dlng - 360), (dlng < -180, dlng + 360), else_=dlng)
    scale = bindparam("o_cos", type_=Float) - bindparam("o_half_sin", type_=Float) * dlat
    dx = dlng * scale
    return dx * dx + dlat * dlat


@functools.cache
def _square(model: Any) -> ColumnElement[bool]:
    """Inside the square inscribed in the circle (bound by `_square_params`): surely inside,
    without any arithmetic, so a census computes distances for hardly more than the corners.
    (Adding the crossing bars of an octagon saved nothing measurable on SQLite.)"""
    return and_(
        model.latitude.between(bindparam("sq_min_lat"), bindparam("sq_max_lat")),
        model.longitude.between(bindparam("sq_min_lng"), bindparam("sq_max_lng")),
    )


def _square_params(near: Near, radius: float) -> dict[str, float]:
    """A square (in degrees) whose every point is within `radius` degrees of arc of the
    centre; empty where it would cross the 180th meridian or come near a pole."""
    half = radius / math.sqrt(2)
    low, high = near.latitude - half, near.latitude + half
    nearest_equator = 0.0 if low <= 0 <= high else min(abs(low), abs(high))
    widest = half / math.cos(math.radians(nearest_equator))
    west, east = near.longitude - widest, near.longitude + widest
    if high >= 89 or low <= -89 or west < -180 or east > 180:
        low, high, west, east = 1.0, 0.0, 1.0, 0.0  # nothing is between these
    return {"sq_min_lat": low, "sq_max_lat": high, "sq_min_lng": west, "sq_max_lng": east}


def _origin(near: Near) -> dict[str, float]:
    lat = math.radians(near.latitude)
    return {
        "o_lat": near.latitude,
        "o_lng": near.longitude,
        "o_cos": math.cos(lat),
        "o_half_sin": math.sin(lat) * math.pi / 360,
    }


class _Circle:
    """The circle around a place: its box, the square inside it, the origin of the flat
    distance, and the two radii (squared, in degrees) between which the flat estimate cannot
    tell inside from outside."""

    def __init__(self, near: Near, share: float = 1.0):
        self.near, self.radius_km = near, near.radius_km * share
        margin = SPHERE_ERROR + (FLAT_ERROR if abs(near.latitude) <= 75 else 0.25)
        radius = self.radius_km / KM_PER_DEGREE
        self.inner, self.outer = (radius * (1 - margin)) ** 2, (radius * (1 + margin)) ** 2
        self.wraps, box = box_params(near.latitude, near.longitude, self.radius_km)
        self.params = box | _origin(near) | _square_params(near, radius * (1 - margin))
        self.params |= {"c_inner": self.inner, "c_outer": self.outer}

    def rows(self, kind: Kind, filters: Filters, *columns: Any) -> Select[Any]:
        """The kind's rows that pass the filters, in the box; `flat(kind)` is available."""
        located = kind.located
        assert located is not None
        return located(kind.select(*columns)).where(
            *_where(kind, filters),
            *NEAR_WHERE.get(kind.owner, ()),
            box_clause(kind.place, self.wraps, db.engine.dialect.name),
        )

    def flat(self, kind: Kind) -> ColumnElement[float]:
        return _flat_distance(kind.place, self.wraps)


def _nearest(kinds: Sequence[Kind], query: ListQuery) -> tuple[list[tuple[Kind, Any]], int]:
    """Every kind's rows within the radius, nearest first, and how many there are.

    One statement counts every kind's rows within the radius (those in the square inside the
    circle without any arithmetic) and lists, with their positions, the few too close to the
    edge to tell, which are settled one by one. Then, for each kind with rows surely inside,
    one statement reads the nearest the page can need; where they are dense (a city centre)
    it looks in a smaller circle first, which holds them if it holds enough.
    """
    assert query.near is not None
    circle, filters = _Circle(query.near), query.filters
    wanted = query.page * query.per_page
    located = [(index, kind) for index, kind in enumerate(kinds) if kind.located is not None]
    if not located:
        return [], 0
    census = _census_of(tuple(located), circle, filters)
    edge = DistanceFilter(query.near.latitude, query.near.longitude, query.near.radius_km)
    ranked: list[tuple[float, int, Any]] = []
    total = 0
    for index, candidates, listing in db.session.execute(census, circle.params):
        kind = kinds[index]
        near_edge = listing.split(",") if listing else []
        surely_inside = candidates - len(near_edge)
        total += surely_inside
        key_type = kind.key.type.python_type
        for entry in near_edge:
            key, lat, lng, distance = entry.split(" ")
            if edge.km(float(lat), float(lng)) is not None:
                ranked.append((float(distance), index, key_type(key)))
                total += 1
        if surely_inside:
            nearest = _nearest_inside(kind, filters, query.near, wanted, surely_inside)
            ranked += [(distance, index, key) for distance, key in nearest]
    ranked.sort()
    start = (query.page - 1) * query.per_page
    window = ranked[start : start + query.per_page]
    rows: dict[int, dict[Any, Any]] = {}
    for index in {i for _d, i, _k in window}:
        rows[index] = load(kinds[index], [k for _d, i, k in window if i == index])
    return [(kinds[i], rows[i][key]) for _d, i, key in window if key in rows[i]], total


_UNFILTERED: dict[tuple[Any, ...], Any] = {}  # statements without filters, built once
# Every value a statement near a place needs is a named parameter (_Circle.params), so one
# statement serves every circle.
INNER = bindparam("c_inner", type_=Float)
OUTER = bindparam("c_outer", type_=Float)


def _census_of(located: tuple[tuple[int, Kind], ...], circle: _Circle, filters: Filters) -> Any:
    """One statement for every kind's census. Without filters (the usual question: what is
    near here) it is built once, which saves more time than running it takes in most places."""
    key = (tuple(kind.name for _i, kind in located), circle.wraps, db.engine.dialect.name)
    if filters == Filters() and key in _UNFILTERED:
        return _UNFILTERED[key]
    census = union_all(*(_census(circle, index, kind, filters) for index, kind in located))
    if filters == Filters():
        _UNFILTERED[key] = census
    return census


def _census(circle: _Circle, index: int, kind: Kind, filters: Filters) -> Select[Any]:
    """(index, how many rows may be inside, "key lat lng distance" of those near the edge)."""
    flat, inside, place = circle.flat(kind), _square(kind.place), kind.place
    listed = cast(kind.key, String) + " " + cast(place.latitude, String) + " "
    listed += cast(place.longitude, String) + " " + cast(flat, String)
    near_edge = case((and_(~inside, flat > INNER), listed))
    return circle.rows(
        kind, filters, literal(index), func.count(), func.aggregate_strings(near_edge, ",")
    ).where(or_(inside, flat <= OUTER))


def _nearest_inside(
    kind: Kind, filters: Filters, near: Near, wanted: int, inside: int
) -> list[tuple[float, Any]]:
    """The `wanted` nearest of a kind's rows surely inside the circle (by the flat estimate)."""
    for share in (1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1.0):
        if share < 1 and inside * share * share < wanted / 2:
            continue  # too few there on average (even if a little denser than average)
        circle = _Circle(near, share)
        flat = circle.flat(kind)
        stmt = circle.rows(kind, filters, kind.key, flat).where(flat <= INNER)
        found = db.session.execute(stmt.order_by(flat, kind.key).limit(wanted), circle.params).all()
        if len(found) >= wanted or share == 1:
            return [(distance, key) for key, distance in found]
    return []


def load(kind: Kind, keys: Iterable[Any]) -> dict[Any, Any]:
    """The kind's public rows with these keys, with what their list items need (the keys
    bound as one array on PostgreSQL, so the statement is planned once: sqlparams.py)."""
    wanted = one_of(kind.key, "keys", db.engine.dialect.name)
    stmt = kind.select(kind.entity).where(wanted).options(*kind.page_options)
    rows = db.session.scalars(stmt, {"keys": list(keys)})
    return {getattr(row, kind.key.key): row for row in rows}


def services_page(page: int, per_page: int) -> Record:
    """A page of every public service as HSDS service_list items (GET /api/hsds/services)."""
    query = ListQuery(page=page, per_page=per_page)
    return page_of(SERVICES, query, lambda kind, row: hsds_record(kind, row, False))
