"""Turn what a person typed ("Doncaster", "DN1 3AA", "CF10") into coordinates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from sqlalchemy import func, select

from community_hub.extensions import db
from community_hub.geo import gazetteer, geocode_cache
from community_hub.geo.spatial import valid_coordinates

FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
COORDINATES = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Located:
    latitude: float
    longitude: float
    label: str


def normalise_postcode(text: str) -> str:
    """'dn13aa' -> 'DN1 3AA'; outward codes and other text are upper-cased and trimmed."""
    compact = re.sub(r"\s+", "", text.upper())
    match = FULL_POSTCODE.match(compact)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    return " ".join(text.upper().split())


def outward_code(postcode: str) -> str:
    """The district part of a UK postcode (DN4 from 'DN4 5PL'), or '' if it is not one."""
    normal = normalise_postcode(postcode)
    first = normal.split(" ")[0] if normal else ""
    return first if OUTWARD_CODE.match(first) else ""


def gazetteer_countries() -> list[str]:
    raw = current_app.config.get("GAZETTEER_COUNTRIES") or "GB"
    return [c.strip().upper() for c in raw.split(",") if c.strip()]


def _from_venues(text: str) -> Located | None:
    """Postcodes and town names of venues already in the directory."""
    from community_hub.meetings.models import Venue

    normal = normalise_postcode(text)
    if FULL_POSTCODE.match(normal.replace(" ", "")):
        row = db.session.execute(
            select(func.avg(Venue.latitude), func.avg(Venue.longitude)).where(
                Venue.postcode == normal, Venue.approximate.is_(False)
            )
        ).one()
        if row[0] is not None:
            return Located(float(row[0]), float(row[1]), normal)
        normal = outward_code(normal)
    if OUTWARD_CODE.match(normal):
        row = db.session.execute(
            select(func.avg(Venue.latitude), func.avg(Venue.longitude)).where(
                Venue.postcode.like(normal + " %"), Venue.approximate.is_(False)
            )
        ).one()
        if row[0] is not None:
            return Located(float(row[0]), float(row[1]), normal)
        return None
    town = " ".join(text.split())
    lat, lng, city = db.session.execute(
        select(func.avg(Venue.latitude), func.avg(Venue.longitude), func.min(Venue.city)).where(
            func.lower(Venue.city) == town.lower(), Venue.approximate.is_(False)
        )
    ).one()
    if lat is not None:
        return Located(float(lat), float(lng), str(city))
    return None


def _from_gazetteer(text: str) -> Located | None:
    place = gazetteer.lookup(text, gazetteer_countries())
    if place is None:
        return None
    return Located(place.latitude, place.longitude, place.name)


class LookupFailed(Exception):
    """Nominatim did not answer; not remembered, so the next search asks again."""


def _ask_nominatim(text: str, domain: str, user_agent: str, country: str) -> Located | None:
    from geopy.exc import GeopyError
    from geopy.geocoders import Nominatim

    geocoder = Nominatim(user_agent=user_agent, domain=domain, timeout=5)
    try:
        found = geocoder.geocode(text, country_codes=country.lower() or None)
    except GeopyError as error:
        raise LookupFailed from error
    if found is None:
        return None
    return Located(found.latitude, found.longitude, found.address.split(",")[0])


@lru_cache(maxsize=512)
def _nominatim_in_memory(text: str, domain: str, user_agent: str, country: str) -> Located | None:
    return _ask_nominatim(text, domain, user_agent, country)


def _nominatim(text: str, domain: str, user_agent: str, country: str) -> Located | None:
    """Nominatim's answer, remembered in Redis (shared by every instance) or else in memory."""
    try:
        redis_url = current_app.config.get("REDIS_URL")
        if redis_url:
            return geocode_cache.remembered(
                redis_url, (domain, country, text.casefold()),
                lambda: _ask_nominatim(text, domain, user_agent, country),
            )  # fmt: skip
        return _nominatim_in_memory(text, domain, user_agent, country)
    except LookupFailed:
        current_app.logger.warning("Nominatim lookup failed for a search")
        return None


def geocode(text: str) -> Located | None:
    """Resolve a place, postcode or 'lat,lng' offline first; Nominatim only when configured."""
    text = text.strip()[:120]
    if not text:
        return None
    match = COORDINATES.match(text)
    if match:
        lat, lng = float(match.group(1)), float(match.group(2))
        return Located(lat, lng, f"{lat:.4f}, {lng:.4f}") if valid_coordinates(lat, lng) else None
    found = _from_gazetteer(text) or _from_venues(text)
    if found is None and current_app.config.get("GEOCODER") == "nominatim":
        found = _nominatim(
            text,
            current_app.config["NOMINATIM_DOMAIN"],
            current_app.config["GEOCODER_USER_AGENT"],
            current_app.config.get("DEFAULT_COUNTRY", ""),
        )
    return found
