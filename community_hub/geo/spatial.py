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


# geopy's WGS-84 ellipsoid in kilometres, built once (geopy's `geodesic()` builds a new one on
# every call): the fallback for the few pairs Vincenty's formula cannot settle.
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
    """Exact distance in kilometres on the WGS-84 ellipsoid (geopy's geodesic, within 1 mm).

    Vincenty's inverse formula, about twelve times faster than geographiclib in pure Python
    and within micrometres of it; for the rare nearly antipodal pair where Vincenty does not
    converge, geographiclib itself.
    """
    vincenty = _vincenty_km(lat1, lng1, lat2, lng2)
    if vincenty is not None:
        return vincenty
    return float(_WGS84_KM.Inverse(lat1, lng1, lat2, lng2, Geodesic.DISTANCE)["s12"])


def _vincenty_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float | None:
    """Vincenty (1975) on WGS-84, or None when the iteration does not settle."""
    if lat1 == lat2 and lng1 == lng2:
        return 0.0
    f, a, b = _FLATTENING, _SEMI_MAJOR_KM, _SEMI_MINOR_KM
    u1 = math.atan((1 - f) * math.tan(math.radians(lat1)))
    u2 = math.atan((1 - f) * math.tan(math.radians(lat2)))
    sin_u1, cos_u1, sin_u2, cos_u2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
    lng_diff = math.radians(lng2 - lng1)
    lam = lng_diff
    for _ in range(100):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
        if sin_sigma == 0.0:
            return 0.0
        cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cos_u1 * cos_u2 * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha * sin_alpha
        # On the equator cos2_alpha is 0 and the term is not needed.
        cos_2sm = cos_sigma - 2 * sin_u1 * sin_u2 / cos2_alpha if cos2_alpha else 0.0
        c = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
        previous = lam
        lam = lng_diff + (1 - c) * f * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (2 * cos_2sm * cos_2sm - 1))
        )
        if abs(lam - previous) < 1e-12:
            break
    else:
        return None
    u_sq = cos2_alpha * (a * a - b * b) / (b * b)
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    cos2 = 2 * cos_2sm * cos_2sm - 1
    tail = big_b / 6 * cos_2sm * (4 * sin_sigma * sin_sigma - 3) * (4 * cos_2sm * cos_2sm - 3)
    delta_sigma = big_b * sin_sigma * (cos_2sm + big_b / 4 * (cos_sigma * cos2 - tail))
    return b * big_a * (sigma - delta_sigma)


class Origin:
    """A search centre, with the trigonometry done once for ranking many candidates.

    Ranking uses the haversine formula on a sphere (within SPHERE_ERROR of the geodesic),
    cheaper again than `distance_km` per call; results shown use `distance_km`.
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
