"""My meetings without an account: the list in the address, its calendar, nothing kept."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from community_hub.meetings.one_offs import ChangeData, add_change
from community_hub.meetings.schedule import python_weekday_to_day
from tests.helpers import page, today


def next_on(day: int):
    return next(
        d
        for d in (today() + timedelta(days=n) for n in range(1, 15))
        if python_weekday_to_day(d.weekday()) == day
    )


def test_my_meetings_lists_the_slugs_in_its_address(client, make_meeting) -> None:
    one = make_meeting(name="Tuesday Hope", day=2)
    two = make_meeting(name="Friday Step", day=5)
    response = client.get(f"/my-meetings?m={one.slug},{two.slug},no-such-meeting,<bad>")
    html = page(response)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert html.index("Tuesday Hope") < html.index("Friday Step")
    assert "no longer listed" in html and "could not be read" in html
    # Remove links build the address without that meeting.
    assert f'href="/my-meetings?m={two.slug}" data-remove="{one.slug}"' in html
    assert f"/my-meetings.ics?m={one.slug},{two.slug}" in html.replace("%2C", ",")


def test_empty_and_added_lists(client, make_meeting) -> None:
    meeting = make_meeting(name="Tuesday Hope")
    html = page(client.get("/my-meetings"))
    assert "You have not saved any meetings yet" in html
    added = client.get(f"/my-meetings?m=&add=http://localhost/meetings/{meeting.slug}")
    assert added.status_code == 200 and "Tuesday Hope" in page(added)
    wrong = client.get("/my-meetings?m=&add=https://example.org/nothing-here")
    assert wrong.status_code == 400 and "We could not find that meeting" in page(wrong)


def test_the_meeting_page_offers_save_and_share_without_javascript(client, make_meeting):
    one = make_meeting(name="Tuesday Hope")
    two = make_meeting(name="Friday Step")
    html = page(client.get(f"/meetings/{two.slug}"))
    assert f'href="/my-meetings?m={two.slug}"' in html.replace("%2C", ",")
    assert "data-share" in html and "js/share.js" in html and "<script>" not in html
    assert f"/meetings/{two.slug}</a></span>" in html  # the plain link to share
    # Opened from a saved list, "Add" keeps the list and adds this one.
    html = page(client.get(f"/meetings/{two.slug}?m={one.slug}"))
    assert f'href="/my-meetings?m={one.slug},{two.slug}"' in html.replace("%2C", ",")


def test_the_calendar_carries_just_those_meetings_and_a_cancellation(client, make_meeting):
    one = make_meeting(name="Tuesday Hope", day=2)
    make_meeting(name="Not saved", day=3)
    cancelled_on = next_on(2)
    add_change(one, ChangeData("cancelled", cancelled_on, note="Hall closed"), None, today())
    from community_hub.extensions import db

    db.session.commit()
    response = client.get(f"/my-meetings.ics?m={one.slug}")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "Set-Cookie" not in response.headers
    events = list(Calendar.from_ical(response.data).walk("VEVENT"))
    assert {str(e["SUMMARY"]).split(":")[0] for e in events} == {"Tuesday Hope"}
    cancelled = [e for e in events if str(e.get("STATUS", "")) == "CANCELLED"]
    assert len(cancelled) == 1 and cancelled[0]["RECURRENCE-ID"].dt.date() == cancelled_on
    # The list page says so too.
    assert "Hall closed" in page(client.get(f"/my-meetings?m={one.slug}"))
    bad = client.get("/my-meetings.ics?m=,,")
    assert bad.status_code == 400 and b"Choose at least one" in bad.data
