"""A flat-earth distance a database computes with two multiplications, within a proven
factor of the ranking's spherical one.

Near a search's centre (small radii, away from the poles) the squared distance
(Δlatitude·ky)² + (Δlongitude·kx)², with kx scaled by the cosine of the centre's latitude, is
within (1 ± margin) of the spherical distance, squared. Every search that must decide, for
thousands of rows, which are surely inside its radius, which surely outside and which near
the edge, asks the database for that; only the few near the edge get the ranking's own test
(`DistanceFilter.km`, which settles the radius on the ellipsoid). Trigonometry in SQL on
every row costs several times as much (measured for matching: see README).
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import ColumnElement, bindparam

from community_hub.geo.nearby import DistanceFilter
from community_hub.geo.spatial import EARTH_RADIUS_KM, SPHERE_ERROR

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


def flat_sq(model: Any) -> ColumnElement[Any]:
    """The squared flat distance in km² of a Located model's row, in SQL (`FlatCircle.values`
    binds the centre)."""
    dy = model.latitude - bindparam("flat_lat")
    dx = model.longitude - bindparam("flat_lng")
    return dy * dy * bindparam("flat_ky2") + dx * dx * bindparam("flat_kx2")


class FlatCircle:
    """A search's centre and radius in flat squared km, and the edge's exact test."""

    def __init__(self, lat: float, lng: float, radius_km: float, margin: float) -> None:
        self.lat, self.lng, self.margin, self.radius_km = lat, lng, margin, radius_km
        self.ky = KM_PER_DEGREE
        self.kx = KM_PER_DEGREE * math.cos(math.radians(lat))
        # Surely inside (the ranking keeps it without the ellipsoid), surely outside (drops it).
        self.inner = (radius_km * (1 - SPHERE_ERROR) * (1 - margin)) ** 2
        self.outer = (radius_km * (1 + SPHERE_ERROR) * (1 + margin)) ** 2
        self.distances = DistanceFilter(lat, lng, radius_km)

    def values(self) -> dict[str, float]:
        return {
            "flat_lat": self.lat, "flat_lng": self.lng, "flat_ky2": self.ky * self.ky,
            "flat_kx2": self.kx * self.kx, "flat_inner": self.inner, "flat_outer": self.outer,
        }  # fmt: skip

    def inside(self, flat: float, lat: float, lng: float) -> bool:
        """For a point not surely outside: whether the ranking keeps it."""
        return flat <= self.inner or self.distances.km(lat, lng) is not None

    def bound(self, kth: float) -> float:
        """Any point that could rank before the one at flat `kth` is within this."""
        return kth * ((1 + self.margin) / (1 - self.margin)) ** 2

    def least_km(self, flat: float) -> float:
        """A spherical distance no point at flat distance² `flat` or beyond can be under."""
        return math.sqrt(max(0.0, flat)) / (1 + self.margin)
