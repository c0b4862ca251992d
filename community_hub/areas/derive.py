"""A place's path of area names, broadest first, from whatever the data says.

Our own venues say a town, a region and a country ("Cardiff", "South Wales", "GB"); imported
feeds say all sorts ("CARDIFF ", "Yorkshire & Humber", "N/A", ["Sussex County", "Lewes"]).
Each name is tidied for show and keyed for matching (case, accents, punctuation, "&", "St."
all ignored), junk like "Unknown" or "Online" is dropped, and a name repeating the one above
it ("Doncaster" in "Doncaster") is said once.

In the United Kingdom the top level is the nation, read from the postcode area (CF is Wales,
EH Scotland, BT Northern Ireland) or from a name that says it; a place with neither stays
under "United Kingdom" until a coordinator moves it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from community_hub.geo.countries import country_code, country_name
from community_hub.geo.gazetteer import normalise

JUNK = frozenset(
    {"", "na", "n a", "none", "null", "unknown", "online", "virtual", "zoom", "tbc", "tbd",
     "various", "other", "not applicable", "no region", "anywhere", "worldwide"}
)  # fmt: skip
NATIONS = {"england": "England", "wales": "Wales", "cymru": "Wales", "scotland": "Scotland",
           "northern ireland": "Northern Ireland"}  # fmt: skip
# Postcode areas wholly (or almost wholly) in one nation; the rest of the UK is England.
POSTCODE_NATIONS = {
    **dict.fromkeys(("CF", "SA", "NP", "LL", "LD"), "Wales"),
    **dict.fromkeys(
        ("AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH",
         "TD", "ZE"),
        "Scotland",
    ),
    "BT": "Northern Ireland",
}  # fmt: skip
UK_POSTCODE = re.compile(r"^([A-Z]{1,2})[0-9][0-9A-Z]?(\s*[0-9][A-Z]{2})?$")
SMALL_WORDS = frozenset({"and", "of", "on", "upon", "the", "in", "by", "de", "le", "la"})


@lru_cache(maxsize=65536)  # a directory repeats the same few hundred names many times
def key(name: str) -> str:
    """The name as compared: 'St. Helen’s & District' and 'st helens and district' match."""
    text = name.replace("&", " and ").replace("’", "").replace("'", "")
    words = normalise(text).split()
    return " ".join("st" if w == "saint" else w for w in words)


@lru_cache(maxsize=65536)
def tidy(name: str) -> str:
    """The name for show: spaces collapsed, stray punctuation gone, SHOUTING calmed."""
    text = " ".join(name.split()).strip(" ,.;:-/|>")
    letters = [c for c in text if c.isalpha()]
    if len(letters) > 3 and (text.isupper() or text.islower()):
        words = text.lower().split(" ")
        text = " ".join(
            w if (i and w in SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words)
        )
    return text


@dataclass(frozen=True)
class Place:
    """What a listing says about where it is."""

    country: str = ""
    region: str = ""
    city: str = ""
    postcode: str = ""
    regions: Sequence[str] = field(default_factory=tuple)  # a feed's own, broadest first


@lru_cache(maxsize=65536)
def nation(place: Place) -> str:
    """The top of the path: a UK nation, else the country's name (or '' when none is given)."""
    given = key(place.country)
    if given in NATIONS:
        return NATIONS[given]
    code = country_code(place.country) if place.country else ""
    if code and code != "GB":
        return country_name(code)
    if place.country and not code:
        return tidy(place.country)  # a country we do not know: kept as written
    found = UK_POSTCODE.match(place.postcode.strip().upper())
    if found:
        return POSTCODE_NATIONS.get(found.group(1), "England")
    if not code:
        return ""  # no country and no UK postcode: the path starts at the broadest name given
    for name in (place.region, place.city, *place.regions):
        words = key(name)
        for word, shown in NATIONS.items():
            if f" {word} " in f" {words} ":
                return shown
    return country_name("GB")


def _split(value: str) -> list[str]:
    """A region written as a path ("Sussex County > Lewes", as our CSV writes lists)."""
    return [p for p in re.split(r"\s+>\s+", value) if p.strip()]


def path(place: Place) -> list[str]:
    """The names of the place's areas, broadest first, tidied, without junk or repeats."""
    return list(_path(place))


@lru_cache(maxsize=65536)
def _path(place: Place) -> tuple[str, ...]:
    middle = [r for given in place.regions for r in _split(given)] or _split(place.region)
    names = [nation(place), *middle, place.city]
    found: list[str] = []
    seen: set[str] = set()
    for name in names:
        shown, k = tidy(name), key(name)
        if k in JUNK or k in seen:
            continue
        found.append(shown)
        seen.add(k)
    return tuple(found)


def path_keys(names: Sequence[str]) -> list[str]:
    """The alias key of each level: 'wales', 'wales/south wales', 'wales/south wales/cardiff'."""
    keys, so_far = [], ""
    for name in names:
        so_far = f"{so_far}/{key(name)}" if so_far else key(name)
        keys.append(so_far[:400])
    return keys
