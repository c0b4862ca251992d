"""A meeting as the public JSON lists show it (the search API and the directory's nearby API).

Both read the few columns a list shows with one plain query (`meeting_rows`, or
`plain_meetings` for `search_with`), without building full ORM objects: half the cost of
loading the page's rows, which is most of what a search costs beyond its index lookup.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from typing import Any, cast

from sqlalchemy import Select, select

from community_hub.extensions import db
from community_hub.geo.privacy import shown
from community_hub.meetings.models import Fellowship, Meeting, Venue, decode_types
from community_hub.meetings.schedule import Occurrence
from community_hub.meetings.venue_models import format_address
from community_hub.sqlparams import named_rows, one_of
from community_hub.urls import fill, site_url_pattern


def meeting_rows(ids: Collection[int]) -> dict[int, Mapping[str, Any]]:
    """The listed fields of these meetings, by id, in one query."""
    rows = plain_meetings(ids)
    return {meeting_id: row._asdict() for meeting_id, row in rows.items()}


# A named tuple of `_rows_statement`'s columns (sqlparams.named_rows).
MeetingRow = Any


def plain_meetings(ids: Collection[int]) -> dict[int, MeetingRow]:
    """The same as rows, which read as a meeting does (`row.latitude`): for `search_with`."""
    if not ids:
        return {}
    statement = _rows_statement(db.engine.dialect.name)
    rows = named_rows(statement, {"ids": list(ids)})  # plain rows: no ORM
    return {row.id: row for row in rows}


@functools.cache
def _rows_statement(dialect: str) -> Select[Any]:
    columns = (
        Meeting.id, Meeting.slug, Meeting.name, Fellowship.slug.label("fellowship"),
        Meeting.day, Meeting.start_time, Meeting.end_time, Meeting.timezone, Meeting.types,
        Meeting.attendance, Meeting.latitude, Meeting.longitude, Meeting.region,
        Meeting.conference_url, Meeting.conference_phone, Meeting.last_confirmed,
        Meeting.updated_at, Venue.id.label("venue_id"),
        Venue.approximate.label("venue_approximate"), Venue.name.label("venue_name"),
        Venue.address.label("venue_address"), Venue.city.label("venue_city"),
        Venue.postcode.label("venue_postcode"),
    )  # fmt: skip
    statement = (
        cast("Select[Any]", select(*columns))
        .join(Fellowship, Fellowship.id == Meeting.fellowship_id)
        .outerjoin(Venue, Venue.id == Meeting.venue_id)
        .where(one_of(Meeting.id, "ids", dialect))
    )
    return statement


def meeting_json(
    m: Mapping[str, Any],
    distance_km: float | None,
    occurrence: Occurrence,
    in_progress: bool,
    page_url: str,
) -> dict[str, Any]:
    """One meeting in a list; page_url is the meeting page's address with {slug} in it."""
    physical = m["venue_id"] is not None and not m["venue_approximate"]
    address = format_address(m["venue_address"], m["venue_city"], m["venue_postcode"])
    latitude, longitude = shown(m["latitude"], m["longitude"], bool(m["venue_approximate"]))
    return {
        "slug": m["slug"],
        "name": m["name"],
        "fellowship": m["fellowship"],
        "day": m["day"],
        "time": m["start_time"].strftime("%H:%M"),
        "end_time": m["end_time"].strftime("%H:%M") if m["end_time"] else None,
        "timezone": m["timezone"],
        "types": decode_types(m["types"]),
        "attendance": m["attendance"],
        "distance_km": round(distance_km, 3) if distance_km is not None else None,
        "latitude": latitude,
        "longitude": longitude,
        "approximate": not physical,
        "location": (m["venue_name"] or None) if physical else None,
        "formatted_address": address if physical else None,
        "region": m["region"],
        "conference_url": m["conference_url"] or None,
        "conference_phone": m["conference_phone"] or None,
        "next_start": occurrence.start.isoformat().replace("+00:00", "Z"),
        "in_progress": in_progress,
        "last_confirmed": m["last_confirmed"].isoformat() if m["last_confirmed"] else None,
        "updated": m["updated_at"].isoformat() + "Z",
        "url": fill(page_url, "slug", m["slug"]),
    }


def meeting_page_url() -> str:
    """A meeting page's full address with {slug} in it (see `urls.site_url_pattern`)."""
    return site_url_pattern("meetings.meeting", "slug")
