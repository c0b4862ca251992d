"""When a meeting happens (weekly, or on the nth weekday of the month), in its own time zone.

The rules, in one place: a meeting whose end time is earlier than its start runs past midnight
into the next day (23:00-00:30); a monthly meeting is held on the first to fourth, or the
last, of its weekday in each month. One-off changes (a cancelled date, a closure, a moved
time or venue) are applied on top of these dates by meetings/occurrences.py.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_LENGTH = timedelta(hours=1)
# Monthly meetings: the week of the month (1-4), or -1 for the last.
MONTHLY_WEEKS = (1, 2, 3, 4, -1)


@dataclass(frozen=True)
class Occurrence:
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    # Set by meetings/occurrences.py when one-off changes apply: the regular dates skipped
    # (cancelled or closed) before this one, and the change this date has (a moved time or
    # venue), if any.
    skipped: tuple[Any, ...] = ()
    change: Any = None

    def in_progress(self, now: datetime) -> bool:
        return self.start <= now < self.end


@functools.lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The named time zone, or UTC for a name Python does not know (looked up once each)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_valid_timezone(name: str) -> bool:
    return name in _zones()


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def python_weekday_to_day(weekday: int) -> int:
    """Python's Monday=0 to Meeting Guide's Sunday=0."""
    return (weekday + 1) % 7


def local_datetime(on: date, at: time, tz: ZoneInfo) -> datetime:
    """A wall-clock time on a date, resolved the way people experience a clock change.

    A time skipped by the spring change (01:30 in the UK) happens at the moment the clocks
    jump; an hour that happens twice in autumn is taken the first time.
    """
    naive = datetime.combine(on, at)
    candidate = naive.replace(tzinfo=tz, fold=0)
    round_trip = candidate.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != naive:  # the time does not exist on this date
        return candidate.astimezone(UTC).astimezone(tz)
    return candidate


def occurrence_on(day_date: date, start: time, end: time | None, tz: ZoneInfo) -> Occurrence:
    start_local = local_datetime(day_date, start, tz)
    if end is None:
        end_local = start_local + DEFAULT_LENGTH
    else:
        end_date = day_date if end > start else day_date + timedelta(days=1)
        end_local = local_datetime(end_date, end, tz)
    return Occurrence(start_local.astimezone(UTC), end_local.astimezone(UTC))


def nth_weekday(year: int, month: int, day: int, week: int) -> date | None:
    """The `week`th (1-4, or -1 for the last) Meeting Guide `day` of a month."""
    weekday = (day - 1) % 7  # Meeting Guide's Sunday=0 to Python's Monday=0
    if week > 0:
        first = date(year, month, 1)
        found = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week - 1))
        return found if found.month == month else None
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def regular_dates(day: int, monthly_week: int | None, start: date) -> Iterator[date]:
    """The dates a meeting is held on, from `start` onwards, before any one-off change."""
    if monthly_week is None:
        first = start + timedelta(days=(day - python_weekday_to_day(start.weekday())) % 7)
        while True:
            yield first
            first += timedelta(days=7)
    year, month = start.year, start.month
    while True:
        found = nth_weekday(year, month, day, monthly_week)
        if found is not None and found >= start:
            yield found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def next_occurrence(
    day: int,
    start: time,
    end: time | None,
    tz_name: str,
    now: datetime,
    monthly_week: int | None = None,
) -> Occurrence:
    """The occurrence in progress at `now`, or else the next one to start."""
    tz = zone(tz_name)
    # Yesterday's meeting may still be running past midnight, so start a day back.
    for candidate_date in regular_dates(day, monthly_week, now.astimezone(tz).date() - ONE_DAY):
        occurrence = occurrence_on(candidate_date, start, end, tz)
        if occurrence.end > now:
            return occurrence
    raise AssertionError("unreachable: regular_dates never ends")


ONE_DAY = timedelta(days=1)


def today_in(tz_name: str, now: datetime) -> int:
    """Meeting Guide day number of `now` in a time zone."""
    return python_weekday_to_day(now.astimezone(zone(tz_name)).weekday())


TIME_OF_DAY = {
    # name: (from, to) local start time, inclusive start, exclusive end
    "morning": (time(0, 0), time(12, 0)),
    "afternoon": (time(12, 0), time(17, 0)),
    "evening": (time(17, 0), time(21, 0)),
    "night": (time(21, 0), time.max),
}
