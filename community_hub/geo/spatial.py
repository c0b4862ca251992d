"""The spatial index used by every "near me" search.

Each located row stores ``lat_band = floor(latitude * BANDS_PER_DEGREE)`` and has a composite
index on ``(lat_band, longitude)``. A radius search asks for ``lat_band IN (...)`` (a handful of
bands) and a longitude range, which both SQLite and PostgreSQL answer with one short index range
per band instead of scanning the table. Exact distances come from geopy for the few candidates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from geographiclib.geodesic import Geodesic
from geopy.distance import ELLIPSOIDS

BANDS_PER_DEGREE = 10  # a band is 0.1 degrees of latitude, about 11 km
EARTH_RADIUS_KM = 6371.0088
MAX_RADIUS_KM = 500.0
KM_PER_MILE = 1.609344
# The sphere differs from the WGS-84 ellipsoid by at most about 0.56%; searches decide
# candidates within this margin of the radius with the exact geodesic distance.
SPHERE_ERROR = 0.0075


# geopy's WGS-84 ellipsoid in kilometres, built once: geopy's `geodesic()` builds a new one on
# every call, which costs more than the distance itself. Same figures, to the last digit.
_SEMI_MAJOR_KM, _SEMI_MINOR_KM, _FLATTENING = ELLIPSOIDS["WGS-84"]
_WGS84_KM = Geodesic(_SEMI_MAJOR_KM, _FLATTENING)


def lat_band(latitude: float) -> int:
    return math.floor(latitude * BANDS_PER_DEGREE)


@dataclass(frozen=True)
class BoundingBox:
    bands: tuple[int, ...]
    min_lat: float
    max_lat: float
    min_lng: float
    max_lng: float
    wraps: bool  # True when the box crosses the 180th meridian


def bounding_box(lat: float, lng: float, radius_km: float) -> BoundingBox:
    """The smallest latitude/longitude box that holds every point within radius_km."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    # Longitude degrees shrink towards the poles; use the widest latitude in the box.
    widest = max(abs(min_lat), abs(max_lat))
    if widest >= 89.9:
        min_lng, max_lng = -180.0, 180.0
    else:
        dlng = math.degrees(radius_km / (EARTH_RADIUS_KM * math.cos(math.radians(widest))))
        min_lng, max_lng = lng - dlng, lng + dlng
    wraps = min_lng < -180.0 or max_lng > 180.0
    if wraps:
        min_lng = ((min_lng + 180.0) % 360.0) - 180.0
        max_lng = ((max_lng + 180.0) % 360.0) - 180.0
    bands = tuple(range(lat_band(min_lat), lat_band(max_lat) + 1))
    return BoundingBox(bands, min_lat, max_lat, min_lng, max_lng, wraps)


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Exact distance in kilometres on the WGS-84 ellipsoid (geopy's geodesic)."""
    return float(_WGS84_KM.Inverse(lat1, lng1, lat2, lng2, Geodesic.DISTANCE)["s12"])


class Origin:
    """A search centre, with the trigonometry done once for ranking many candidates.

    Ranking uses the haversine formula on a sphere (within SPHERE_ERROR of the geodesic),
    about twenty times faster than geopy per call; results shown use `distance_km`.
    """

    __slots__ = ("cos_lat", "lat", "lng")

    def __init__(self, lat: float, lng: float):
        self.lat = math.radians(lat)
        self.lng = math.radians(lng)
        self.cos_lat = math.cos(self.lat)

    def km_to(self, lat: float, lng: float) -> float:
        phi = math.radians(lat)
        dphi = phi - self.lat
        dlmb = math.radians(lng) - self.lng
        h = math.sin(dphi / 2) ** 2 + self.cos_lat * math.cos(phi) * math.sin(dlmb / 2) ** 2
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def valid_coordinates(lat: float, lng: float) -> bool:
    return (
        math.isfinite(lat)
        and math.isfinite(lng)
        and -90.0 <= lat <= 90.0
        and -180.0 <= lng <= 180.0
    )
