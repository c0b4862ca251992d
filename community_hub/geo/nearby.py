"""The "near me" building blocks every directory listing shares (meetings, peers, resources).

A located model mixes in `Located` and declares `Index("ix_<table>_geo", "lat_band",
"longitude")`. `within_box` adds the index-friendly bounding-box predicates to a query;
`DistanceFilter` ranks candidates with a fast spherical formula and settles the few near the
edge with geopy's exact geodesic distance.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import BindParameter, ColumnElement, Select, and_, bindparam, or_
from sqlalchemy.orm import Mapped, mapped_column

from community_hub.extensions import db
from community_hub.geo.spatial import SPHERE_ERROR, Origin, bounding_box, distance_km, lat_band
from community_hub.sqlparams import one_of, plain_rows

T = TypeVar("T", bound=tuple[Any, ...])


class Located:
    """Columns for the spatial index. Set the position with `place_at` so the band follows."""

    latitude: Mapped[float | None] = mapped_column(default=None)
    longitude: Mapped[float | None] = mapped_column(default=None)
    lat_band: Mapped[int | None] = mapped_column(default=None)

    def place_at(self, latitude: float | None, longitude: float | None) -> None:
        if latitude is None or longitude is None:
            self.latitude = self.longitude = self.lat_band = None
        else:
            self.latitude, self.longitude = latitude, longitude
            self.lat_band = lat_band(latitude)


def within_box(
    stmt: Select[Any], model: Any, lat: float, lng: float, radius_km: float
) -> Select[Any]:
    """Restrict a query on a Located model to the box around a circle (uses ix_<table>_geo)."""
    wraps, params = box_params(lat, lng, radius_km)
    return stmt.where(box_clause(model, wraps, db.engine.dialect.name)).params(params)


def rows_in_box(
    stmt: Select[Any],
    model: Any,
    lat: float,
    lng: float,
    radius_km: float,
    values: dict[str, Any] | None = None,
) -> list[tuple]:
    """The rows of `stmt` in the box around a circle, as the driver's plain tuples, in the
    statement's column order.

    For a statement built once and kept (a search's base statement): the box is added to it
    once, and each search only binds new values, which costs far less than building the
    expression again; and it runs on the driver from its second run (sqlparams.plain_rows).
    """
    wraps, params = box_params(lat, lng, radius_km)
    boxed = _boxed(stmt, model, wraps, db.engine.dialect.name)
    return plain_rows(boxed, params | (values or {}))


@functools.lru_cache(maxsize=256)
def _boxed(stmt: Select[Any], model: Any, wraps: bool, dialect: str) -> Select[Any]:
    return stmt.where(box_clause(model, wraps, dialect))


def box_params(lat: float, lng: float, radius_km: float) -> tuple[bool, dict[str, Any]]:
    """Whether the box crosses the 180th meridian, and the values for `box_clause`."""
    box = bounding_box(lat, lng, radius_km * (1 + SPHERE_ERROR))  # room for the ellipsoid
    return box.wraps, {
        "box_bands": list(box.bands),
        "box_min_lat": box.min_lat,
        "box_max_lat": box.max_lat,
        "box_min_lng": box.min_lng,
        "box_max_lng": box.max_lng,
    }


@functools.cache
def box_clause(model: Any, wraps: bool, dialect: str) -> ColumnElement[bool]:
    """The bounding-box predicates with named parameters (see `box_params`).

    Built once per model: a search on a big table runs it with new values each time, which
    costs far less than building the expression again.
    """
    min_lng: BindParameter[float] = bindparam("box_min_lng")
    max_lng: BindParameter[float] = bindparam("box_max_lng")
    if wraps:
        longitude = or_(model.longitude >= min_lng, model.longitude <= max_lng)
    else:
        longitude = and_(model.longitude >= min_lng, model.longitude <= max_lng)
    return and_(
        one_of(model.lat_band, "box_bands", dialect),
        model.latitude.between(bindparam("box_min_lat"), bindparam("box_max_lat")),
        longitude,
    )


class DistanceFilter:
    """Distances from a search centre, exact at the radius's edge."""

    def __init__(self, lat: float, lng: float, radius_km: float | None):
        self.lat, self.lng, self.radius_km = lat, lng, radius_km
        self.origin = Origin(lat, lng)

    def km(self, lat: float, lng: float) -> float | None:
        """Distance for ranking, or None when the point is outside the radius."""
        dist = self.origin.km_to(lat, lng)
        radius = self.radius_km
        if radius is not None and dist > radius * (1 - SPHERE_ERROR):
            if dist > radius * (1 + SPHERE_ERROR):
                return None
            if distance_km(self.lat, self.lng, lat, lng) > radius:
                return None
        return dist

    def exact(self, lat: float, lng: float) -> float:
        """The geodesic distance, for showing to people."""
        return distance_km(self.lat, self.lng, lat, lng)


# A search for the nearest few reads a small ring first and widens it until a ring surely holds
# the page: where listings are dense the first ring already does, so it never reads the
# thousands further out. Each wider ring is sized from how many the last one held (the density
# there), expected to hold RING_PAGES pages, so a town centre past the first ring is not read
# whole to find ten; a ring that held nobody grows by the most.
FIRST_RING = 1 / 40  # of the radius: 400 m of a 16 km search
RING_PAGES = 2.0
RING_GROWTH = (1.5, 3.0)  # the least and the most a ring's radius grows by


def widened(ring_km: float, wider_km: float, radius_km: float, close: float = 1.0) -> float:
    """The next circle of a search that widens: `wider_km`, or the whole radius when that
    would reach it (within a factor `close`) or would not be wider at all (a radius so small
    that its fraction underflowed to 0, which doubling never leaves)."""
    if wider_km <= ring_km or wider_km * close >= radius_km:
        return radius_km
    return wider_km


def next_ring(ring_km: float, found: int, limit: int, radius_km: float) -> float:
    """The ring after one of `ring_km` that held `found` listings: the whole radius once the
    ring would reach most of it."""
    least, most = RING_GROWTH
    growth = math.sqrt(RING_PAGES * limit / found) if found else most
    return widened(ring_km, ring_km * min(max(growth, least), most), radius_km, close=least)


def in_rings(
    radius_km: float, limit: int, read: Callable[[float], list[T]], first: float = FIRST_RING
) -> list[T]:
    """What `read(ring)` finds in the smallest ring that surely holds the `limit` nearest.

    `read` returns (distance in km, ...) tuples within the ring it is given; the first ring is
    `first` of the radius, the last the whole radius, so a sparse area reads everything, as a
    single search would.
    """
    ring = radius_km * min(first, 1.0)
    while True:
        found = read(ring)
        if ring >= radius_km or ring_holds_page([item[0] for item in found], ring, limit):
            return found
        ring = next_ring(ring, len(found), limit, radius_km)


def ring_holds_page(distances: list[float], ring_km: float, limit: int) -> bool:
    """Whether the `limit` nearest within this ring are surely the nearest in any larger one.

    Anything beyond the ring (by the geodesic) is at least ring × (1 − SPHERE_ERROR) away by
    the ranking's spherical distance, so `limit` candidates closer than ring × (1 − 2 ×
    SPHERE_ERROR) come before everything outside it.
    """
    sure = ring_km * (1 - 2 * SPHERE_ERROR)
    return sum(1 for km in distances if km <= sure) >= limit
