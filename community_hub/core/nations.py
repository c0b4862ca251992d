"""Which UK nation a search is in, so the help lines shown are the ones that answer there.

Coarse outlines are enough: a line that covers the whole nation is right a few miles either side
of a border, and a place outside every outline gets the site's default nation.
"""

from __future__ import annotations

import math

from flask import current_app, request
from sqlalchemy.exc import SQLAlchemyError

from community_hub.catalogue import lazy_gettext as _l

NATIONS = {
    "england": _l("England"),
    "wales": _l("Wales"),
    "scotland": _l("Scotland"),
    "northern-ireland": _l("Northern Ireland"),
}

# (longitude, latitude) rings, simplified from the borders.
WALES = (
    (-3.10, 53.40), (-2.93, 53.17), (-2.73, 52.98), (-3.05, 52.87), (-3.12, 52.62),
    (-3.00, 52.55), (-3.05, 52.34), (-3.12, 52.07), (-2.95, 51.95), (-2.72, 51.85),
    (-2.65, 51.58), (-3.20, 51.35), (-5.60, 51.50), (-5.00, 53.50),
)  # fmt: skip
SCOTLAND = (
    (-3.10, 54.97), (-2.85, 55.05), (-2.60, 55.15), (-2.25, 55.35), (-2.10, 55.60),
    (-2.03, 55.80), (-1.50, 56.20), (-0.50, 61.00), (-9.00, 61.00), (-8.00, 55.60),
    (-6.20, 55.40), (-5.30, 54.60), (-3.60, 54.80),
)  # fmt: skip
NORTHERN_IRELAND = (
    (-5.40, 55.35), (-6.10, 55.35), (-7.00, 55.25), (-7.40, 55.05), (-7.55, 54.75),
    (-8.20, 54.45), (-7.60, 54.20), (-7.05, 54.40), (-6.60, 54.05), (-6.20, 54.00),
    (-5.40, 54.20),
)  # fmt: skip
ENGLAND_BOX = (49.8, 55.9, -6.5, 1.9)  # south, north, west, east; after the others

# Pages whose q/lat/lng are a place a visitor searched (elsewhere q may be a person's name).
SEARCH_PAGES = {
    "meetings.finder",
    "meetings.print_list",
    "directory.near",
    "directory.community_map",
    "people.peers",
    "people.champions",
    "resources.index",
    "core.help_now",
}


Ring = tuple[tuple[float, float], ...]


def _box(ring: Ring) -> tuple[float, float, float, float]:
    """West, south, east, north of a ring."""
    lngs, lats = [x for x, _y in ring], [y for _x, y in ring]
    return min(lngs), min(lats), max(lngs), max(lats)


def _inside(ring: Ring, lng: float, lat: float) -> bool:
    west, south, east, north = _BOXES[ring]
    if not (west <= lng <= east and south <= lat <= north):  # most of the world: no walk
        return False
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lng < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def nation_at(lat: float, lng: float) -> str | None:
    """'wales', 'scotland', 'northern-ireland', 'england', or None outside the UK outlines."""
    for name, ring in (
        ("wales", WALES),
        ("scotland", SCOTLAND),
        ("northern-ireland", NORTHERN_IRELAND),
    ):
        if _inside(ring, lng, lat):
            return name
    south, north, west, east = ENGLAND_BOX
    if south <= lat <= north and west <= lng <= east and not _inside(IRELAND_WEST, lng, lat):
        return "england"
    return None


# Ireland's east coast, so Dublin is not taken for England.
IRELAND_WEST = ((-6.0, 51.3), (-5.9, 54.0), (-11.0, 55.5), (-11.0, 51.3))
_BOXES: dict[Ring, tuple[float, float, float, float]] = {
    ring: _box(ring) for ring in (WALES, SCOTLAND, NORTHERN_IRELAND, IRELAND_WEST)
}


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def searched_nation() -> str | None:
    """The nation of the place this request searches for, if it is a search page with one."""
    chosen = request.args.get("nation", "")
    if chosen in NATIONS:
        return chosen
    if request.endpoint not in SEARCH_PAGES:
        return None
    lat, lng = _float(request.args.get("lat", "")), _float(request.args.get("lng", ""))
    if lat is not None and lng is not None:
        return nation_at(lat, lng)
    place = request.args.get("q", "").strip()
    if not place:
        return None
    from community_hub.geo import web as geo_web
    from community_hub.geo.geocode import geocode

    # The page has usually found the place already (the finder, /near): not twice.
    for typed in (place, place[:120]):
        position = geo_web.remembered_place(typed)
        if position is not None:
            return nation_at(*position)
    found = geocode(place)
    return nation_at(found.latitude, found.longitude) if found else None


def current_nation() -> str:
    """The nation whose help lines to show: the one searched, else the site's default."""
    default = str(current_app.config.get("DEFAULT_NATION", "england"))
    try:
        return searched_nation() or default
    except RuntimeError:  # outside a request (a rendered email, a command)
        return default
    except SQLAlchemyError:  # the database is down: the error page still shows help lines
        return default
