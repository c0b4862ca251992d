"""HSDS 3 records for meetings (weekly services with places) and peers' services (areas only).

See hsds.py for the id scheme. A peer's service carries no personal data: no name, bio, gender,
phone, email, page link (its slug holds the name) or exact point, only the area and its centre
rounded to about a kilometre.
"""

from __future__ import annotations

from community_hub.auth.models import utcnow
from community_hub.geo.countries import country_code
from community_hub.geo.privacy import shown
from community_hub.interop.hsds import (
    Record,
    _attribute,
    _clean,
    _languages,
    _timestamp,
    _timezone_attribute,
    organization,
    stable_id,
    utc_offset,
)
from community_hub.meetings.models import Attendance, Meeting, Venue
from community_hub.meetings.one_offs import closed_on
from community_hub.meetings.types import type_name
from community_hub.people.models import PeerSupporter
from community_hub.people.vocab import LANGUAGES as PEER_LANGUAGES
from community_hub.people.vocab import OFFERS, PATHWAYS
from community_hub.urls import site_url

DAY_CODES = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # Meeting.day: 0 = Sunday


def meeting_id(meeting: Meeting) -> str:
    return stable_id("meeting", meeting.slug)


def peer_id(peer: PeerSupporter) -> str:
    return stable_id("peer", peer.slug)


# ---- meetings --------------------------------------------------------------------------------


def venue_location_id(
    name: str, postcode: str, latitude: float | None, longitude: float | None
) -> str:
    """A venue's place: the same id wherever the venue is used, new when it moves."""
    return stable_id("venue", name, postcode, latitude, longitude)


def online_location_id(slug: str) -> str:
    """A meeting's online room."""
    return stable_id("meeting-online", slug)


def place_link_id(record_id: str, location_id: str) -> str:
    """The service_at_location id of a meeting's service at one of its places."""
    return stable_id("service-at-location", record_id, location_id)


def peer_place_link_id(slug: str) -> str:
    """The service_at_location id of a peer's service in their area."""
    return stable_id("peer-service-at-location", slug)


def _venue_location(meeting: Meeting, venue: Venue) -> Record:
    location_id = venue_location_id(venue.name, venue.postcode, venue.latitude, venue.longitude)
    address = {
        "id": stable_id("venue-address", location_id),
        "location_id": location_id,
        "address_1": venue.address,
        "city": venue.city,
        "state_province": venue.state or venue.region or venue.city,
        "postal_code": venue.postcode,
        "country": country_code(venue.country),
        "address_type": "physical",
    }
    latitude, longitude = shown(venue.latitude, venue.longitude, venue.approximate)
    return _clean(
        {
            "id": location_id,
            "location_type": "physical",
            "name": venue.label,
            "description": venue.location_notes,
            "latitude": latitude,
            "longitude": longitude,
            "addresses": [address] if venue.address else [],
            "accessibility": [
                {"id": stable_id("accessibility", location_id), "location_id": location_id}
                | {"description": venue.accessibility_notes}
            ]
            if venue.accessibility_notes
            else [],
        }
    )


def _meeting_locations(meeting: Meeting, record_id: str) -> list[Record]:
    places = []
    venue = meeting.venue
    if venue is not None and not venue.approximate and "TC" not in meeting.type_list:
        places.append(_venue_location(meeting, venue))
    if meeting.conference_url:
        online_id = online_location_id(meeting.slug)
        places.append(
            _clean(
                {
                    "id": online_id,
                    "location_type": "virtual",
                    "name": "Online",
                    "url": meeting.conference_url,
                    "description": meeting.conference_url_notes,
                }
            )
        )
    return [
        {
            "id": place_link_id(record_id, place["id"]),
            "service_id": record_id,
            "location_id": place["id"],
            "location": place,
        }
        for place in places
    ]


MONTHLY_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


def meeting_schedule(meeting: Meeting, record_id: str) -> Record:
    """The meeting's HSDS schedule: WEEKLY on its day, or MONTHLY on the nth (BYDAY=1SA).

    A meeting that runs past midnight closes at its (earlier) end time on the next day, and
    says so; the next one-off closure, if any, bounds the schedule's validity in words.
    """
    day = DAY_CODES[meeting.day]
    every = f"Every {meeting.day_name}"
    freq, byday = "WEEKLY", day
    if meeting.monthly_week is not None:
        freq, byday = "MONTHLY", f"{meeting.monthly_week}{day}"
        every = f"The {MONTHLY_WORDS[meeting.monthly_week]} {meeting.day_name} of the month"
    end = meeting.end_time.strftime("%H:%M") if meeting.end_time else ""
    description = f"{every} at {meeting.start_time:%H:%M}"
    if meeting.crosses_midnight:
        description += f", until {end} the next day"
    return {
        "id": stable_id("meeting-schedule", meeting.slug),
        "service_id": record_id,
        "freq": freq,
        "wkst": "MO",
        "byday": byday,
        "opens_at": meeting.start_time.strftime("%H:%M"),
        "closes_at": end,
        "timezone": utc_offset(meeting.timezone),
        "description": description,
        "notes": f"Local times in {meeting.timezone}.",
        "attending_type": meeting.attendance,
    }


def meeting_record(meeting: Meeting, full: bool = True) -> Record:
    record_id = meeting_id(meeting)
    types = ", ".join(type_name(code) for code in meeting.type_list)
    often = "monthly" if meeting.is_monthly else "weekly"
    description = " ".join(
        part
        for part in (
            f"A {often} {meeting.fellowship.name} meeting ({types})."
            if types
            else f"A {often} {meeting.fellowship.name} meeting.",
            meeting.notes,
        )
        if part
    )
    closed = meeting.attendance == Attendance.INACTIVE.value or closed_on(meeting, utcnow().date())
    record = _clean(
        {
            "id": record_id,
            "organization_id": organization(meeting.organisation)["id"],
            "name": meeting.name,
            "alternate_name": meeting.group_name,
            "description": description,
            "url": site_url("meetings.meeting", slug=meeting.slug),
            "status": "temporarily closed" if closed else "active",
            "fees_description": "Free. Groups pass a collection; nobody has to give.",
            "assured_date": meeting.last_confirmed.isoformat() if meeting.last_confirmed else "",
            "last_modified": _timestamp(meeting.updated_at),
            "organization": organization(meeting.organisation),
        }
    )
    if not full:
        return record
    phones = []
    if meeting.conference_phone:
        phones.append(
            _clean(
                {
                    "id": stable_id("meeting-phone", meeting.slug),
                    "service_id": record_id,
                    "number": meeting.conference_phone,
                    "description": meeting.conference_phone_notes or "Join by phone",
                }
            )
        )
    attributes = [_timezone_attribute(record_id, meeting.timezone)]
    attributes += [
        _attribute(record_id, "meeting_guide_types", code, type_name(code))
        for code in meeting.type_list
    ]
    extra = {
        "schedules": [_clean(meeting_schedule(meeting, record_id))],
        "phones": phones,
        "service_at_locations": _meeting_locations(meeting, record_id),
        "attributes": attributes,
    }
    return record | _clean(extra)


# ---- peers' services -------------------------------------------------------------------------


def peer_record(peer: PeerSupporter, full: bool = True) -> Record:
    """A peer's offer as a service of their organisation: the area, never the person."""
    record_id = peer_id(peer)
    org = peer.organisation
    offers = "; ".join(str(OFFERS[o]) for o in peer.offer_list if o in OFFERS)
    role = "A paid peer worker" if peer.paid else "A volunteer"
    description = (
        f"{role} with lived experience of recovery offers peer support in {peer.area} "
        f"through {org.name}."
        + (f" Offers: {offers}." if offers else "")
        + f" Ask {org.name} to be put in touch; they pass your message on."
    )
    record = _clean(
        {
            "id": record_id,
            "organization_id": organization(org)["id"],
            "name": f"Peer support in {peer.area}",
            "description": description,
            "url": site_url("people.peers"),
            "status": "active",
            "fees_description": "Free.",
            "assured_date": peer.last_confirmed.isoformat() if peer.last_confirmed else "",
            "last_modified": _timestamp(peer.updated_at),
            "organization": organization(org),
        }
    )
    if not full:
        return record
    area = _clean(
        {
            "id": stable_id("peer-location", peer.slug),
            "location_type": "physical",
            "name": peer.area,
            "description": "The centre of the area covered, not an address.",
            # A peer is placed by the centre of the area they cover, never finer than ~1 km.
            "latitude": shown(peer.latitude, peer.longitude, True)[0],
            "longitude": shown(peer.latitude, peer.longitude, True)[1],
        }
    )
    extra = {
        "service_areas": [
            {"id": stable_id("peer-area", peer.slug), "service_id": record_id, "name": peer.area}
        ],
        "service_at_locations": [
            {
                "id": peer_place_link_id(peer.slug),
                "service_id": record_id,
                "location_id": area["id"],
                "location": area,
            }
        ],
        "languages": _languages(record_id, peer.language_list, PEER_LANGUAGES),
        "attributes": [
            _attribute(record_id, "pathways", code, str(PATHWAYS[code]))
            for code in peer.pathway_list
            if code in PATHWAYS
        ],
    }
    return record | _clean(extra)
