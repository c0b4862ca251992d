"""The "near me" building blocks every directory listing shares (meetings, peers, resources).

A located model mixes in `Located` and declares `Index("ix_<table>_geo", "lat_band",
"longitude")`. `within_box` adds the index-friendly bounding-box predicates to a query;
`DistanceFilter` ranks candidates with a fast spherical formula and settles the few near the
edge with geopy's exact geodesic distance.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import Mapped, mapped_column

from community_hub.geo.spatial import SPHERE_ERROR, Origin, bounding_box, distance_km, lat_band


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
    box = bounding_box(lat, lng, radius_km * (1 + SPHERE_ERROR))  # room for the ellipsoid
    stmt = stmt.where(
        model.lat_band.in_(box.bands), model.latitude.between(box.min_lat, box.max_lat)
    )
    if box.wraps:
        return stmt.where(or_(model.longitude >= box.min_lng, model.longitude <= box.max_lng))
    return stmt.where(and_(model.longitude >= box.min_lng, model.longitude <= box.max_lng))


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
