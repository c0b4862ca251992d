"""One-off changes to a meeting's schedule, entered by its coordinators.

- a cancellation: no meeting on one date ("no meeting on 25 December");
- a temporary closure: no meetings from one date until a reopening date;
- a move: on one date the meeting is held at another time, or at another venue, or both.

Each change is about a date the meeting is regularly held on. The finder, the meeting page,
"happening now" and the calendar files apply them (meetings/occurrences.py).
`Meeting.changes_until` keeps the last date any change touches, so the search looks changes
up only for the few meetings that have some still to come.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community_hub.auth.models import User, utcnow
from community_hub.extensions import Model, db
from community_hub.meetings.models import Meeting, Venue
from community_hub.meetings.schedule import regular_dates
from community_hub.meetings.services import ValidationFailed

# A closure longer than this is not temporary: archive the meeting instead.
LONGEST_CLOSURE = timedelta(days=366)
# How far ahead a change may be entered.
FURTHEST_AHEAD = timedelta(days=2 * 366)


class ChangeKind(enum.StrEnum):
    CANCELLED = "cancelled"  # no meeting on on_date
    CLOSED = "closed"  # no meetings from on_date until (not including) until_date
    MOVED = "moved"  # on on_date: another time and/or venue


class OneOffChange(Model):
    __tablename__ = "meeting_one_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    on_date: Mapped[date]  # a date the meeting is regularly held on (closures: the first)
    until_date: Mapped[date | None] = mapped_column(default=None)  # closures: it reopens then
    start_time: Mapped[time | None] = mapped_column(default=None)  # moves: the new times
    end_time: Mapped[time | None] = mapped_column(default=None)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"), default=None)
    note: Mapped[str] = mapped_column(String(200), default="")  # shown publicly: the reason
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), default=None)

    meeting: Mapped[Meeting] = relationship(back_populates="one_offs")
    venue: Mapped[Venue | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def last_date(self) -> date:
        """The last date this change touches."""
        if self.kind == ChangeKind.CLOSED.value and self.until_date is not None:
            return self.until_date - timedelta(days=1)
        return self.on_date

    def covers(self, on: date) -> bool:
        """Whether the meeting regularly due on `on` is not held because of this change."""
        if self.kind == ChangeKind.CANCELLED.value:
            return on == self.on_date
        if self.kind == ChangeKind.CLOSED.value:
            return self.on_date <= on <= self.last_date
        return False


@dataclass
class ChangeData:
    kind: str
    on_date: date | None
    until_date: date | None = None
    start_time: time | None = None
    end_time: time | None = None
    venue_id: int | None = None
    note: str = ""


def _held_on(meeting: Meeting, on: date) -> bool:
    return next(regular_dates(meeting.day, meeting.monthly_week, on)) == on


def validate_change(meeting: Meeting, data: ChangeData, today: date) -> Venue | None:
    """Check a one-off change; raise ValidationFailed naming every problem."""
    errors: dict[str, str] = {}
    if data.kind not in {k.value for k in ChangeKind}:
        errors["kind"] = "Choose what changes: a cancellation, a closure or a move."
    if data.on_date is None:
        errors["on_date"] = "Enter the date, for example 25/12/2026."
    elif data.on_date < today - timedelta(days=1):
        errors["on_date"] = "That date has passed: choose today or a later date."
    elif data.on_date > today + FURTHEST_AHEAD:
        errors["on_date"] = "Choose a date within the next two years."
    elif not _held_on(meeting, data.on_date):
        errors["on_date"] = "The meeting is not held on that date: choose one of its dates."
    venue = None
    if data.kind == ChangeKind.CLOSED.value and data.on_date is not None:
        if data.until_date is None:
            errors["until_date"] = "Enter the date the meeting opens again."
        elif data.until_date <= data.on_date:
            errors["until_date"] = "The reopening date must be after the first date closed."
        elif data.until_date - data.on_date > LONGEST_CLOSURE:
            errors["until_date"] = (
                "A closure can last a year at most. For longer, archive the meeting instead."
            )
    if data.kind == ChangeKind.MOVED.value:
        if data.start_time is None and not data.venue_id:
            errors["start_time"] = "Enter the new time, or choose the other venue, or both."
        if data.end_time is not None and data.start_time is None:
            errors["start_time"] = "Enter the new start time as well as the end time."
        if data.start_time is not None and data.end_time == data.start_time:
            errors["end_time"] = "The end time cannot be the same as the start time."
        if data.venue_id:
            venue = db.session.get(Venue, data.venue_id)
            if venue is None or venue.organisation_id not in (None, meeting.organisation_id):
                errors["venue_id"] = "Choose one of your organisation's venues."
    if len(data.note.strip()) > 200:
        errors["note"] = "Keep the reason under 200 characters."
    if data.on_date is not None and not errors and _clashes(meeting, data):
        errors["on_date"] = "There is already a change on that date: remove it first."
    if errors:
        raise ValidationFailed(errors)
    return venue


def _clashes(meeting: Meeting, data: ChangeData) -> bool:
    assert data.on_date is not None
    last = data.until_date - timedelta(days=1) if data.until_date else data.on_date
    return any(not (c.last_date < data.on_date or c.on_date > last) for c in meeting.one_offs)


def add_change(meeting: Meeting, data: ChangeData, by: User | None, today: date) -> OneOffChange:
    """Record a one-off change to a meeting's schedule."""
    venue = validate_change(meeting, data, today)
    moved = data.kind == ChangeKind.MOVED.value
    change = OneOffChange(
        kind=data.kind,
        on_date=data.on_date,
        until_date=data.until_date if data.kind == ChangeKind.CLOSED.value else None,
        start_time=data.start_time if moved else None,
        end_time=data.end_time if moved else None,
        venue=venue if moved else None,
        note=data.note.strip(),
        created_by=by,
    )
    meeting.one_offs.append(change)
    _keep_changes_until(meeting)
    db.session.flush()
    return change


def remove_change(change: OneOffChange) -> None:
    """Take a one-off change back: the meeting is held as usual on that date."""
    meeting = change.meeting
    meeting.one_offs.remove(change)
    db.session.delete(change)
    _keep_changes_until(meeting)
    db.session.flush()


def _keep_changes_until(meeting: Meeting) -> None:
    meeting.changes_until = max((c.last_date for c in meeting.one_offs), default=None)
    meeting.updated_at = utcnow()


def changes_for(meeting_ids: list[int]) -> dict[int, list[OneOffChange]]:
    """The one-off changes of these meetings, by meeting (one query)."""
    found: dict[int, list[OneOffChange]] = {}
    if not meeting_ids:
        return found
    rows = db.session.scalars(
        select(OneOffChange)
        .where(OneOffChange.meeting_id.in_(meeting_ids))
        .order_by(OneOffChange.on_date)
    )
    for change in rows:
        found.setdefault(change.meeting_id, []).append(change)
    return found


def upcoming_changes(meeting: Meeting, today: date) -> list[OneOffChange]:
    """The changes still to come (or happening now), earliest first."""
    return sorted(
        (c for c in meeting.one_offs if c.last_date >= today - timedelta(days=1)),
        key=lambda c: c.on_date,
    )


def closed_on(meeting: Meeting, day: date) -> bool:
    """Whether a temporary closure covers this date."""
    if meeting.changes_until is None or meeting.changes_until < day:
        return False
    return any(c.kind == ChangeKind.CLOSED.value and c.covers(day) for c in meeting.one_offs)
