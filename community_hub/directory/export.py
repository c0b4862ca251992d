"""The public JSON shape of nearby listings: only what the public pages show."""

from __future__ import annotations

from typing import Any

from flask import url_for

from community_hub.directory.services import Nearby
from community_hub.meetings.listing import flat_meeting, meeting_json, meeting_page_url


def _km(value: float) -> float:
    return round(value, 1)


def nearby_json(found: Nearby) -> dict[str, Any]:
    page_url = meeting_page_url()
    return {
        "meetings": [
            meeting_json(
                flat_meeting(r.meeting), r.distance_km, r.occurrence, r.in_progress, page_url
            )
            for r in found.meetings
        ],
        "peers": [
            {
                "name": p.display_name,
                "area": p.area,
                "organisation": p.organisation.name,
                "languages": p.language_list,
                "offers": p.offer_list,
                "pathways": p.pathway_list,
                "distance_km": _km(d),
                "url": url_for("people.peer", peer_id=p.id, _external=True),
            }
            for d, p in found.peers
        ],
        "champions": [
            {
                "name": c.display_name,
                "level": c.level,
                "area": c.area,
                "distance_km": _km(d),
                "url": url_for("people.champion", champion_id=c.id, _external=True),
            }
            for d, c in found.champions
        ],
        "resources": [
            {
                "id": s.id,
                "name": s.name,
                "category": s.taxonomy_term.code if s.taxonomy_term else None,
                "address": ", ".join(p for p in (loc.address_1, loc.city, loc.postcode) if p),
                "distance_km": _km(d),
                "url": url_for("resources.resource", service_id=s.id, _external=True),
            }
            for d, s, loc in found.resources
        ],
    }
