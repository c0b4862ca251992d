"""Turn what a person typed ("Doncaster", "DN1 3AA", "CF10") into coordinates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from community_hub.extensions import db
from community_hub.geo import gazetteer, geocode_cache, postcodes
from community_hub.geo.spatial import valid_coordinates

FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
COORDINATES = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
# A postcode anywhere in an address: "12 High St, Doncaster DN1 3AA".
POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b")
MAX_CHOICES = 5


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


@dataclass(frozen=True)
class Choice:
    """A place to offer: its label ("Newport (Isle of Wight, England)") and the text that
    searches for exactly it ("Newport, Isle of Wight")."""

    label: str
    query: str


@dataclass(frozen=True)
class Resolution:
    """What a search text came to: a place, or several to choose from, or suggestions."""

    located: Located | None = None
    choices: tuple[Choice, ...] = ()  # several places of that name: which one?
    suggestions: tuple[Choice, ...] = ()  # nothing of that name: did you mean?
    # Words beside the place that named no area ("newcomers" in "newcomers Doncaster"): the
    # finder searches for them. An address's leading parts ("High Street, ") are not kept.
    rest: str = ""


def _located(place: gazetteer.Place) -> Located:
    return Located(place.latitude, place.longitude, place.name)


def _nations() -> dict[str, str]:
    return {
        "England": _("England"),
        "Wales": _("Wales"),
        "Scotland": _("Scotland"),
        "Northern Ireland": _("Northern Ireland"),
    }


def _choice(place: gazetteer.Place, name: str | None = None) -> Choice:
    """How to offer a place: 'Newport (Isle of Wight, England)', which searches for 'Newport,
    Isle of Wight'. The nation is shown in the page's language ('Lloegr' in Welsh)."""
    name = name or place.name
    parts = [p.strip() for p in place.area.split(",") if p.strip()]
    nations = _nations()
    shown = ", ".join(nations.get(p, p) for p in parts)
    if name != place.name:
        label = f"{name} ({place.name}, {shown})" if shown else f"{name} ({place.name})"
    else:
        label = f"{name} ({shown})" if shown else name
    return Choice(label, f"{name}, {parts[0]}" if parts else name)


def _phrases(text: str) -> list[tuple[str, str]]:
    """(place name to try, the rest as a qualifier) for address-like text, most likely first:
    each comma-separated part whole ("High Street, Doncaster"), then each part's leading and
    trailing words ("Doncaster South Yorkshire")."""
    parts = [p.strip() for p in text.split(",") if gazetteer.normalise(p)]
    tried: list[tuple[str, str]] = []
    for i, part in enumerate(parts):
        tried.append((part, " ".join(parts[i + 1 :])))
    for i, part in enumerate(parts):
        words = part.split()
        later = " ".join(parts[i + 1 :])
        for n in range(len(words) - 1, 0, -1):
            tried.append((" ".join(words[:n]), " ".join([*words[n:], later]).strip()))
        for n in range(1, len(words)):
            tried.append((" ".join(words[n:]), " ".join([*words[:n], later]).strip()))
    return tried


def _narrow(found: list[gazetteer.Place], qualifier: str) -> list[gazetteer.Place] | None:
    """The places in the area the qualifier names ("Isle of Wight", "Wales"), or None."""
    words = gazetteer.normalise(qualifier).split()
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            matching = [p for p in found if gazetteer.in_area(p, phrase)]
            if matching:
                return matching
    return None


def _resolve_place(text: str, countries: list[str]) -> Resolution | None:
    for phrase, qualifier in _phrases(text):
        key, country_word = gazetteer.normalise(phrase), ""
        for suffix in gazetteer.COUNTRY_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key, country_word = key[: -len(suffix)], suffix.strip()
                break
        found = gazetteer.candidates(key, countries)
        if not found:
            continue
        narrowed = _narrow(found, f"{qualifier} {country_word}")
        if narrowed:
            return Resolution(_located(narrowed[0]))
        rest = "" if country_word or gazetteer.names_an_area(qualifier, countries) else qualifier
        if gazetteer.ambiguous(found):
            floor = found[0].population / 100
            offered = [p for p in found if p.population >= floor][:MAX_CHOICES]
            return Resolution(choices=tuple(_choice(p) for p in offered), rest=rest)
        return Resolution(_located(found[0]), rest=rest)
    return None


def _suggest(text: str, countries: list[str]) -> tuple[Choice, ...]:
    offered: dict[str, Choice] = {}
    for part in [text, *[p for p in text.split(",") if p.strip()]]:
        for name, place in gazetteer.similar(part, countries, limit=MAX_CHOICES):
            choice = _choice(place, name)
            offered.setdefault(choice.query, choice)
    return tuple(offered.values())[:MAX_CHOICES]


def _from_postcode(text: str) -> Located | None:
    normal = normalise_postcode(text)
    match = POSTCODE_IN_TEXT.search(normal)
    code = f"{match.group(1)} {match.group(2)}" if match else normal
    found = postcodes.locate(code)
    if found is not None and found[0] == code:
        return Located(found[1], found[2], found[0])
    # Not this exact code: a venue's own postcode is more precise than a sector or district.
    venue = _from_venues(code) if (match or OUTWARD_CODE.match(code)) else None
    if venue is not None:
        return venue
    return Located(found[1], found[2], found[0]) if found else None


def _from_gazetteer(text: str) -> Located | None:
    resolution = _resolve_place(text, gazetteer_countries())
    if resolution is None:
        return None
    if resolution.located:
        return resolution.located
    place = gazetteer.lookup(resolution.choices[0].query, gazetteer_countries())
    return _located(place) if place else None


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


def resolve(text: str) -> Resolution:
    """What `text` means: a postcode (full, sector or district), 'lat,lng', a place (also in an
    address: "High Street, Doncaster"), several places of the name to choose from ("Newport"),
    or, when nothing matches, up to five places with a similar name ("Doncastr")."""
    text = text.strip()[:120]
    if not text:
        return Resolution()
    match = COORDINATES.match(text)
    if match:
        lat, lng = float(match.group(1)), float(match.group(2))
        if valid_coordinates(lat, lng):
            return Resolution(Located(lat, lng, f"{lat:.4f}, {lng:.4f}"))
        return Resolution()
    countries = gazetteer_countries()
    found = _from_postcode(text) if "GB" in countries else None
    if found:
        return Resolution(found)
    place = _resolve_place(text, countries)
    if place is not None:
        return place
    found = _from_venues(text)
    if found is None and current_app.config.get("GEOCODER") == "nominatim":
        found = _nominatim(
            text,
            current_app.config["NOMINATIM_DOMAIN"],
            current_app.config["GEOCODER_USER_AGENT"],
            current_app.config.get("DEFAULT_COUNTRY", ""),
        )
    if found:
        return Resolution(found)
    return Resolution(suggestions=_suggest(text, countries))


def geocode(text: str) -> Located | None:
    """Resolve a place, postcode or 'lat,lng' offline first; Nominatim only when configured.
    Where several places share the name, the most populous."""
    resolution = resolve(text)
    if resolution.located or not resolution.choices:
        return resolution.located
    return _from_gazetteer(resolution.choices[0].query)


def geocode_in(text: str, country: str) -> Located | None:
    """Like `geocode`, for an address known to be in `country` (ISO alpha-2, '' if unknown).

    The offline gazetteer holds only GAZETTEER_COUNTRIES: an address elsewhere ("…, Edmonton,
    Alberta, Canada") must not land on a town there that shares its name (Edmonton, London).
    It goes to Nominatim, limited to its country, when that is configured, or stays unplaced.
    """
    if not country or country in gazetteer_countries():
        return geocode(text)
    if current_app.config.get("GEOCODER") != "nominatim":
        return None
    return _nominatim(
        text,
        current_app.config["NOMINATIM_DOMAIN"],
        current_app.config["GEOCODER_USER_AGENT"],
        country,
    )
