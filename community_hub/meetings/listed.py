"""A meeting as a page of results shows it, read with one plain query instead of the ORM.

The finder page is what most people load, and loading its twenty meetings as ORM objects
(each with its venue and fellowship joined in, then read attribute by attribute for its card)
cost more than finding them. A ListedMeeting holds only what a card and `present` read, under
the same names as Meeting's, worked out by the same functions (tested against Meeting).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, time
from typing import Any, cast

from flask_babel import get_locale
from sqlalchemy import Select, select

from community_hub.extensions import db
from community_hub.meetings.models import (
    Fellowship,
    Meeting,
    decode_types,
    shown_fellowship_names,
    shown_meeting_name,
)
from community_hub.meetings.venue_models import Venue, venue_display_name
from community_hub.sqlparams import named_rows, one_of


@dataclass(frozen=True, slots=True)
class ListedVenue:
    approximate: bool
    display_name: str


@dataclass(frozen=True, slots=True)
class ListedFellowship:
    slug: str
    shown_short_name: str


@dataclass(frozen=True, slots=True)
class ListedMeeting:
    id: int
    slug: str
    shown_name: str  # in the reader's language
    day: int
    start_time: time
    end_time: time | None
    timezone: str
    types: str
    attendance: str
    latitude: float | None
    longitude: float | None
    region: str
    last_confirmed: date | None
    monthly_week: int | None
    venue: ListedVenue | None
    fellowship: ListedFellowship

    @property
    def type_list(self) -> list[str]:
        return decode_types(self.types)

    @property
    def crosses_midnight(self) -> bool:
        return self.end_time is not None and self.end_time < self.start_time


def listed_meetings(ids: set[int]) -> dict[int, ListedMeeting]:
    """These meetings as a list shows them, by id, in one query."""
    if not ids:
        return {}
    locale = str(get_locale() or "en")
    statement = _statement(db.engine.dialect.name)
    rows = named_rows(statement, {"ids": sorted(ids)})
    return {row.id: _listed(row, locale) for row in rows}


def _listed(row: Any, locale: str) -> ListedMeeting:
    venue = None
    if row.venue_id is not None:
        shown = venue_display_name(row.venue_name, row.full_address, row.address, row.city)
        venue = ListedVenue(bool(row.approximate), shown)
    short = shown_fellowship_names(row.fellowship_slug, row.fellowship_name, row.short_name)[1]
    return ListedMeeting(
        id=row.id,
        slug=row.slug,
        shown_name=shown_meeting_name(row.name, row.name_cy, locale),
        day=row.day,
        start_time=row.start_time,
        end_time=row.end_time,
        timezone=row.timezone,
        types=row.types,
        attendance=row.attendance,
        latitude=row.latitude,
        longitude=row.longitude,
        region=row.region,
        last_confirmed=row.last_confirmed,
        monthly_week=row.monthly_week,
        venue=venue,
        fellowship=ListedFellowship(row.fellowship_slug, short),
    )


@functools.cache
def _statement(dialect: str) -> Select[Any]:
    """Built on first use, once every model is mapped; reused with new ids."""
    columns = (
        Meeting.id, Meeting.slug, Meeting.name, Meeting.name_cy, Meeting.day,
        Meeting.start_time, Meeting.end_time, Meeting.timezone, Meeting.types,
        Meeting.attendance, Meeting.latitude, Meeting.longitude, Meeting.region,
        Meeting.last_confirmed, Meeting.monthly_week,
        Fellowship.slug.label("fellowship_slug"), Fellowship.name.label("fellowship_name"),
        Fellowship.short_name, Venue.id.label("venue_id"), Venue.approximate,
        Venue.name.label("venue_name"), Venue.full_address, Venue.address, Venue.city,
    )  # fmt: skip
    return (
        cast("Select[Any]", select(*columns))
        .join(Fellowship, Fellowship.id == Meeting.fellowship_id)
        .outerjoin(Venue, Venue.id == Meeting.venue_id)
        .where(one_of(Meeting.id, "ids", dialect))
    )
