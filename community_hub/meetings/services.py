"""Creating, changing, confirming and archiving meetings, with rules that explain themselves."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from community_hub import slugs
from community_hub.auth.models import Organisation, User, utcnow
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship, Meeting, Venue
from community_hub.meetings.schedule import MONTHLY_WEEKS, is_valid_timezone
from community_hub.meetings.types import canonical, is_known, type_name

URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
PHONE_RE = re.compile(r"^\+?[0-9 ()\-,#*]{5,40}$")
# A dial-in number may carry its meeting id and passcode as one-tap pauses: longer.
DIAL_IN_RE = re.compile(r"^\+?[0-9 ()\-.,#*]{5,200}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ValidationFailed(ValueError):
    """One message per field, in words a coordinator understands."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class MeetingData:
    name: str
    fellowship_id: int | None
    day: int | None
    start_time: time | None
    end_time: time | None = None
    monthly_week: int | None = None
    timezone: str = ""
    venue_id: int | None = None
    types: list[str] = field(default_factory=list)
    name_cy: str = ""
    notes: str = ""
    notes_cy: str = ""
    group_name: str = ""
    conference_url: str = ""
    conference_url_notes: str = ""
    conference_phone: str = ""
    conference_phone_notes: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_2_name: str = ""
    contact_2_email: str = ""
    contact_2_phone: str = ""
    contact_3_name: str = ""
    contact_3_email: str = ""
    contact_3_phone: str = ""
    contact_public: bool = False
    group_notes: str = ""
    venmo: str = ""
    square: str = ""
    paypal: str = ""


def data_of(meeting: Meeting) -> MeetingData:
    """A meeting's details as the form would send them (to check them again)."""
    names = [f.name for f in fields(MeetingData)]
    values: dict[str, Any] = {name: getattr(meeting, name, None) for name in names}
    values["types"] = meeting.type_list
    values["venue_id"] = meeting.venue_id
    filled: dict[str, Any] = {
        k: ("" if v is None and k not in _OPTIONAL else v) for k, v in values.items()
    }
    return MeetingData(**filled)


_OPTIONAL = {"fellowship_id", "day", "start_time", "end_time", "venue_id", "monthly_week"}


def slugify(text: str) -> str:
    return slugs.slugify(text, "meeting")


def unique_slug(*parts: str) -> str:
    # The Meeting Guide spec keeps slugs to 64 characters: room for a "-99" after 60.
    return slugs.unique_slug(Meeting.slug, *parts, fallback="meeting", limit=60)


def validate_meeting(
    data: MeetingData, organisation: Organisation
) -> tuple[Fellowship, Venue | None]:
    """Check a meeting's details; raise ValidationFailed naming every problem."""
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = "Enter the meeting's name, as members know it."
    elif len(data.name) > 200:
        errors["name"] = "The name must be 200 characters or fewer."
    fellowship = db.session.get(Fellowship, data.fellowship_id) if data.fellowship_id else None
    if fellowship is None:
        errors["fellowship_id"] = "Choose the fellowship this meeting belongs to."
    if data.day is None or not 0 <= data.day <= 6:
        errors["day"] = "Choose the day of the week the meeting is held."
    if data.start_time is None:
        errors["start_time"] = "Enter the start time, for example 19:30."
    elif data.end_time is not None and data.end_time == data.start_time:
        # An earlier end time means the meeting runs past midnight; the same time means nothing.
        errors["end_time"] = "The end time cannot be the same as the start time."
    if data.monthly_week is not None and data.monthly_week not in MONTHLY_WEEKS:
        errors["monthly_week"] = "Choose every week, or which week of the month."

    venue = None
    if data.venue_id:
        venue = db.session.get(Venue, data.venue_id)
        if venue is None or venue.organisation_id not in (None, organisation.id):
            errors["venue_id"] = "Choose one of your organisation's venues."
            venue = None
    timezone = data.timezone.strip() or (venue.timezone if venue else "")
    if not timezone:
        errors["timezone"] = "Enter the time zone the meeting's time is in, e.g. Europe/London."
    elif not is_valid_timezone(timezone):
        errors["timezone"] = (
            f"“{timezone}” is not a time zone we know. Use a name like Europe/London."
        )
    data.timezone = timezone

    if data.conference_url and not URL_RE.match(data.conference_url):
        errors["conference_url"] = "The joining link must be a web address starting https://"
    if data.conference_phone and not DIAL_IN_RE.match(data.conference_phone):
        errors["conference_phone"] = (
            "The dial-in number may only hold digits, spaces and + ( ) - # * , "
            "(200 characters at most)"
        )
    online = bool(data.conference_url or data.conference_phone)
    if venue is None and not online and "TC" not in data.types and "venue_id" not in errors:
        errors["conference_url"] = (
            "A meeting without a venue is online: add a joining link or a dial-in number, "
            "or choose a venue."
        )
    for name in ("contact_email", "contact_2_email", "contact_3_email"):
        if getattr(data, name) and not EMAIL_RE.match(getattr(data, name)):
            errors[name] = "Enter the contact email like name@example.org."

    if fellowship is not None:
        codes = [canonical(c) for c in data.types if c.strip()]
        unknown = [c for c in codes if not is_known(c)]
        not_allowed = [c for c in codes if is_known(c) and c not in fellowship.allowed_types]
        if unknown:
            errors["types"] = f"Unknown meeting type code: {', '.join(unknown)}."
        elif not_allowed:
            names = ", ".join(f"{type_name(c)} ({c})" for c in not_allowed)
            errors["types"] = f"{fellowship.short_name} meetings cannot be marked: {names}."
        elif "O" in codes and "C" in codes:
            errors["types"] = "A meeting cannot be both open and closed: choose one."
        data.types = codes
    if errors:
        raise ValidationFailed(errors)
    assert fellowship is not None
    return fellowship, venue


def _apply(
    meeting: Meeting, data: MeetingData, fellowship: Fellowship, venue: Venue | None
) -> None:
    meeting.name = data.name.strip()
    meeting.name_cy = data.name_cy.strip()
    meeting.fellowship = fellowship
    meeting.venue = venue
    meeting.day = data.day  # type: ignore[assignment]
    meeting.monthly_week = data.monthly_week
    meeting.start_time = data.start_time  # type: ignore[assignment]
    meeting.end_time = data.end_time
    meeting.timezone = data.timezone
    meeting.type_list = data.types
    for name in (
        "notes",
        "notes_cy",
        "group_name",
        "conference_url",
        "conference_url_notes",
        "conference_phone",
        "conference_phone_notes",
        "contact_name",
        "contact_email",
        "contact_phone",
        "contact_2_name",
        "contact_2_email",
        "contact_2_phone",
        "contact_3_name",
        "contact_3_email",
        "contact_3_phone",
        "group_notes",
        "venmo",
        "square",
        "paypal",
    ):
        setattr(meeting, name, getattr(data, name).strip())
    meeting.contact_public = data.contact_public
    meeting.updated_at = utcnow()
    meeting.refresh_derived()


def create_meeting(data: MeetingData, organisation: Organisation, today: date) -> Meeting:
    """Add a new meeting owned by an organisation; confirmed as of today."""
    fellowship, venue = validate_meeting(data, organisation)
    town = venue.city if venue else "online"
    meeting = Meeting(
        slug=unique_slug(data.name, town),
        organisation=organisation,
        last_confirmed=today,
    )
    _apply(meeting, data, fellowship, venue)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def update_meeting(meeting: Meeting, data: MeetingData, today: date) -> Meeting:
    """Change a meeting; saving the form also confirms the details are current."""
    fellowship, venue = validate_meeting(data, meeting.organisation)
    _apply(meeting, data, fellowship, venue)
    meeting.last_confirmed = today
    db.session.flush()
    return meeting


def meetings_for(user: User, include_archived: bool = False) -> list[Meeting]:
    """The meetings a coordinator (their organisation's) or admin (all) manages."""
    stmt = select(Meeting).order_by(Meeting.day, Meeting.start_time, Meeting.name)
    if user.role != "admin":
        stmt = stmt.where(Meeting.organisation_id == user.organisation_id)
    if not include_archived:
        stmt = stmt.where(Meeting.archived_at.is_(None))
    return list(db.session.scalars(stmt))


def get_by_slug(slug: str) -> Meeting | None:
    return db.session.scalar(select(Meeting).where(Meeting.slug == slug))


def utc_naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None) if moment.tzinfo else moment
