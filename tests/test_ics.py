"""Calendar files: valid RFC 5545, weekly RRULE, the right TZID, right times across DST."""

from datetime import date, datetime, time

import recurring_ical_events
from icalendar import Calendar


def fetch(client, meeting):
    response = client.get(f"/meetings/{meeting.slug}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def test_ics_parses_back_with_weekly_rule_and_zone(client, make_meeting):
    meeting = make_meeting(
        name="Tuesday Big Book", day=2, start_time=time(19, 30), end_time=time(21, 0)
    )
    cal = fetch(client, meeting)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == "Tuesday Big Book"
    assert event["RRULE"]["FREQ"] == ["WEEKLY"]
    assert event["RRULE"]["BYDAY"] == ["TU"]
    start = event["DTSTART"].dt
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/London"
    assert start.time() == time(19, 30) and start.weekday() == 1
    assert event["DTEND"].dt.time() == time(21, 0)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    assert meeting.slug in str(event["UID"])


def test_expanded_times_stay_local_across_the_autumn_change(client, make_meeting):
    meeting = make_meeting(day=3, start_time=time(19, 0), end_time=time(20, 0))
    cal = fetch(client, meeting)
    occurrences = recurring_ical_events.of(cal).between(date(2026, 10, 1), date(2027, 4, 30))
    assert occurrences
    for occurrence in occurrences:
        start = occurrence["DTSTART"].dt
        assert start.time() == time(19, 0)
        assert start.weekday() == 2
    utc_hours = {o["DTSTART"].dt.utcoffset().total_seconds() for o in occurrences}
    # Autumn is BST (+1h) until 25 October, then GMT, then BST again from 28 March.
    assert utc_hours == {0.0, 3600.0}


def test_online_meeting_has_joining_link_and_no_location(client, make_meeting):
    meeting = make_meeting(venue=None, conference_url="https://meet.example.org/abc")
    event = next(iter(fetch(client, meeting).walk("VEVENT")))
    assert "LOCATION" not in event
    assert "https://meet.example.org/abc" in str(event["DESCRIPTION"])


def test_calendar_for_a_zone_other_than_london(client, make_meeting):
    meeting = make_meeting(
        venue=None,
        timezone="America/New_York",
        conference_url="https://x.example.org",
        start_time=time(7, 0),
        end_time=None,
    )
    event = next(iter(fetch(client, meeting).walk("VEVENT")))
    assert str(event["DTSTART"].dt.tzinfo) == "America/New_York"
    assert (event["DTEND"].dt - event["DTSTART"].dt).total_seconds() == 3600
    assert event["DTSTART"].dt > datetime(2026, 1, 1, tzinfo=event["DTSTART"].dt.tzinfo)


def test_search_subscription_feed_holds_the_matching_meetings(client, make_meeting):
    make_meeting(name="Near Tuesday", day=2, venue_latitude=53.52, venue_longitude=-1.13)
    make_meeting(name="Near Thursday", day=4, venue_latitude=53.52, venue_longitude=-1.13)
    make_meeting(name="Far", day=2, venue_latitude=51.48, venue_longitude=-3.18)
    response = client.get("/meetings.ics?lat=53.52&lng=-1.13&radius=10km&day=2")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Near Tuesday"]
    occurrences = recurring_ical_events.of(cal).between(date(2027, 3, 1), date(2027, 4, 30))
    assert {o["DTSTART"].dt.time() for o in occurrences} == {time(19, 30)}


def test_search_subscription_feed_explains_bad_parameters(client):
    response = client.get("/meetings.ics?lat=500&lng=0")
    assert response.status_code == 400 and "lat must be" in response.get_data(as_text=True)
