"""Which calendar dates a meeting happens on: the one rule every date check uses.

Dates here are local calendar dates in the meeting's own time zone (a meeting's `day` is its
local weekday), so a date a worker types for "the Thursday meeting" is read as that meeting's
Thursday wherever the worker is. Weekly meetings only, for now: monthly meetings (a later
issue) extend `meets_on` and `next_date`, and every caller follows.
"""

from __future__ import annotations

from datetime import date, timedelta

from community_hub.meetings.models import Meeting
from community_hub.meetings.schedule import python_weekday_to_day


def meets_on(meeting: Meeting, on: date) -> bool:
    """Whether the meeting happens on this local date."""
    return python_weekday_to_day(on.weekday()) == meeting.day


def next_date(meeting: Meeting, on_or_after: date) -> date:
    """The first local date, on or after the given one, when the meeting happens."""
    for offset in range(366):
        candidate = on_or_after + timedelta(days=offset)
        if meets_on(meeting, candidate):
            return candidate
    raise ValueError("the meeting has no date in the coming year")
