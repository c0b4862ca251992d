"""Reading the finder's one search box: a place, words to search for, or both.

"Doncaster" is a place; "newcomers" is not, so it is searched for in meeting names, groups,
venues and notes; "newcomers in Doncaster" and "women's Sheffield" are both. The geocoder
decides what is a place. Nothing here is logged: what people search for is private.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from community_hub.fulltext import words_of
from community_hub.geo.geocode import Located, Resolution, geocode, resolve

# "newcomers in Doncaster", "newcomers near DN1", Welsh "yn" and "ger".
CONNECTOR = re.compile(r"\s+(?:in|near|around|yn|ger)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Understood:
    place: Located | None  # None: no place in the text
    words: tuple[str, ...]  # what is left to search for


def understand(typed: str, resolution: Resolution | None = None) -> Understood:
    """Split what was typed into a place and search words.

    The whole text is tried as a place first (an address like "High Street, Doncaster" is a
    place); words the geocoder found beside a place without naming an area are searched for.
    `resolution` is the geocoder's answer for `typed`, when the caller already has it.
    """
    typed = " ".join(typed.split())
    if not typed:
        return Understood(None, ())
    resolution = resolution or resolve(typed)
    found = resolution.located
    if found is None and resolution.choices:
        found = geocode(typed)  # several of that name: the most populous, as geocode() says
    if found is not None and not resolution.rest:
        return Understood(found, ())
    for before, after in _splits(typed):
        place = geocode(after) if after else None
        if place is not None and words_of(before):
            return Understood(place, tuple(words_of(before)))
        place = geocode(before) if before else None
        if place is not None and words_of(after):
            return Understood(place, tuple(words_of(after)))
    if found is not None:
        return Understood(found, tuple(words_of(resolution.rest)))
    return Understood(None, tuple(words_of(typed)))


def _splits(typed: str) -> list[tuple[str, str]]:
    """Ways to cut the text into (words, place), most likely first; a few geocoder calls."""
    connector = CONNECTOR.search(typed)
    if connector:
        return [(typed[: connector.start()], typed[connector.end() :])]
    parts = typed.split(" ")
    if len(parts) < 2:
        return []
    # A place is usually at the end ("newcomers doncaster", "women's group DN1 3AA").
    cuts = [(" ".join(parts[:-1]), parts[-1])]
    if len(parts) > 2:
        cuts.insert(0, (" ".join(parts[:-2]), " ".join(parts[-2:])))
    return cuts
