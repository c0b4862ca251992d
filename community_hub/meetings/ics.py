"""iCalendar (RFC 5545) for meetings: DTSTART in the meeting's own TZID, a weekly or monthly
RRULE (`BYDAY=TU`, `BYDAY=1SA`), and the one-off changes still to come.

- a cancelled date: an overriding VEVENT (same UID, RECURRENCE-ID) with STATUS:CANCELLED;
- a temporary closure: an EXDATE for every date it covers, and a line in the description;
- a moved time or venue: an overriding VEVENT with the new time and place.

A calendar app subscribed to one of these files shows each change when it next refreshes.
A meeting marked temporarily closed (TC) says so in its title.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vRecur

from community_hub.meetings import present
from community_hub.meetings.models import Attendance, Meeting, Venue
from community_hub.meetings.occurrences import dated, rule_of
from community_hub.meetings.schedule import (
    local_datetime,
    occurrence_on,
    python_weekday_to_day,
    regular_dates,
    zone,
)

BYDAY = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")


def first_date_on_or_after(start: date, day: int) -> date:
    for offset in range(7):
        candidate = start + timedelta(days=offset)
        if python_weekday_to_day(candidate.weekday()) == day:
            return candidate
    raise AssertionError("unreachable")


def recurrence(meeting: Meeting) -> vRecur:
    """WEEKLY on its day, or MONTHLY on the nth (or last) of its day: BYDAY=1SA, -1SU."""
    if meeting.monthly_week is None:
        return vRecur(freq="WEEKLY", byday=BYDAY[meeting.day])
    return vRecur(freq="MONTHLY", byday=f"{meeting.monthly_week}{BYDAY[meeting.day]}")


def _place(event: Event, venue: Venue | None) -> None:
    if venue is not None and not venue.approximate:
        event.add("location", f"{venue.label}, {venue.formatted_address}")
        if venue.located:
            event.add("geo", (venue.latitude, venue.longitude))


def _summary(meeting: Meeting) -> str:
    if meeting.attendance == Attendance.INACTIVE.value:
        return f"{meeting.name} ({present.attendance_label(meeting.attendance)})"
    return meeting.name


def meeting_events(meeting: Meeting, url: str, host: str, from_date: date) -> list[Event]:
    """The meeting's recurring event, then one overriding event per changed date."""
    tz = zone(meeting.timezone)
    first = next(regular_dates(meeting.day, meeting.monthly_week, from_date))
    regular = occurrence_on(first, meeting.start_time, meeting.end_time, tz)
    uid = f"{meeting.slug}@{host}"
    stamp = datetime.now(UTC)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", _summary(meeting))
    event.add("dtstart", regular.start.astimezone(tz))
    event.add("dtend", regular.end.astimezone(tz))
    event.add("rrule", recurrence(meeting))
    event.add("url", url)
    _place(event, meeting.venue)
    changes = _changes_from(meeting, from_date)
    lines = [f"{meeting.fellowship.name} meeting."]
    lines += [present.one_off(change) for change in changes]
    if meeting.notes:
        lines.append(meeting.notes)
    if meeting.conference_url:
        lines.append(f"Join online: {meeting.conference_url}")
    if meeting.conference_phone:
        lines.append(f"Join by phone: {meeting.conference_phone}")
    lines.append(f"Details and changes: {url}")
    event.add("description", "\n\n".join(lines))
    overrides = []
    if changes:
        until = max(c.last_date for c in changes)
        for item in dated(rule_of(meeting), changes, first):
            if item.on > until:
                break
            if item.change is None:
                continue
            original = local_datetime(item.on, meeting.start_time, tz)
            if item.change.kind == "closed":
                event.add("exdate", original)
                continue
            override = Event()
            override.add("uid", uid)
            override.add("dtstamp", stamp)
            override.add("recurrence-id", original)
            override.add("dtstart", item.occurrence.start.astimezone(tz))
            override.add("dtend", item.occurrence.end.astimezone(tz))
            override.add("url", url)
            override.add("description", present.one_off(item.change))
            if item.cancelled:
                override.add("summary", f"{meeting.name}: {present.one_off(item.change)}")
                override.add("status", "CANCELLED")
            else:
                override.add("summary", meeting.name)
                _place(override, item.change.venue or meeting.venue)
            overrides.append(override)
    return [event, *overrides]


def _changes_from(meeting: Meeting, from_date: date) -> list:
    """The changes still to come; only meetings known to have some are looked at."""
    if meeting.changes_until is None or meeting.changes_until < from_date - timedelta(days=1):
        return []
    return [c for c in meeting.one_offs if c.last_date >= from_date - timedelta(days=1)]


def calendar_for(
    meetings: list[tuple[Meeting, str]],
    host: str,
    from_date: date,
    name: str,
    description: str = "",
) -> bytes:
    """A VCALENDAR with one recurring event per meeting (and its changes) and the VTIMEZONEs.

    `description` says what the calendar holds when it is not everything asked for.
    """
    cal = Calendar()
    cal.add("prodid", "-//community_hub//Meeting finder//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    if description:
        cal.add("x-wr-caldesc", description)
    for meeting, url in meetings:
        for event in meeting_events(meeting, url, host, from_date):
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
