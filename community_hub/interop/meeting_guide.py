"""The code4recovery Meeting Guide feed: one JSON object per weekly meeting, whole.

Field rules follow the spec's README (see shared/reference/meeting-guide): `day` 0 = Sunday,
`time`/`end_time` local HH:MM (an end before the start runs past midnight), `timezone` an
IANA name, `updated` in UTC. What readers need to show every meeting:

- every meeting carries a place: an online-only meeting gets an approximate one (its group's
  town, else the organisation's area, else the largest town on the meeting's clock), with its
  country and `approximate: "yes"`, never a whole country;
- only the spec's own type codes: our local codes (HL, MAR, BSL, CY) stay on our pages;
- no empty strings and no empty fields;
- monthly meetings are left out: the feed is for weekly meetings only.

Our own meetings' `regions` are their area and the areas above it, broadest first (areas/).
Imported meetings carry what their source said (the whole address as given, `regions`,
`group_notes`, contacts, 7th Tradition, the source's `entity_*`), so a round trip loses nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from community_hub.areas.services import feed_regions
from community_hub.extensions import db
from community_hub.geo.countries import country_name, largest_town_in
from community_hub.geo.geocode import geocode
from community_hub.geo.privacy import coarse, shown
from community_hub.meetings.models import Meeting

BATCH = 1000
DIAL_IN_NOISE = re.compile(r"[\s().\-]")
DIALABLE = re.compile(r"^\+?[0-9][0-9,*#]*")


@cache
def spec_types() -> frozenset[str]:
    """The spec's type codes (its types.json), without proposed or local ones."""
    data = resources.files("community_hub.meetings") / "data" / "types.json"
    return frozenset(json.loads(data.read_text("utf-8")))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def dial_in(number: str) -> str:
    """A dial-in number as the spec asks: digits, a leading +, and , * # for one-tap.

    Spaces, dashes, dots and brackets go; anything a phone cannot dial (a passcode written
    in letters) ends it, with the pauses before it. Our own page shows the number whole.
    """
    found = DIALABLE.match(DIAL_IN_NOISE.sub("", number))
    return found.group(0).rstrip(",") if found else ""


class Places:
    """Approximate places for online-only meetings, worked out once per area and zone."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, str, str], dict[str, Any]] = {}

    def for_meeting(self, meeting: Meeting) -> dict[str, Any]:
        org = meeting.organisation
        key = (org.area, org.timezone, meeting.timezone)
        if key not in self.known:
            self.known[key] = _approximate_place(*key)
        return self.known[key]


def _approximate_place(area: str, org_zone: str, zone: str) -> dict[str, Any]:
    """The organisation's area when it keeps the meeting's clock; else the zone's big town."""
    biggest = largest_town_in(zone)
    code = biggest.country if biggest else ""
    if area and org_zone == zone:
        for part in re.split(r",| and ", area):
            found = geocode(part.strip()) if part.strip() else None
            if found is not None:
                latitude, longitude = coarse(found.latitude, found.longitude)
                return _place(found.label, code, latitude, longitude)
        return _place(area, code, None, None)
    if biggest is None:
        return {}
    latitude, longitude = coarse(biggest.latitude, biggest.longitude)
    return _place(biggest.name, biggest.country, latitude, longitude)


def _place(town: str, code: str, latitude: float | None, longitude: float | None) -> dict:
    country = country_name(code)
    return {
        "formatted_address": f"{town}, {country}" if country else town,
        "city": town,
        "country": code,
        "latitude": latitude,
        "longitude": longitude,
        "approximate": "yes",
    }


def _venue_place(meeting: Meeting) -> dict[str, Any]:
    venue = meeting.venue
    assert venue is not None
    latitude, longitude = shown(venue.latitude, venue.longitude, venue.approximate)
    return {
        "location": venue.name,
        "location_notes": venue.location_notes,
        "formatted_address": venue.formatted_address,
        "address": venue.address,
        "city": venue.city,
        "state": venue.state,
        "postal_code": venue.postcode,
        "country": venue.country,
        "latitude": latitude,
        "longitude": longitude,
        "approximate": "yes" if venue.approximate else "no",
    }


def _entity(meeting: Meeting) -> dict[str, Any]:
    """The body responsible for the listing: the source's, else the organisation keeping it."""
    if meeting.entity:
        return dict(meeting.entity)
    org = meeting.organisation
    return {"entity": org.name, "entity_location": org.area}


def feed_row(
    meeting: Meeting, url: str, feedback_url: str, places: Places | None = None
) -> dict[str, Any]:
    """A meeting as a Meeting Guide feed object. Contacts only if the group chose to publish."""
    row: dict[str, Any] = {
        "name": meeting.name,
        "slug": meeting.slug,
        "day": meeting.day,
        "time": meeting.start_time.strftime("%H:%M"),
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else None,
        "timezone": meeting.timezone,
        "types": [code for code in meeting.type_list if code in spec_types()],
        "notes": meeting.notes,
        "group": meeting.group_name,
        "group_notes": meeting.group_notes,
        "region": meeting.region,
        "sub_region": meeting.sub_region,
        "regions": list(meeting.regions or []) or feed_regions(meeting),
        "district": meeting.district,
        "conference_url": meeting.conference_url,
        "conference_url_notes": meeting.conference_url_notes,
        "conference_phone": dial_in(meeting.conference_phone),
        "conference_phone_notes": meeting.conference_phone_notes,
        "venmo": meeting.venmo,
        "square": meeting.square,
        "paypal": meeting.paypal,
        "updated": meeting.updated_at.strftime("%Y-%m-%d %H:%M:%S"),
        "url": url,
        "feedback_url": feedback_url,
    }
    if meeting.venue is not None:
        row.update(_venue_place(meeting))
    else:
        place = (places or Places()).for_meeting(meeting)
        row.update(place)
        row["region"] = meeting.region or place.get("city")
    if meeting.contact_public:
        for n, (name, email, phone) in enumerate(meeting.contacts, start=1):
            row.update(
                {
                    f"contact_{n}_name": name,
                    f"contact_{n}_email": email,
                    f"contact_{n}_phone": phone,
                }
            )
    row.update(_entity(meeting))
    return {key: value for key, value in row.items() if not _empty(value)}


def in_feed(meeting: Meeting) -> bool:
    """Weekly meetings only: the spec has no monthly meetings."""
    return meeting.monthly_week is None


def iter_feed_rows(
    urls: Callable[[Meeting], tuple[str, str]], organisation_id: int | None = None
) -> Iterator[dict[str, Any]]:
    """Feed rows for every listed weekly meeting, reading the database a batch at a time."""
    stmt = (
        select(Meeting)
        .where(Meeting.archived_at.is_(None), Meeting.monthly_week.is_(None))
        .options(joinedload(Meeting.venue), joinedload(Meeting.organisation))
        .order_by(Meeting.id)
        .execution_options(yield_per=BATCH)
    )
    if organisation_id is not None:
        stmt = stmt.where(Meeting.organisation_id == organisation_id)
    places = Places()
    for meeting in db.session.scalars(stmt):
        url, feedback = urls(meeting)
        yield feed_row(meeting, url, feedback, places)


def stream_feed(
    urls: Callable[[Meeting], tuple[str, str]], organisation_id: int | None = None
) -> Iterator[str]:
    """The whole feed as JSON text in pieces, never holding every meeting at once."""
    yield "["
    first = True
    for row in iter_feed_rows(urls, organisation_id):
        text = json.dumps(row, ensure_ascii=False, separators=(",", ":"))
        yield text if first else "," + text
        first = False
    yield "]"


__all__ = ["feed_row", "in_feed", "iter_feed_rows", "spec_types", "stream_feed"]
