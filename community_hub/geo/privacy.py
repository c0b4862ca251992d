"""Positions that must not pinpoint anyone: kept and shown to about 1 km, never finer.

Peer supporters' and champions' area centres, and any place marked approximate (safe housing
shown at town level, an online group's rough town), are stored to COARSE_DECIMALS decimal
places, and every public output of such a place rounds again through `shown()`, so no path
can publish more than the rule allows (tests/security/test_positions.py walks them all).
"""

from __future__ import annotations

from typing import Any

from community_hub.geo.spatial import lat_band

# Two decimal places of a degree: 1.1 km north-south, 0.7 km east-west in the UK.
COARSE_DECIMALS = 2


def coarse(latitude: float, longitude: float) -> tuple[float, float]:
    return round(latitude, COARSE_DECIMALS), round(longitude, COARSE_DECIMALS)


def shown(latitude: float | None, longitude: float | None, approximate: bool) -> tuple[Any, Any]:
    """The position a public output may carry: as stored, or rounded when approximate."""
    if latitude is None or longitude is None or not approximate:
        return latitude, longitude
    return coarse(latitude, longitude)


def coarsen(place: Any) -> None:
    """Round an approximate place's stored position (and its index band) before it is saved."""
    if not getattr(place, "approximate", False) or place.latitude is None:
        return
    place.latitude, place.longitude = coarse(place.latitude, place.longitude)
    if hasattr(place, "lat_band"):
        place.lat_band = lat_band(place.latitude)
