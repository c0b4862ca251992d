"""When meetings happen: own time zone, crossing midnight, daylight-saving changes."""

from datetime import UTC, date, datetime, time

from community_hub.meetings.schedule import (
    local_datetime,
    next_occurrence,
    python_weekday_to_day,
    today_in,
    zone,
)

LONDON = "Europe/London"


def test_weekday_numbering_is_sunday_zero():
    assert python_weekday_to_day(date(2026, 11, 22).weekday()) == 0  # a Sunday
    assert python_weekday_to_day(date(2026, 11, 23).weekday()) == 1  # a Monday


def test_next_occurrence_later_today():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # Monday noon in London (GMT)
    occ = next_occurrence(1, time(19, 30), time(20, 30), LONDON, now)
    assert occ.start == datetime(2026, 11, 23, 19, 30, tzinfo=UTC)
    assert occ.end == datetime(2026, 11, 23, 20, 30, tzinfo=UTC)
    assert not occ.in_progress(now)


def test_in_progress_meeting_is_returned_not_next_week():
    now = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
    occ = next_occurrence(1, time(19, 30), time(20, 30), LONDON, now)
    assert occ.start.date() == date(2026, 11, 23)
    assert occ.in_progress(now)


def test_finished_meeting_moves_to_next_week():
    now = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
    occ = next_occurrence(1, time(19, 30), time(20, 30), LONDON, now)
    assert occ.start == datetime(2026, 11, 30, 19, 30, tzinfo=UTC)


def test_meeting_without_end_time_lasts_an_hour():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    occ = next_occurrence(1, time(19, 0), None, LONDON, now)
    assert (occ.end - occ.start).total_seconds() == 3600


def test_late_meeting_running_past_midnight_is_still_in_progress():
    # Sunday 23:30-00:30; at 00:15 on Monday it is still on.
    now = datetime(2026, 11, 23, 0, 15, tzinfo=UTC)
    occ = next_occurrence(0, time(23, 30), time(0, 30), LONDON, now)
    assert occ.in_progress(now)
    assert occ.start == datetime(2026, 11, 22, 23, 30, tzinfo=UTC)


def test_each_meeting_uses_its_own_time_zone():
    # 19:00 in New York on a Monday in November is 00:00 UTC on Tuesday.
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    occ = next_occurrence(1, time(19, 0), time(20, 0), "America/New_York", now)
    assert occ.start == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)


def test_london_summer_time_shifts_utc_start():
    # 19:30 BST in July is 18:30 UTC; in December (GMT) it is 19:30 UTC.
    summer = next_occurrence(3, time(19, 30), None, LONDON, datetime(2026, 7, 1, 0, 0, tzinfo=UTC))
    winter = next_occurrence(3, time(19, 30), None, LONDON, datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    assert summer.start == datetime(2026, 7, 1, 18, 30, tzinfo=UTC)
    assert winter.start == datetime(2026, 12, 2, 19, 30, tzinfo=UTC)


def test_across_the_spring_clock_change():
    # Clocks go forward at 01:00 UTC on Sunday 29 March 2026. A Sunday 10:00 meeting seen
    # on Saturday 28 March is at 09:00 UTC (BST), one hour earlier in UTC than the week before.
    before = next_occurrence(0, time(10, 0), None, LONDON, datetime(2026, 3, 21, 12, 0, tzinfo=UTC))
    after = next_occurrence(0, time(10, 0), None, LONDON, datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    assert before.start == datetime(2026, 3, 22, 10, 0, tzinfo=UTC)
    assert after.start == datetime(2026, 3, 29, 9, 0, tzinfo=UTC)


def test_time_skipped_by_spring_change_happens_when_clocks_jump():
    moment = local_datetime(date(2026, 3, 29), time(1, 30), zone(LONDON))
    assert moment.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert moment.strftime("%H:%M") == "02:30"


def test_repeated_autumn_hour_is_taken_the_first_time():
    # 01:30 happens twice on 25 October 2026; the first is 00:30 UTC (still BST).
    moment = local_datetime(date(2026, 10, 25), time(1, 30), zone(LONDON))
    assert moment.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_today_depends_on_the_zone():
    now = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # Monday night in London
    assert today_in(LONDON, now) == 1
    assert today_in("Asia/Tokyo", now) == 2  # already Tuesday in Tokyo
