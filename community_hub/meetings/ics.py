"""iCalendar (RFC 5545) for a weekly meeting: DTSTART in its own TZID, a weekly RRULE."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vRecur

from community_hub.meetings.models import Meeting
from community_hub.meetings.schedule import (
    DEFAULT_LENGTH,
    local_datetime,
    python_weekday_to_day,
    zone,
)

BYDAY = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")


def first_date_on_or_after(start: date, day: int) -> date:
    for offset in range(7):
        candidate = start + timedelta(days=offset)
        if python_weekday_to_day(candidate.weekday()) == day:
            return candidate
    raise AssertionError("unreachable")


def meeting_event(meeting: Meeting, url: str, host: str, from_date: date) -> Event:
    tz = zone(meeting.timezone)
    first = first_date_on_or_after(from_date, meeting.day)
    start = local_datetime(first, meeting.start_time, tz)
    if meeting.end_time and meeting.end_time > meeting.start_time:
        end = local_datetime(first, meeting.end_time, tz)
    else:
        end = start + DEFAULT_LENGTH
    event = Event()
    event.add("uid", f"{meeting.slug}@{host}")
    event.add("dtstamp", datetime.now(UTC))
    event.add("summary", meeting.name)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("rrule", vRecur(freq="WEEKLY", byday=BYDAY[meeting.day]))
    event.add("url", url)
    if meeting.venue and not meeting.venue.approximate:
        event.add("location", f"{meeting.venue.name}, {meeting.venue.formatted_address}")
        event.add("geo", (meeting.venue.latitude, meeting.venue.longitude))
    lines = [f"{meeting.fellowship.name} meeting."]
    if meeting.notes:
        lines.append(meeting.notes)
    if meeting.conference_url:
        lines.append(f"Join online: {meeting.conference_url}")
    if meeting.conference_phone:
        lines.append(f"Join by phone: {meeting.conference_phone}")
    lines.append(f"Details and changes: {url}")
    event.add("description", "\n\n".join(lines))
    return event


def calendar_for(
    meetings: list[tuple[Meeting, str]], host: str, from_date: date, name: str
) -> bytes:
    """A VCALENDAR with one recurring event per meeting and the VTIMEZONEs they use."""
    cal = Calendar()
    cal.add("prodid", "-//community_hub//Meeting finder//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for meeting, url in meetings:
        cal.add_component(meeting_event(meeting, url, host, from_date))
    cal.add_missing_timezones()
    return cal.to_ical()
