"""The public JSON shape of nearby listings: only what the public pages show."""

from __future__ import annotations

from typing import Any

from community_hub.directory.services import Nearby
from community_hub.meetings.listing import meeting_json, meeting_page_url
from community_hub.people.vocab import from_column
from community_hub.urls import fill, site_url_pattern


def _km(value: float) -> float:
    return round(value, 1)


def nearby_json(found: Nearby) -> dict[str, Any]:
    """The listings of `search_nearby(..., plain=True)`, whose rows hold just these fields."""
    page_url = meeting_page_url()
    peer_url = site_url_pattern("people.peer", "peer_id", number=True)
    champion_url = site_url_pattern("people.champion", "champion_id", number=True)
    resource_url = site_url_pattern("resources.resource", "service_id")
    return {
        "meetings": [
            meeting_json(r.meeting._asdict(), r.distance_km, r.occurrence, r.in_progress, page_url)
            for r in found.meetings
        ],
        "peers": [
            {
                "name": p.display_name,
                "area": p.area,
                "organisation": p.organisation,
                "languages": from_column(p.languages),
                "offers": from_column(p.offers),
                "pathways": from_column(p.pathways),
                "distance_km": _km(d),
                "url": fill(peer_url, "peer_id", p.id),
            }
            for d, p in found.peers
        ],
        "champions": [
            {
                "name": c.display_name,
                "level": c.level,
                "area": c.area,
                "distance_km": _km(d),
                "url": fill(champion_url, "champion_id", c.id),
            }
            for d, c in found.champions
        ],
        "resources": [
            {
                "id": s.id,
                "name": s.name,
                "category": s.category,
                "address": ", ".join(p for p in (loc.address_1, loc.city, loc.postcode) if p),
                "distance_km": _km(d),
                "url": fill(resource_url, "service_id", s.id),
            }
            for d, s, loc in found.resources
        ],
    }
