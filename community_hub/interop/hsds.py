"""Open Referral HSDS 3 records for our resources, meetings and peers' services.

Resources are already HSDS-shaped and keep their UUIDs. Meetings, peers and organisations
have integer keys, so their HSDS ids are UUID5s of a fixed namespace and their slug: the same
record gets the same id in every database and every export.

Peers are exported as "Peer support in <area>", a service of their organisation, with no
personal data: no name, bio, gender, phone, email, page link (its slug holds the name) or exact
point; only the area's name and its centre rounded to about a kilometre.

Meetings and peers are mapped in hsds_meetings.py. Empty values are left out (HSDS checks
`url` and `email` formats, and "" is neither).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from community_hub.auth.models import Organisation
from community_hub.geo.privacy import shown
from community_hub.resources.models import Location, LocationType, Service
from community_hub.resources.validation import LANGUAGES

# Fixed for ever: changing it changes every exported meeting, peer and organisation id.
NAMESPACE = uuid.UUID("0b7d3f4e-2a51-5c8e-9f3a-6c1d2e4b7a90")
ORGANISATION_KINDS = {
    "peer_group": "A peer-led recovery group",
    "treatment": "A treatment and recovery service",
    "fellowship": "A mutual aid fellowship's intergroup or service body",
    "community": "A community organisation",
    "commissioner": "A commissioner of recovery services",
}
Record = dict[str, Any]


def stable_id(kind: str, *key: object) -> str:
    """The HSDS id of a record we key by slug: uuid5("meeting:<slug>") and so on."""
    return str(uuid.uuid5(NAMESPACE, ":".join([kind, *map(str, key)])))


def utc_offset(timezone: str, now: datetime | None = None) -> float:
    """Hours east of UTC in force now in an IANA zone (HSDS `timezone` is a number)."""
    offset = (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)).utcoffset()
    hours = offset.total_seconds() / 3600 if offset else 0.0
    return int(hours) if hours.is_integer() else hours


def _clean(record: Record) -> Record:
    return {k: v for k, v in record.items() if v not in ("", None, [])}


def _timestamp(value: datetime) -> str:
    """Our naive-UTC datetimes as RFC 3339."""
    return value.replace(microsecond=0).isoformat() + "Z"


def _attribute(owner_id: str, taxonomy: str, code: str, name: str, value: str = "") -> Record:
    term_id = stable_id("term", taxonomy, code)
    term = {"id": term_id, "code": code, "name": name, "description": name, "taxonomy": taxonomy}
    return _clean(
        {
            "id": stable_id("attribute", owner_id, taxonomy, code),
            "link_id": owner_id,
            "link_type": taxonomy,
            "link_entity": "service",
            "taxonomy_term_id": term_id,
            "value": value,
            "taxonomy_term": term,
        }
    )


def _timezone_attribute(owner_id: str, timezone: str) -> Record:
    return _attribute(owner_id, "timezone", "iana_timezone", "IANA time zone", timezone)


def organization(org: Organisation) -> Record:
    kind = ORGANISATION_KINDS.get(org.kind, "An organisation")
    return {
        "id": stable_id("organisation", org.slug),
        "name": org.name,
        "description": f"{kind} in {org.area}." if org.area else f"{kind}.",
    }


def _languages(owner_id: str, codes: list[str], names: dict[str, Any]) -> list[Record]:
    return [
        _clean(
            {
                "id": stable_id("language", owner_id, code),
                "service_id": owner_id,
                "code": code,
                "name": str(names.get(code, "")),
            }
        )
        for code in codes
    ]


# ---- resources -------------------------------------------------------------------------------


def _address(place: Location) -> list[Record]:
    if place.approximate or not place.address_1:
        return []
    return [
        {
            "id": stable_id("address", place.id),
            "location_id": place.id,
            "address_1": place.address_1,
            "city": place.city,
            "state_province": place.region or place.city,
            "postal_code": place.postcode,
            "country": place.country,
            "address_type": "physical",
        }
    ]


def _resource_location(service: Service, place: Location) -> Record:
    virtual = place.location_type == LocationType.VIRTUAL.value
    notes = place.accessibility_notes
    position = shown(place.latitude, place.longitude, place.approximate)
    return _clean(
        {
            "id": place.id,
            "location_type": "virtual" if virtual else "physical",
            "url": service.url if virtual else "",
            "organization_id": organization(service.organisation)["id"],
            "name": place.name,
            "description": "Shown at the town centre: the address is not published."
            if place.approximate
            else "",
            "latitude": None if virtual else position[0],
            "longitude": None if virtual else position[1],
            "addresses": _address(place),
            "accessibility": [
                {"id": stable_id("accessibility", place.id), "location_id": place.id}
                | {"description": notes}
            ]
            if notes
            else [],
        }
    )


def resource_record(service: Service, full: bool = True) -> Record:
    record = _clean(
        {
            "id": service.id,
            "organization_id": organization(service.organisation)["id"],
            "name": service.name,
            "alternate_name": service.alternate_name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "application_process": service.application_process,
            "fees_description": service.fees_description,
            "eligibility_description": service.eligibility_description,
            "assured_date": service.last_confirmed.isoformat() if service.last_confirmed else "",
            "last_modified": _timestamp(service.updated_at),
            "organization": organization(service.organisation),
        }
    )
    if not full:
        return record
    place = service.location
    timezone = place.timezone if place is not None else "Europe/London"
    offset = utc_offset(timezone)
    attributes = [_timezone_attribute(service.id, timezone)]
    term = service.taxonomy_term
    if term is not None:
        # The term's id is the stable one (of its taxonomy and code), as in /api/oruk/.
        category = _attribute(service.id, term.taxonomy, term.code, term.term)
        category["taxonomy_term"]["description"] = term.description or term.term
        attributes.append(category)
    if service.pathways_welcome:
        attributes.append(
            _attribute(
                service.id,
                "pathways",
                "pathways_welcome",
                "Pathways welcome",
                service.pathways_welcome,
            )
        )
    extra = {
        "phones": [
            _clean(
                {
                    "id": p.id,
                    "service_id": service.id,
                    "number": p.number,
                    "description": p.description,
                }
            )
            for p in service.phones
        ],
        "schedules": [
            _clean(
                {
                    "id": s.id,
                    "service_id": service.id,
                    "freq": s.freq,
                    "byday": s.byday,
                    "opens_at": s.opens_at.strftime("%H:%M") if s.opens_at else "",
                    "closes_at": s.closes_at.strftime("%H:%M") if s.closes_at else "",
                    "timezone": offset,
                    "description": s.description,
                    "notes": f"Local times in {timezone}.",
                }
            )
            for s in service.schedules
        ],
        "service_at_locations": [
            {
                "id": link.id,
                "service_id": service.id,
                "location_id": link.location_id,
                "location": _resource_location(service, link.location),
            }
            for link in service.service_at_locations
        ],
        "languages": _languages(service.id, service.language_list, LANGUAGES),
        "attributes": attributes,
    }
    return record | _clean(extra)
