"""Areas from the listings' places, and the edits coordinators make to them.

`sync()` makes an area for every level of every listed place it has not seen before (through
its alias key), under the area of the level above. `Tree` answers, for a request, which area a
place is in and what lies above and below an area. Edits (rename, move, merge) add and flush;
the view commits once.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import String, cast, delete, select, update
from sqlalchemy.exc import IntegrityError

from community_hub.areas.derive import NATIONS, Place, key, nation, path, path_keys, tidy
from community_hub.areas.models import Area, AreaAlias
from community_hub.extensions import db
from community_hub.geo.countries import country_name
from community_hub.meetings.models import Meeting, Venue
from community_hub.resources.models import PUBLIC_STATUSES, Location, Service, ServiceAtLocation
from community_hub.slugs import slugify, unique_slug

LONGEST_NAME = 120
UNITED_KINGDOM = country_name("GB")
UK_NATION_KEYS = frozenset(NATIONS)


class AreaError(ValueError):
    """An edit that cannot be made, with a message for the person making it."""


@dataclass(frozen=True)
class Listed:
    kind: str  # "meeting" or "resource"
    id: int | str
    names: tuple[str, ...]  # the place's path of names, broadest first
    # True when the path does not start at a known nation or country (no country given, or a
    # UK place with no postcode): it is hung under the one existing area its first name has.
    loose: bool = False


def _regions(text: str | None, known: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """A meeting's stored `regions` (JSON text), read once per distinct value."""
    if not text or text in ("[]", "null"):
        return ()
    if text not in known:
        try:
            value = json.loads(text)
        except ValueError:
            value = []
        known[text] = tuple(
            str(v) for v in (value if isinstance(value, list) else []) if isinstance(v, str)
        )
    return known[text]


def listed_places() -> Iterator[Listed]:
    """Every listed meeting and public resource with the path its place gives.

    Thousands of meetings share a few hundred venues: each venue's place is worked out once.
    """
    venues = {
        row.id: row
        for row in db.session.execute(
            select(
                Venue.id,
                Venue.country,
                Venue.region,
                Venue.state,
                Venue.city,
                Venue.postcode,
                Venue.approximate,
            )
        )
    }
    meetings = select(Meeting.id, Meeting.venue_id, cast(Meeting.regions, String)).where(
        Meeting.archived_at.is_(None)
    )
    known: dict[str, tuple[str, ...]] = {}
    placed: dict[tuple[int | None, tuple[str, ...]], tuple[tuple[str, ...], bool] | None] = {}
    for meeting_id, venue_id, regions_text in db.session.execute(meetings):
        regions = _regions(regions_text, known)
        asked = (venue_id, regions)
        if asked not in placed:
            venue = venues.get(venue_id) if venue_id is not None else None
            placed[asked] = _meeting_place(venue, regions)
        found = placed[asked]
        if found is not None:
            yield Listed("meeting", meeting_id, found[0], found[1])
    resources = (
        select(Service.id, Location.country, Location.region, Location.city, Location.postcode)
        .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
        .join(Location, ServiceAtLocation.location_id == Location.id)
        .where(Service.archived_at.is_(None), Service.status.in_(PUBLIC_STATUSES))
    )
    for spot in db.session.execute(resources):
        place = Place(spot.country or "", spot.region or "", spot.city or "", spot.postcode or "")
        names = tuple(path(place))
        if names:
            yield Listed("resource", spot.id, names, _loose(place))


def _meeting_place(venue: Any, regions: tuple[str, ...]) -> tuple[tuple[str, ...], bool] | None:
    """A meeting's path and whether it is loose; None for online only, with no place."""
    if (venue is None or venue.approximate) and not regions:
        return None
    place = Place(
        country=(venue.country or "") if venue is not None else "",
        region=(venue.region or venue.state or "") if venue is not None else "",
        city=(venue.city or "") if venue is not None and not venue.approximate else "",
        postcode=(venue.postcode or "") if venue is not None and not venue.approximate else "",
        regions=regions,
    )
    names = tuple(path(place))
    return (names, _loose(place)) if names else None


def _loose(place: Place) -> bool:
    return nation(place) in ("", UNITED_KINGDOM)


class Tree:
    """Every area and alias, read once: where a path lands, and the areas around an area."""

    def __init__(self) -> None:
        self.areas: dict[int, Area] = {a.id: a for a in db.session.scalars(select(Area))}
        self.by_slug = {a.slug: a for a in self.areas.values()}
        self.aliases: dict[str, int] = {
            row.key: row.area_id
            for row in db.session.execute(select(AreaAlias.key, AreaAlias.area_id))
        }
        self.children: dict[int | None, list[Area]] = defaultdict(list)
        for area in self.areas.values():
            self.children[area.parent_id].append(area)
        for found in self.children.values():
            found.sort(key=lambda a: a.name.casefold())

    def _suffixes(self) -> dict[str, set[str]]:
        """Each alias's last name -> the aliases ending in it."""
        if not hasattr(self, "_by_last"):
            self._by_last: dict[str, set[str]] = defaultdict(set)
            for alias in self.aliases:
                self._by_last[alias.rsplit("/", 1)[-1]].add(alias)
        return self._by_last

    def place(self, names: Sequence[str], loose: bool = False) -> tuple[list[str], list[str]]:
        """See `_place`; asked once per distinct path (thousands of meetings share a few)."""
        if not hasattr(self, "_placed"):
            self._placed: dict[tuple[tuple[str, ...], bool], tuple[list[str], list[str]]] = {}
        asked = (tuple(names), loose)
        if asked not in self._placed:
            self._placed[asked] = self._place(names, loose)
        return self._placed[asked]

    def _place(self, names: Sequence[str], loose: bool = False) -> tuple[list[str], list[str]]:
        """The alias key of each level of the path, with the names those levels have.

        A loose path is hung under the one area that already has its first name (below the
        UK nation, or anywhere for a path with no country): "Doncaster" with no country joins
        "England / Yorkshire and Humber / Doncaster" rather than making a second Doncaster.
        """
        names = list(names)
        keys = path_keys(names)
        if not loose or keys[-1] in self.aliases:
            return keys, names
        rest = names[1:] if names[0] == UNITED_KINGDOM and len(names) > 1 else names
        candidates = self._suffixes().get(key(rest[0]), set())
        if names[0] == UNITED_KINGDOM:
            candidates = {c for c in candidates if c.split("/", 1)[0] in UK_NATION_KEYS}
        homes = {c.rsplit("/", 1)[0] for c in candidates if "/" in c}
        if len(homes) != 1:
            return keys, names
        home = homes.pop()
        return [f"{home}/{k}"[:400] for k in path_keys(rest)], rest

    def resolve(self, names: Sequence[str], loose: bool = False) -> tuple[Area | None, list[str]]:
        """The narrowest known area on the path, and the names below it not yet known."""
        keys, names = self.place(names, loose)
        for depth in range(len(keys), 0, -1):
            area_id = self.aliases.get(keys[depth - 1])
            if area_id is not None and area_id in self.areas:
                return self.areas[area_id], list(names[depth:])
        return None, list(names)

    def knows(self, names: Sequence[str], loose: bool = False) -> bool:
        return self.place(names, loose)[0][-1] in self.aliases

    def ancestors(self, area: Area) -> list[Area]:
        """From the broadest down to the area's parent."""
        chain: list[Area] = []
        current = self.areas.get(area.parent_id) if area.parent_id else None
        while current is not None and current not in chain:
            chain.insert(0, current)
            current = self.areas.get(current.parent_id) if current.parent_id else None
        return chain

    def descendants(self, area: Area) -> set[int]:
        """The area's id and those of every area below it."""
        found, todo = {area.id}, [area.id]
        while todo:
            for child in self.children.get(todo.pop(), []):
                if child.id not in found:
                    found.add(child.id)
                    todo.append(child.id)
        return found

    def names_of(self, area: Area) -> list[str]:
        return [a.name for a in [*self.ancestors(area), area]]


def _new_area(name: str, parent: Area | None) -> Area:
    slug = slugify(name, "area")
    taken = db.session.scalar(select(Area.id).where(Area.slug == slug)) is not None
    if taken and parent is not None:
        slug = unique_slug(Area.slug, name, parent.name, fallback="area", limit=130)
    elif taken:
        slug = unique_slug(Area.slug, name, fallback="area", limit=130)
    area = Area(slug=slug, name=name[:LONGEST_NAME], parent_id=parent.id if parent else None)
    db.session.add(area)
    db.session.flush()
    return area


def sync(places: Sequence[Listed] | None = None) -> int:
    """Make the areas no alias leads to yet; returns how many were made. Flushes only.

    Places that start at a nation or country go first, so loose ones find their home.
    """
    tree = Tree()
    made = 0
    listed = list(places) if places is not None else list(listed_places())
    for item in sorted(listed, key=lambda p: p.loose):
        keys, names = tree.place(item.names, item.loose)
        home = keys[0].rsplit("/", 1)[0] if "/" in keys[0] else ""
        parent = tree.areas.get(tree.aliases.get(home, 0)) if home else None
        for depth, alias in enumerate(keys):
            area_id = tree.aliases.get(alias)
            if area_id is None or area_id not in tree.areas:
                area = _new_area(names[depth], parent)
                db.session.add(AreaAlias(key=alias, area_id=area.id))
                tree.areas[area.id], tree.aliases[alias] = area, area.id
                tree._suffixes()[alias.rsplit("/", 1)[-1]].add(alias)
                tree.__dict__.pop("_placed", None)  # placements may change with a new area
                made += 1
            parent = tree.areas[tree.aliases[alias]]
    db.session.flush()
    return made


def current_tree() -> tuple[Tree, list[Listed]]:
    """The tree with every listed place in it (made now if new data came in), for a page.

    Imports and edits elsewhere add places at any time, so a page looks first and makes what
    is missing, in its own transaction. Two visitors doing so at once: the second's insert
    fails on the unique alias, and it reads what the first made.
    """
    places = list(listed_places())
    tree = Tree()
    if any(not tree.knows(p.names, p.loose) for p in places):
        try:
            sync(places)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
        tree = Tree()
    return tree, places


def members(tree: Tree, places: Sequence[Listed]) -> dict[int, list[Listed]]:
    """The listings whose own (narrowest) area is each area."""
    found: dict[int, list[Listed]] = defaultdict(list)
    for listed in places:
        area, _rest = tree.resolve(listed.names, listed.loose)
        if area is not None:
            found[area.id].append(listed)
    return found


def _request_tree() -> Tree:
    """One Tree per request (the feed asks for every meeting), never kept across two."""
    asked = request._get_current_object() if has_request_context() else None  # type: ignore[attr-defined]
    cached = g.get("_area_tree")
    if cached is None or cached[0] is not asked:
        cached = g._area_tree = (asked, Tree())
    return cached[1]


def place_regions(venue: Any) -> list[str]:
    """The areas of a venue (or a feed's planned venue, a dict), broadest first.

    Read-only: a place not yet made into areas gives its own tidied names. An approximate
    place (an online meeting's rough town) is in no area.
    """
    field = venue.get if isinstance(venue, dict) else lambda name: getattr(venue, name, "")
    if venue is None or field("approximate"):
        return []
    place = Place(
        field("country") or "",
        field("region") or field("state") or "",
        field("city") or "",
        field("postcode") or "",
    )
    names = path(place)
    if not names:
        return []
    tree = _request_tree()
    area, rest = tree.resolve(names, _loose(place))
    return (tree.names_of(area) if area is not None else []) + rest


def feed_regions(meeting: Meeting) -> list[str]:
    """A meeting's area and those above it, broadest first (Meeting Guide `regions`)."""
    return place_regions(meeting.venue)


def drop_derived_regions(values: dict[str, Any], venue: dict[str, Any] | None) -> None:
    """Forget a feed's `regions` when they are just what our areas say for its place.

    Our own feed gives every meeting its areas' names; storing them back on import would pin
    them, so a later rename or merge would no longer show. Other regions are kept as given.
    """
    if values.get("regions") and values["regions"] == place_regions(venue):
        values["regions"] = []


# Edits ------------------------------------------------------------------------------------


def rename(area: Area, name: str) -> None:
    shown = tidy(name)
    if not shown:
        raise AreaError("empty")
    if len(shown) > LONGEST_NAME:
        raise AreaError("long")
    area.name = shown
    db.session.flush()


def move(tree: Tree, area: Area, parent: Area | None) -> None:
    """Put the area under another (None: at the top). Never under itself or its own."""
    if parent is not None and parent.id in tree.descendants(area):
        raise AreaError("loop")
    area.parent_id = parent.id if parent is not None else None
    db.session.flush()


def merge(tree: Tree, source: Area, target: Area) -> None:
    """Fold `source` into `target`: its places, aliases and sub-areas all move across."""
    if source.id == target.id:
        raise AreaError("same")
    if target.id in tree.descendants(source):
        target.parent_id = source.parent_id  # the target was below: lift it to source's place
    db.session.execute(
        update(Area)
        .where(Area.parent_id == source.id, Area.id != target.id)
        .values(parent_id=target.id)
    )
    db.session.execute(
        update(AreaAlias).where(AreaAlias.area_id == source.id).values(area_id=target.id)
    )
    db.session.flush()
    db.session.execute(delete(Area).where(Area.id == source.id))
    db.session.expire_all()


__all__ = [
    "AreaError", "Listed", "Tree", "current_tree", "feed_regions", "listed_places", "members",
    "merge", "move", "rename", "sync",
]  # fmt: skip
