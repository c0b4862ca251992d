"""Load the demo region in seed/*.json into the database (idempotent upsert)."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from community_hub.auth.models import Organisation
from community_hub.auth.services import create_user, find_user
from community_hub.extensions import db
from community_hub.meetings import fellowships
from community_hub.meetings.models import Fellowship, Meeting, Venue
from community_hub.meetings.types import canonical

DEFAULT_DIRECTORY = os.path.join(os.path.dirname(os.path.dirname(__file__)), "seed")
# Stamped on meetings the seed creates, so a fresh demo database is the same every time.
SEED_UPDATED_AT = datetime(2026, 11, 23, 9, 0, 0)
# Dates in the files are as of this day; loading shifts them so the demo never goes all stale.
SEED_AS_OF = date(2026, 11, 23)

VENUE_FIELDS = (
    "address",
    "city",
    "region",
    "latitude",
    "longitude",
    "timezone",
    "approximate",
    "location_notes",
    "accessibility_notes",
)
MEETING_TEXT_FIELDS = (
    "name",
    "name_cy",
    "timezone",
    "notes",
    "group_name",
    "conference_url",
    "conference_url_notes",
    "conference_phone",
    "conference_phone_notes",
    "contact_name",
    "contact_email",
    "contact_phone",
)

Record = dict[str, Any]


def shifted_date(iso_date: str, today: date) -> date:
    """A seed date moved forward so it is as many days before today as it was before SEED_AS_OF."""
    return today - (SEED_AS_OF - date.fromisoformat(iso_date))


def read_records(directory: str, name: str) -> list[Record]:
    """Read one seed file: a JSON list of objects."""
    path = os.path.join(directory, name)
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, list):
        raise ValueError(f"{path} must hold a JSON list.")
    return data


def _load_fellowships(records: list[Record]) -> dict[str, Fellowship]:
    """Upsert the shipped fellowships by slug (the demo overwrites any edits)."""
    found: dict[str, Fellowship] = {}
    for record in records:
        slug = record["slug"]
        fellowship = db.session.scalar(select(Fellowship).where(Fellowship.slug == slug))
        if fellowship is None:
            fellowship = Fellowship(slug=slug)
            db.session.add(fellowship)
        fellowships.fill(fellowship, record)
        found[slug] = fellowship
    return found


def _load_organisations(records: list[Record]) -> dict[str, Organisation]:
    """Upsert organisations by slug."""
    found: dict[str, Organisation] = {}
    for record in records:
        slug = record["slug"]
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        if organisation is None:
            organisation = Organisation(slug=slug)
            db.session.add(organisation)
        organisation.name = record["name"]
        organisation.kind = record["kind"]
        organisation.area = record.get("area", "")
        found[slug] = organisation
    db.session.flush()
    return found


def _organisation(
    organisations: dict[str, Organisation], slug: str | None, owner: str
) -> Organisation | None:
    """Look up an organisation slug named by another record, or fail clearly."""
    if slug is None:
        return None
    if slug not in organisations:
        raise ValueError(f"{owner} names unknown organisation {slug!r}.")
    return organisations[slug]


def _load_users(records: list[Record], organisations: dict[str, Organisation]) -> None:
    """Create the demo accounts that do not exist yet; never touch existing ones."""
    for record in records:
        if find_user(record["email"]) is not None:
            continue
        organisation = _organisation(
            organisations, record.get("organisation"), f"User {record['email']!r}"
        )
        create_user(
            record["email"],
            record["password"],
            record["role"],
            record["display_name"],
            organisation,
        )


def _load_venues(records: list[Record], organisations: dict[str, Organisation]) -> dict[str, Venue]:
    """Upsert venues by (name, postcode); return them by their seed key."""
    found: dict[str, Venue] = {}
    for record in records:
        key = record["key"]
        if key in found:
            raise ValueError(f"Venue key {key!r} is used twice.")
        venue = db.session.scalar(
            select(Venue).where(Venue.name == record["name"], Venue.postcode == record["postcode"])
        )
        if venue is None:
            venue = Venue(name=record["name"], postcode=record["postcode"])
            db.session.add(venue)
        for field in VENUE_FIELDS:
            setattr(venue, field, record[field])
        venue.organisation = _organisation(
            organisations, record.get("organisation"), f"Venue {key!r}"
        )
        found[key] = venue
    db.session.flush()
    return found


def _load_meetings(
    records: list[Record],
    fellowships: dict[str, Fellowship],
    organisations: dict[str, Organisation],
    venues: dict[str, Venue],
    today: date,
) -> None:
    """Upsert meetings by slug, checking their fellowship, venue and type codes."""
    for record in records:
        slug = record["slug"]
        fellowship = fellowships.get(record["fellowship"])
        if fellowship is None:
            raise ValueError(f"Meeting {slug!r}: unknown fellowship {record['fellowship']!r}.")
        organisation = _organisation(organisations, record["organisation"], f"Meeting {slug!r}")
        if organisation is None:
            raise ValueError(f"Meeting {slug!r} must belong to an organisation.")
        venue_key = record.get("venue")
        if venue_key is not None and venue_key not in venues:
            raise ValueError(f"Meeting {slug!r}: unknown venue key {venue_key!r}.")
        codes = [canonical(c) for c in record["types"]]
        not_allowed = [c for c in codes if c not in fellowship.allowed_types]
        if not_allowed:
            raise ValueError(
                f"Meeting {slug!r}: type codes {', '.join(not_allowed)} are not allowed "
                f"for {fellowship.short_name}."
            )
        if "O" in codes and "C" in codes:
            raise ValueError(f"Meeting {slug!r} cannot be both open (O) and closed (C).")

        meeting = db.session.scalar(select(Meeting).where(Meeting.slug == slug))
        if meeting is None:
            meeting = Meeting(slug=slug, updated_at=SEED_UPDATED_AT)
            db.session.add(meeting)
        for field in MEETING_TEXT_FIELDS:
            setattr(meeting, field, record.get(field) or "")
        meeting.fellowship = fellowship
        meeting.organisation = organisation
        meeting.venue = venues[venue_key] if venue_key is not None else None
        meeting.day = int(record["day"])
        meeting.start_time = time.fromisoformat(record["time"])
        end_time = record.get("end_time")
        meeting.end_time = time.fromisoformat(end_time) if end_time else None
        meeting.type_list = codes
        confirmed = record.get("last_confirmed")
        meeting.last_confirmed = shifted_date(confirmed, today) if confirmed else None
        meeting.contact_public = bool(record.get("contact_public", False))
        week = record.get("monthly_week")
        meeting.monthly_week = int(week) if week is not None else None
        meeting.refresh_derived()
        _load_one_offs(meeting, record.get("one_offs", []), today)


def _load_one_offs(meeting: Meeting, records: list[Record], today: date) -> None:
    """One-off changes, placed on the meeting's nth date from today, so they stay ahead."""
    from datetime import timedelta

    from community_hub.meetings.one_offs import ChangeData, add_change, remove_change
    from community_hub.meetings.schedule import regular_dates

    for change in list(meeting.one_offs):
        remove_change(change)
    for record in records:
        dates = regular_dates(meeting.day, meeting.monthly_week, today + timedelta(days=1))
        on = [next(dates) for _ in range(int(record["occurrence"]))][-1]
        start, end = record.get("start_time"), record.get("end_time")
        data = ChangeData(
            kind=record["kind"],
            on_date=on,
            until_date=on + timedelta(weeks=int(record["weeks"])) if "weeks" in record else None,
            start_time=time.fromisoformat(start) if start else None,
            end_time=time.fromisoformat(end) if end else None,
            note=record.get("note", ""),
        )
        add_change(meeting, data, None, today)


def load_seed(directory: str | None = None, today: date | None = None) -> dict[str, int]:
    """Upsert the demo data from `directory` (default: the repo's seed/); the caller commits."""
    directory = directory or DEFAULT_DIRECTORY
    today = today or datetime.now(UTC).date()
    fellowship_records = fellowships.standard_records()
    organisation_records = read_records(directory, "organisations.json")
    user_records = read_records(directory, "users.json")
    venue_records = read_records(directory, "venues.json")
    meeting_records = read_records(directory, "meetings.json")

    by_slug = _load_fellowships(fellowship_records)
    organisations = _load_organisations(organisation_records)
    _load_users(user_records, organisations)
    venues = _load_venues(venue_records, organisations)
    _load_meetings(meeting_records, by_slug, organisations, venues, today)
    db.session.flush()
    counts = {
        "fellowships": len(fellowship_records),
        "organisations": len(organisation_records),
        "users": len(user_records),
        "venues": len(venue_records),
        "meetings": len(meeting_records),
    }
    # Each feature loads its own part of the demo region.
    from community_hub.people.seed import load_people
    from community_hub.referrals.seed import load_referrals
    from community_hub.resources.seed import load_resources
    from community_hub.volunteering.seed import load_opportunities
    from community_hub.volunteers.seed import load_volunteers

    counts |= load_people(directory, today)
    counts |= load_volunteers(directory, today)
    counts |= load_opportunities(directory, today)
    counts["resources"] = load_resources(directory, today)
    counts |= load_referrals(directory, today)
    return counts
