"""When a weekly meeting happens, computed in the meeting's own time zone."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_LENGTH = timedelta(hours=1)


@dataclass(frozen=True)
class Occurrence:
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC

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


def next_occurrence(
    day: int, start: time, end: time | None, tz_name: str, now: datetime
) -> Occurrence:
    """The occurrence in progress at `now`, or else the next one to start."""
    tz = zone(tz_name)
    local_today = now.astimezone(tz).date()
    # Yesterday's meeting may still be running past midnight, so start a day back.
    for offset in range(-1, 8):
        candidate_date = local_today + timedelta(days=offset)
        if python_weekday_to_day(candidate_date.weekday()) != day:
            continue
        occurrence = occurrence_on(candidate_date, start, end, tz)
        if occurrence.end > now:
            return occurrence
    raise AssertionError("a weekly meeting always recurs within eight days")


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
