"""One "near me" search across every kind of listing, using each kind's own spatial search."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from community_hub.meetings.listing import plain_meetings
from community_hub.meetings.search import MeetingQuery, search_meetings, search_with
from community_hub.people import search as people_search
from community_hub.people.services import search_champions, search_peers
from community_hub.resources import search as resources_search
from community_hub.resources.services import search_resources

KINDS = ("meetings", "peers", "champions", "resources")


@dataclass
class Nearby:
    """What is near a place, kind by kind, each list nearest first."""

    meetings: list[Any] = field(default_factory=list)  # MeetingResult
    peers: list[tuple[float, Any]] = field(default_factory=list)
    champions: list[tuple[float, Any]] = field(default_factory=list)
    resources: list[tuple[float, Any, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.meetings) + len(self.peers) + len(self.champions) + len(self.resources)


def search_nearby(
    lat: float,
    lng: float,
    radius_km: float,
    kinds: frozenset[str] = frozenset(KINDS),
    limit: int = 10,
    include_private_champions: bool = False,
    now: datetime | None = None,
    plain: bool = False,
) -> Nearby:
    """Up to `limit` of each chosen kind within `radius_km`, through each kind's own search.

    With `plain`, each listing is a plain row holding only what the public JSON shows
    (directory/export.py), read without the ORM; otherwise the objects the pages show.
    """
    found = Nearby()
    if "meetings" in kinds:
        # The nearby lists show no count of meetings: a dense town's is not computed.
        query = MeetingQuery(lat=lat, lng=lng, radius_km=radius_km, limit=limit, counted=False)
        query.now = now or datetime.now(UTC)
        found.meetings = (
            search_with(query, plain_meetings) if plain else search_meetings(query)
        ).results
    people_load = people_search.plain if plain else people_search.objects
    if "peers" in kinds:
        found.peers = search_peers(lat, lng, radius_km, limit=limit, load=people_load)
    if "champions" in kinds:
        found.champions = search_champions(
            lat,
            lng,
            radius_km,
            include_private=include_private_champions,
            limit=limit,
            load=people_load,
        )
    if "resources" in kinds:
        found.resources = search_resources(
            lat,
            lng,
            radius_km,
            limit=limit,
            load=resources_search.plain if plain else resources_search.objects,
        )
    return found
