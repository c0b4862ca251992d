"""Meetings as groups run them: past midnight, monthly on the nth weekday, and one-off changes,
respected by the finder, "happening now", the meeting page, calendars, HSDS and the feed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import recurring_ical_events
from icalendar import Calendar

from community_hub.extensions import db
from community_hub.interop.hsds_meetings import meeting_schedule
from community_hub.meetings.one_offs import ChangeData, add_change
from community_hub.meetings.schedule import next_occurrence, nth_weekday, zone
from community_hub.meetings.search import MeetingQuery, search_meetings
from community_hub.meetings.services import ValidationFailed
from tests.helpers import page

DONCASTER = (53.5228, -1.1285)
LONDON = zone("Europe/London")
# A Saturday in November 2026, 12:00 UTC (GMT).
SATURDAY_NOON = datetime(2026, 11, 14, 12, 0, tzinfo=UTC)


def calendar(client, meeting) -> Calendar:
    response = client.get(f"/meetings/{meeting.slug}.ics")
    assert response.status_code == 200
    return Calendar.from_ical(response.data)


def local(occurrence) -> datetime:
    return occurrence["DTSTART"].dt.astimezone(LONDON)


def ahead(day: int, weeks: int = 1) -> date:
    """A date with this Meeting Guide weekday (0 = Sunday) some weeks after today."""
    start = datetime.now(UTC).date() + timedelta(days=1)
    return start + timedelta(days=(day - (start.weekday() + 1)) % 7 + 7 * weeks)


def at(on: date, hour: int, minute: int = 0) -> datetime:
    """A local London wall-clock time, in UTC."""
    return datetime.combine(on, time(hour, minute), LONDON).astimezone(UTC)


# ---- monthly -----------------------------------------------------------------------------------


def test_the_nth_and_last_weekday_of_a_month():
    assert nth_weekday(2026, 12, 6, 1) == date(2026, 12, 5)  # first Saturday
    assert nth_weekday(2026, 12, 0, -1) == date(2026, 12, 27)  # last Sunday
    assert nth_weekday(2026, 11, 1, 4) == date(2026, 11, 23)  # fourth Monday
    assert nth_weekday(2026, 8, 6, 5) == date(2026, 8, 29)  # a fifth Saturday exists in August
    assert nth_weekday(2026, 9, 6, 5) is None


def test_a_monthly_meetings_next_date_skips_the_other_weeks():
    occurrence = next_occurrence(6, time(10), time(11), "Europe/London", SATURDAY_NOON, 1)
    assert occurrence.start == datetime(2026, 12, 5, 10, 0, tzinfo=UTC)  # not this Saturday


def test_monthly_meetings_in_the_finder_and_on_the_page(client, make_meeting):
    monthly = make_meeting(name="First Saturday", day=6, monthly_week=1, start_time=time(10))
    make_meeting(name="Every Saturday", day=6, start_time=time(18))
    found = search_meetings(
        MeetingQuery(*DONCASTER, radius_km=10, days=frozenset({6}), sort="time",
                     now=SATURDAY_NOON)
    )  # fmt: skip
    assert [r.meeting.name for r in found.results] == ["Every Saturday", "First Saturday"]
    assert found.results[1].occurrence.start.date() == date(2026, 12, 5)
    html = page(client.get(f"/meetings/{monthly.slug}"))
    assert "First Saturday of the month, 10:00–20:30" in html


def test_monthly_calendar_rule_is_byday_1sa_and_keeps_local_time_across_dst(client, make_meeting):
    meeting = make_meeting(day=6, monthly_week=1, start_time=time(10), end_time=time(11, 30))
    cal = calendar(client, meeting)
    (event,) = cal.walk("VEVENT")
    assert event["RRULE"]["FREQ"] == ["MONTHLY"] and event["RRULE"]["BYDAY"] == ["1SA"]
    year = datetime.now(UTC).year + 1  # a whole year ahead, whenever the tests run
    found = recurring_ical_events.of(cal).between(date(year, 1, 1), date(year, 12, 31))
    days = [local(o).date() for o in found]
    assert days == [nth_weekday(year, m, 6, 1) for m in range(1, 13)]
    assert {local(o).time() for o in found} == {time(10)}  # GMT and BST alike
    assert {o["DTEND"].dt.astimezone(LONDON).time() for o in found} == {time(11, 30)}


def test_last_sunday_calendar_rule(client, make_meeting):
    meeting = make_meeting(day=0, monthly_week=-1, start_time=time(18))
    (event,) = calendar(client, meeting).walk("VEVENT")
    assert event["RRULE"]["BYDAY"] == ["-1SU"]


def test_monthly_meetings_are_in_hsds_and_left_out_of_the_meeting_guide_feed(
    app, client, make_meeting
):
    monthly = make_meeting(day=6, monthly_week=1, slug="monthly")
    make_meeting(slug="weekly")
    with app.test_request_context():
        schedule = meeting_schedule(monthly, "id")
    assert (schedule["freq"], schedule["byday"]) == ("MONTHLY", "1SA")
    assert "first Saturday of the month" in schedule["description"]
    slugs = {r["slug"] for r in client.get("/api/meetings.json").get_json()}
    assert slugs == {"weekly"}
    assert "monthly" not in client.get("/api/meetings.csv").get_data(as_text=True)


def test_the_form_saves_a_monthly_meeting(client, coordinator, make_fellowship, make_venue):
    aa, venue = make_fellowship("aa"), make_venue(organisation=coordinator.organisation)
    db.session.commit()
    response = client.post(
        "/manage/meetings/new",
        data={"name": "Speaker night", "fellowship_id": aa.id, "day": "6", "monthly_week": "-1",
              "start_time": "19:30", "timezone": "Europe/London", "venue_id": venue.id},
    )  # fmt: skip
    assert response.status_code == 302
    from community_hub.meetings.models import Meeting

    assert db.session.scalar(db.select(Meeting.monthly_week)) == -1


# ---- past midnight -----------------------------------------------------------------------------


def test_a_late_meeting_is_saved_and_reads_as_running_into_the_next_day(
    client, coordinator, make_fellowship, make_venue
):
    aa, venue = make_fellowship("aa"), make_venue(organisation=coordinator.organisation)
    db.session.commit()
    response = client.post(
        "/manage/meetings/new",
        data={"name": "Night owls", "fellowship_id": aa.id, "day": "6", "start_time": "23:00",
              "end_time": "00:30", "timezone": "Europe/London", "venue_id": venue.id},
    )  # fmt: skip
    assert response.status_code == 302, page(response)
    from community_hub.meetings.models import Meeting

    meeting = db.session.scalars(db.select(Meeting)).one()
    assert "23:00–00:30 (ends the next day)" in page(client.get(f"/meetings/{meeting.slug}"))


def test_a_late_meeting_is_happening_now_after_midnight(make_meeting):
    make_meeting(name="Night owls", day=6, start_time=time(23), end_time=time(0, 30))
    just_after_midnight = datetime(2026, 11, 15, 0, 15, tzinfo=UTC)  # Sunday 00:15 GMT
    found = search_meetings(
        MeetingQuery(*DONCASTER, radius_km=10, banners=True, now=just_after_midnight)
    )
    assert [r.meeting.name for r in found.now_running] == ["Night owls"]
    assert found.now_running[0].occurrence.end == datetime(2026, 11, 15, 0, 30, tzinfo=UTC)


def test_a_late_meeting_in_the_calendar_ends_the_next_day_across_dst(client, make_meeting):
    meeting = make_meeting(day=6, start_time=time(23), end_time=time(0, 30))
    cal = calendar(client, meeting)
    for first, last in (
        (date(2027, 3, 13), date(2027, 4, 11)),
        (date(2027, 10, 16), date(2027, 11, 14)),
    ):
        found = recurring_ical_events.of(cal).between(first, last)
        assert len(found) == 5  # Saturdays either side of the clock change
        for occurrence in found:
            start, end = local(occurrence), occurrence["DTEND"].dt.astimezone(LONDON)
            assert start.weekday() == 5 and start.time() == time(23)
            assert end.date() == start.date() + timedelta(days=1) and end.time() == time(0, 30)
        offsets = {local(o).utcoffset() for o in found}
        assert offsets == {timedelta(0), timedelta(hours=1)}  # GMT and BST both crossed


# ---- one-off changes ---------------------------------------------------------------------------


def cancel(meeting, on: date, note: str = "Christmas Day", **more) -> None:
    add_change(
        meeting, ChangeData("cancelled", on, note=note, **more), None, on - timedelta(days=7)
    )
    db.session.commit()


def test_a_cancelled_date_is_skipped_everywhere(client, make_meeting):
    meeting = make_meeting(name="Friday group", day=5, start_time=time(19), end_time=time(20))
    friday = ahead(5, weeks=2)
    cancel(meeting, friday)
    now = at(friday, 19, 15)  # when it would be running
    found = search_meetings(MeetingQuery(*DONCASTER, radius_km=10, banners=True, now=now))
    assert found.now_running == []  # "happening now" knows
    result = found.results[0]
    assert result.occurrence.start == at(friday + timedelta(days=7), 19)
    assert [d.on for d in result.occurrence.skipped] == [friday]
    within = search_meetings(MeetingQuery(*DONCASTER, radius_km=10, within_hours=3, now=now))
    assert within.results == []  # the next one is a week away

    html = page(client.get(f"/meetings/{meeting.slug}"))
    assert f"No meeting on {friday.day} {friday:%B %Y} (Christmas Day)" in html

    cal = calendar(client, meeting)
    events = recurring_ical_events.of(cal).between(
        friday - timedelta(days=7), friday + timedelta(days=8)
    )
    by_day = {local(e).date(): e for e in events}
    assert str(by_day[friday]["STATUS"]) == "CANCELLED"
    assert "STATUS" not in by_day[friday + timedelta(days=7)]
    assert "STATUS" not in by_day[friday - timedelta(days=7)]


def test_a_search_subscription_carries_the_cancellation(client, make_meeting):
    meeting = make_meeting(name="Friday group", day=5, start_time=time(19))
    later = ahead(5, weeks=3)
    cancel(meeting, later, note="Hall closed")
    response = client.get("/meetings.ics?lat=53.52&lng=-1.13&radius=10km")
    cal = Calendar.from_ical(response.data)
    cancelled = [e for e in cal.walk("VEVENT") if str(e.get("STATUS", "")) == "CANCELLED"]
    assert [e["RECURRENCE-ID"].dt.date() for e in cancelled] == [later]


def test_a_temporary_closure_leaves_its_dates_out_and_says_so(client, make_meeting):
    meeting = make_meeting(name="Wednesday group", day=3, start_time=time(19))
    first = ahead(3, weeks=2)
    reopens = first + timedelta(weeks=3)
    add_change(
        meeting, ChangeData("closed", first, until_date=reopens, note="Repainting"),
        None, first - timedelta(days=10),
    )  # fmt: skip
    db.session.commit()
    found = search_meetings(MeetingQuery(*DONCASTER, radius_km=10, now=at(first, 12)))
    assert found.results[0].occurrence.start.date() == reopens
    cal = calendar(client, meeting)
    (master,) = [e for e in cal.walk("VEVENT") if "RRULE" in e]
    said = f"Closed from {first.day} {first:%B %Y}; meets again on {reopens.day} {reopens:%B %Y}"
    assert said in str(master["DESCRIPTION"])
    window = recurring_ical_events.of(cal).between(
        first - timedelta(days=7), reopens + timedelta(days=8)
    )
    days = [local(e).date() for e in window]
    assert days == [first - timedelta(days=7), reopens, reopens + timedelta(days=7)]


def test_a_moved_time_and_venue_for_one_date(client, make_meeting, make_venue):
    meeting = make_meeting(name="Saturday group", day=6, start_time=time(19), end_time=time(20))
    hall = make_venue(name="Church Hall", organisation=meeting.organisation)
    saturday = ahead(6, weeks=1)
    add_change(
        meeting, ChangeData("moved", saturday, start_time=time(17), end_time=time(18),
                            venue_id=hall.id, note="Panto in the usual room"),
        None, saturday - timedelta(days=7),
    )  # fmt: skip
    db.session.commit()
    found = search_meetings(
        MeetingQuery(*DONCASTER, radius_km=10, banners=True, now=at(saturday, 17, 30))
    )
    assert [r.meeting.name for r in found.now_running] == ["Saturday group"]
    cal = calendar(client, meeting)
    events = recurring_ical_events.of(cal).between(
        saturday - timedelta(days=1), saturday + timedelta(days=2)
    )
    moved = next(e for e in events if local(e).date() == saturday)
    assert local(moved).time() == time(17) and "Church Hall" in str(moved["LOCATION"])


def test_a_change_must_fall_on_one_of_the_meetings_dates(make_meeting):
    meeting = make_meeting(day=5)
    with pytest.raises(ValidationFailed) as failed:
        add_change(meeting, ChangeData("cancelled", date(2026, 12, 24)), None, date(2026, 12, 1))
    assert "not held on that date" in failed.value.errors["on_date"]
    with pytest.raises(ValidationFailed) as failed:
        add_change(meeting, ChangeData("closed", date(2026, 12, 4)), None, date(2026, 12, 1))
    assert "opens again" in failed.value.errors["until_date"]


def test_coordinators_enter_and_remove_one_off_changes(client, coordinator, make_meeting):
    meeting = make_meeting(organisation=coordinator.organisation, day=5)
    friday = ahead(5)
    url = f"/manage/meetings/{meeting.id}/changes"
    assert client.get(url).status_code == 200
    bad = client.post(
        url, data={"kind": "cancelled", "on_date": (friday + timedelta(days=1)).isoformat()}
    )
    assert bad.status_code == 400 and "not held on that date" in page(bad)
    saved = client.post(
        url, data={"kind": "cancelled", "on_date": friday.isoformat(), "note": "Hall booked"}
    )
    assert saved.status_code == 302
    db.session.refresh(meeting)
    (change,) = meeting.one_offs
    assert meeting.changes_until == friday
    assert "Hall booked" in page(client.get(f"/meetings/{meeting.slug}"))
    removed = client.post(f"{url}/{change.id}/remove")
    assert removed.status_code == 302
    db.session.refresh(meeting)
    assert meeting.one_offs == [] and meeting.changes_until is None


def test_another_organisations_meeting_changes_are_not_found(client, coordinator, make_meeting):
    theirs = make_meeting(day=5)
    assert client.get(f"/manage/meetings/{theirs.id}/changes").status_code == 404
