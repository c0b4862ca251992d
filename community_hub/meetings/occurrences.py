"""A meeting's actual dates: its regular rule (schedule.py) with its one-off changes applied.

Used wherever a date is shown or counted: the finder's ranking and "happening now", the
meeting page, calendar files, and the referral form's "next meeting" and its check that a
planned first meeting falls on a date the meeting is held (`meets_on`, `next_date`).

Dates are local calendar dates in the meeting's own time zone, so a date a worker types for
"the Thursday meeting" is read as that meeting's Thursday wherever the worker is.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from community_hub.meetings.schedule import (
    ONE_DAY,
    Occurrence,
    occurrence_on,
    regular_dates,
    zone,
)

# Closures are at most a year and changes at most two years ahead, so a held date is always
# found within this many days; past it the search gives up and shows the regular date.
HORIZON = timedelta(days=3 * 366)


@dataclass(frozen=True)
class Rule:
    """How a meeting recurs, without its one-off changes."""

    day: int
    start: time
    end: time | None
    timezone: str
    monthly_week: int | None = None


def rule_of(meeting: Any) -> Rule:
    return Rule(
        meeting.day, meeting.start_time, meeting.end_time, meeting.timezone, meeting.monthly_week
    )


@dataclass(frozen=True)
class Dated:
    """One of a meeting's regular dates, and what happens on it."""

    on: date  # the regular date, local to the meeting
    occurrence: Occurrence  # when it is held (a moved time applied)
    regular: Occurrence  # when it would have been held
    change: Any = None  # the OneOffChange on this date, if any

    @property
    def cancelled(self) -> bool:
        return self.change is not None and self.change.covers(self.on)

    @property
    def moved(self) -> bool:
        return self.change is not None and not self.change.covers(self.on)


def dated(rule: Rule, changes: Sequence[Any], start: date) -> Iterator[Dated]:
    """The meeting's dates from `start` on, each with its change (endless: slice it)."""
    tz = zone(rule.timezone)
    for on in regular_dates(rule.day, rule.monthly_week, start):
        regular = occurrence_on(on, rule.start, rule.end, tz)
        change = next((c for c in changes if c.on_date <= on <= c.last_date), None)
        occurrence = regular
        if change is not None and not change.covers(on) and change.start_time is not None:
            occurrence = occurrence_on(on, change.start_time, change.end_time, tz)
        yield Dated(on, occurrence, regular, change)


def next_held(rule: Rule, changes: Sequence[Any], now: datetime) -> Occurrence:
    """The occurrence in progress at `now`, or the next to start, skipping cancelled dates.

    The result carries the dates skipped on the way (`skipped`) and its own change (`change`,
    a moved time or venue), so pages can say "no meeting on 25 December".
    """
    start = now.astimezone(zone(rule.timezone)).date() - ONE_DAY
    skipped: list[Dated] = []
    for item in dated(rule, changes, start):
        if item.occurrence.end <= now and item.regular.end <= now:
            continue
        if item.cancelled:
            skipped.append(item)
            if item.on - start > HORIZON:
                return replace(item.regular, skipped=tuple(skipped))
            continue
        if item.occurrence.end <= now:  # moved earlier, and already over
            continue
        return replace(item.occurrence, skipped=tuple(skipped), change=item.change)
    raise AssertionError("unreachable: dated() never ends")


def upcoming(rule: Rule, changes: Sequence[Any], now: datetime, until: date) -> list[Dated]:
    """Every date from today until `until` (inclusive), cancelled ones included."""
    start = now.astimezone(zone(rule.timezone)).date() - ONE_DAY
    found = []
    for item in dated(rule, changes, start):
        if item.on > until:
            break
        if item.occurrence.end > now or item.regular.end > now:
            found.append(item)
    return found


def meets_on(meeting: Any, on: date) -> bool:
    """Whether the meeting is held on this local date (its rule, less cancelled dates)."""
    for item in dated(rule_of(meeting), meeting.one_offs, on):
        return item.on == on and not item.cancelled
    return False


def next_date(meeting: Any, on_or_after: date) -> date:
    """The first local date, on or after the given one, when the meeting is held."""
    for item in dated(rule_of(meeting), meeting.one_offs, on_or_after):
        if item.on - on_or_after > HORIZON:
            break
        if not item.cancelled:
            return item.on
    raise ValueError("the meeting has no date in the next three years")
