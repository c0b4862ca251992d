"""The code4recovery Meeting Guide feed: one JSON object per weekly meeting.

Field rules follow the spec's README (see shared/reference/meeting-guide): `day` 0 = Sunday,
`time`/`end_time` local HH:MM, `timezone` an IANA name, `types` the spec's codes,
`approximate: "yes"` for an address that only places an online meeting, `updated` in UTC.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from community_hub.extensions import db
from community_hub.geo.privacy import shown
from community_hub.meetings.models import Meeting

BATCH = 1000


def feed_row(meeting: Meeting, url: str, feedback_url: str) -> dict[str, Any]:
    """A meeting as a Meeting Guide feed object. Contacts only if the group chose to publish."""
    venue = meeting.venue
    row: dict[str, Any] = {
        "name": meeting.name,
        "slug": meeting.slug,
        "day": meeting.day,
        "time": meeting.start_time.strftime("%H:%M"),
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else "",
        "timezone": meeting.timezone,
        "types": meeting.type_list,
        "notes": meeting.notes,
        "group": meeting.group_name,
        "region": meeting.region,
        "conference_url": meeting.conference_url,
        "conference_url_notes": meeting.conference_url_notes,
        "conference_phone": meeting.conference_phone,
        "conference_phone_notes": meeting.conference_phone_notes,
        "updated": meeting.updated_at.strftime("%Y-%m-%d %H:%M:%S"),
        "url": url,
        "feedback_url": feedback_url,
    }
    if venue is not None:
        latitude, longitude = shown(venue.latitude, venue.longitude, venue.approximate)
        row.update(
            {
                "location": venue.name,
                "location_notes": venue.location_notes,
                "formatted_address": venue.formatted_address,
                "address": venue.address,
                "city": venue.city,
                "postal_code": venue.postcode,
                "country": venue.country,
                "latitude": latitude,
                "longitude": longitude,
                "approximate": "yes" if venue.approximate else "no",
            }
        )
    else:
        row["approximate"] = "yes"
    if meeting.contact_public and meeting.contact_name:
        row["contact_1_name"] = meeting.contact_name
        row["contact_1_email"] = meeting.contact_email
        row["contact_1_phone"] = meeting.contact_phone
    return row


def iter_feed_rows(
    urls: Callable[[Meeting], tuple[str, str]], organisation_id: int | None = None
) -> Iterator[dict[str, Any]]:
    """Feed rows for every listed meeting, reading the database a batch at a time."""
    stmt = (
        select(Meeting)
        .where(Meeting.archived_at.is_(None))
        .options(joinedload(Meeting.venue))
        .order_by(Meeting.id)
        .execution_options(yield_per=BATCH)
    )
    if organisation_id is not None:
        stmt = stmt.where(Meeting.organisation_id == organisation_id)
    for meeting in db.session.scalars(stmt):
        url, feedback = urls(meeting)
        yield feed_row(meeting, url, feedback)


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
