"""A page of cards reads its meetings as plain rows (meetings/listed.py): every card says
exactly what it says when made from the ORM's Meeting, and the finder shows the same page."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from flask_babel import force_locale

from community_hub.extensions import db
from community_hub.meetings.cards import CardMaker
from community_hub.meetings.listed import listed_meetings
from community_hub.meetings.schedule import next_occurrence
from community_hub.meetings.search import (
    MeetingQuery,
    MeetingResult,
    search_listed,
    search_meetings,
)

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # a Monday evening
DONCASTER = (53.5228, -1.1285)


@pytest.fixture
def assorted(make_meeting, make_venue, make_fellowship):
    """Meetings whose cards take every branch: places named or not, approximate or none,
    online, Welsh names, a described fellowship, monthly, past midnight, never confirmed."""
    local = make_fellowship("local", name="Local groups", short_name="Local")
    return [
        make_meeting(name="Named hall", name_cy="Neuadd", types=["O", "W"]),
        make_meeting(
            venue=make_venue(name="", full_address="12 Hall Gate, Doncaster DN1 3NA", city=""),
            fellowship=local, end_time=None, last_confirmed=None,
        ),
        make_meeting(venue=make_venue(name="", address="3 Low Road", city="Doncaster")),
        make_meeting(venue=make_venue(name="Doncaster", city="Doncaster"), monthly_week=-1),
        make_meeting(venue=make_venue(approximate=True), start_time=time(23, 30),
                     end_time=time(0, 30)),
        make_meeting(venue=None, attendance="online", region="Leeds", timezone="America/New_York",
                     last_confirmed=date(2025, 1, 5)),
    ]  # fmt: skip


def test_a_listed_meeting_makes_the_same_card_as_the_meeting(app, assorted):
    for locale in ("en", "cy"):
        with app.test_request_context("/?q=Doncaster"), force_locale(locale):
            listed = listed_meetings({m.id for m in assorted})  # in the reader's language
            assert set(listed) == {m.id for m in assorted}
            maker = CardMaker(
                viewer_tz="Europe/London", now=NOW, today=NOW.date(), stale_after=90, back="q=x"
            )
            for meeting in assorted:
                occurrence = next_occurrence(
                    meeting.day,
                    meeting.start_time,
                    meeting.end_time,
                    meeting.timezone,
                    NOW,
                    meeting.monthly_week,
                )
                orm = maker.card(MeetingResult(meeting, 1.5, occurrence, False))
                plain = maker.card(MeetingResult(listed[meeting.id], 1.5, occurrence, False))
                assert plain == orm, (locale, meeting.name)
            assert listed[assorted[0].id].shown_name == (
                "Neuadd" if locale == "cy" else "Named hall"
            )


def test_search_listed_finds_what_search_meetings_finds(app, assorted):
    with app.test_request_context("/"):
        for query in (
            MeetingQuery(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=10, now=NOW, banners=True),
            MeetingQuery(now=NOW, limit=3, offset=1, sort="time"),
        ):
            full, listed = search_meetings(query), search_listed(query)
            assert full.results  # something to compare
            assert listed.total_within == full.total_within and listed.radius_km == full.radius_km
            for a, b in (
                (full.results, listed.results),
                (full.now_running, listed.now_running),
                (full.starting_next, listed.starting_next),
            ):
                assert [(r.meeting.id, r.distance_km, r.occurrence) for r in a] == [
                    (r.meeting.id, r.distance_km, r.occurrence) for r in b
                ]
    db.session.rollback()
