"""Coordinators add, change, confirm and archive their organisation's meetings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from community_hub.extensions import db
from community_hub.meetings.models import Meeting
from tests.helpers import page, reload, today


def meeting_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Meeting)) or 0


@pytest.fixture
def form(make_fellowship, make_venue) -> Callable[..., dict[str, Any]]:
    """Valid form data for a new in-person AA meeting, with overridable fields."""
    aa = make_fellowship("aa")
    venue = make_venue(city="Doncaster")
    db.session.commit()

    def build(**fields: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": "Monday Night Big Book",
            "fellowship_id": str(aa.id),
            "day": "1",
            "start_time": "19:30",
            "end_time": "20:30",
            "venue_id": str(venue.id),
            "timezone": "Europe/London",
            "types": ["O", "D"],
            "conference_url": "",
            "conference_phone": "",
        }
        data.update(fields)
        return data

    build.venue = venue  # type: ignore[attr-defined]
    build.fellowship = aa  # type: ignore[attr-defined]
    return build


def saved(name: str) -> Meeting | None:
    return db.session.scalar(select(Meeting).where(Meeting.name == name))


# ---- adding a meeting ------------------------------------------------------------------------


def test_coordinator_adds_an_in_person_meeting(client, coordinator, form):
    response = client.post("/manage/meetings/new", data=form())

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/manage/")
    meeting = saved("Monday Night Big Book")
    assert meeting is not None
    assert meeting.organisation_id == coordinator.organisation_id
    assert meeting.fellowship_id == form.fellowship.id
    assert meeting.venue_id == form.venue.id
    assert meeting.day == 1
    assert meeting.start_time == time(19, 30)
    assert meeting.end_time == time(20, 30)
    assert meeting.timezone == "Europe/London"
    assert meeting.type_list == ["O", "D"]
    assert meeting.last_confirmed == today()
    assert meeting.attendance == "in_person"
    assert meeting.latitude == form.venue.latitude
    assert meeting.archived_at is None
    assert meeting.slug == "monday-night-big-book-doncaster"
    assert client.get(f"/meetings/{meeting.slug}").status_code == 200


def test_meeting_with_venue_and_link_is_hybrid(client, coordinator, form):
    client.post("/manage/meetings/new", data=form(conference_url="https://zoom.us/j/123"))

    meeting = saved("Monday Night Big Book")
    assert meeting is not None
    assert meeting.attendance == "hybrid"
    assert meeting.conference_url == "https://zoom.us/j/123"


def test_meeting_with_no_venue_and_a_link_is_online(client, coordinator, form):
    response = client.post(
        "/manage/meetings/new",
        data=form(venue_id="0", conference_url="https://meet.example.org/monday"),
    )

    assert response.status_code == 302
    meeting = saved("Monday Night Big Book")
    assert meeting is not None
    assert meeting.venue_id is None
    assert meeting.attendance == "online"
    assert meeting.latitude is None
    assert meeting.slug == "monday-night-big-book-online"


def test_meeting_with_no_venue_and_a_phone_number_is_online(client, coordinator, form):
    client.post(
        "/manage/meetings/new", data=form(venue_id="0", conference_phone="+44 20 3481 5237")
    )

    meeting = saved("Monday Night Big Book")
    assert meeting is not None
    assert meeting.attendance == "online"


def test_time_zone_defaults_to_the_venue(client, coordinator, make_venue, form):
    venue = make_venue(city="Dublin", timezone="Europe/Dublin")
    db.session.commit()

    client.post("/manage/meetings/new", data=form(venue_id=str(venue.id), timezone=""))

    meeting = saved("Monday Night Big Book")
    assert meeting is not None
    assert meeting.timezone == "Europe/Dublin"


def test_same_name_gets_a_different_slug(client, coordinator, form):
    client.post("/manage/meetings/new", data=form())
    client.post("/manage/meetings/new", data=form())

    slugs = set(db.session.scalars(select(Meeting.slug)))
    assert slugs == {"monday-night-big-book-doncaster", "monday-night-big-book-doncaster-2"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Enter the meeting's name, as members know it."),
        ({"name": "   "}, "Enter the meeting's name, as members know it."),
        ({"end_time": "19:30"}, "The end time cannot be the same as the start time."),
        ({"monthly_week": "5"}, "Not a valid choice."),
        ({"timezone": "Mars/Olympus"}, "“Mars/Olympus” is not a time zone we know."),
        (
            {"venue_id": "0"},
            "A meeting without a venue is online: add a joining link or a dial-in number",
        ),
        ({"types": ["O", "C"]}, "A meeting cannot be both open and closed: choose one."),
        (
            {"conference_url": "zoom.us/j/123"},
            "The joining link must be a web address starting https://",
        ),
        (
            {"conference_url": "javascript:alert(1)"},
            "The joining link must be a web address starting https://",
        ),
        (
            {"conference_phone": "call me maybe"},
            "The dial-in number may only hold digits, spaces and + ( ) - # * ,",
        ),
        ({"contact_email": "not-an-email"}, "Enter the contact email like name@example.org."),
        ({"start_time": ""}, "Enter the start time, for example 19:30."),
    ],
)
def test_invalid_meeting_is_explained_and_not_saved(client, coordinator, form, fields, message):
    before = meeting_count()

    response = client.post("/manage/meetings/new", data=form(**fields))

    assert response.status_code == 400
    assert message in page(response)
    assert meeting_count() == before


def test_every_problem_is_reported_at_once(client, coordinator, form):
    response = client.post(
        "/manage/meetings/new",
        data=form(name="", end_time="19:30", timezone="Nowhere/Special", types=["O", "C"]),
    )

    assert response.status_code == 400
    html = page(response)
    assert "Enter the meeting's name" in html
    assert "The end time cannot be the same as the start time." in html
    assert "“Nowhere/Special” is not a time zone we know." in html
    assert "A meeting cannot be both open and closed" in html
    assert meeting_count() == 0


def test_type_not_used_by_the_fellowship_is_refused(client, coordinator, make_fellowship, form):
    na = make_fellowship("na", type_codes="O,C,D")
    db.session.commit()
    before = meeting_count()

    # BSL is offered (AA uses it) but NA's list does not include it.
    response = client.post(
        "/manage/meetings/new", data=form(fellowship_id=str(na.id), types=["O", "BSL"])
    )

    assert response.status_code == 400
    assert "NA meetings cannot be marked: British Sign Language (BSL)." in page(response)
    assert meeting_count() == before


def test_other_organisations_venue_is_not_offered(client, coordinator, make_org, make_venue, form):
    elsewhere = make_venue(organisation=make_org(), name="Their Hall")
    db.session.commit()

    assert "Their Hall" not in page(client.get("/manage/meetings/new"))
    response = client.post("/manage/meetings/new", data=form(venue_id=str(elsewhere.id)))

    assert response.status_code == 400
    assert meeting_count() == 0


# ---- one organisation cannot touch another's meetings ----------------------------------------


@pytest.fixture
def theirs(make_meeting) -> Meeting:
    """A meeting owned by another organisation, confirmed long ago."""
    return make_meeting(name="Their Meeting", last_confirmed=today() - timedelta(days=200))


def test_other_organisations_meeting_cannot_be_opened(client, coordinator, theirs):
    assert client.get(f"/manage/meetings/{theirs.id}/edit").status_code == 404


def test_other_organisations_meeting_cannot_be_changed(client, coordinator, theirs, form):
    data = form(name="Hijacked")
    data["venue_id"] = str(theirs.venue_id)

    response = client.post(f"/manage/meetings/{theirs.id}/edit", data=data)

    assert response.status_code == 404
    assert reload(theirs).name == "Their Meeting"


@pytest.mark.parametrize("action", ["confirm", "archive", "restore"])
def test_other_organisations_meeting_actions_are_404(client, coordinator, theirs, action):
    before = reload(theirs)
    confirmed, archived = before.last_confirmed, before.archived_at

    response = client.post(f"/manage/meetings/{theirs.id}/{action}")

    assert response.status_code == 404
    after = reload(theirs)
    assert after.last_confirmed == confirmed
    assert after.archived_at == archived


def test_missing_meeting_is_404(client, coordinator):
    assert client.get("/manage/meetings/999999/edit").status_code == 404
    assert client.post("/manage/listings/meetings/999999/confirm").status_code == 404


def test_coordinator_edits_own_meeting(client, coordinator, make_meeting, form):
    mine = make_meeting(
        organisation=coordinator.organisation,
        venue=form.venue,
        last_confirmed=today() - timedelta(days=30),
    )

    assert client.get(f"/manage/meetings/{mine.id}/edit").status_code == 200
    response = client.post(
        f"/manage/meetings/{mine.id}/edit",
        data=form(name="Renamed", start_time="18:00", end_time="19:00", types=["C"]),
    )

    assert response.status_code == 302
    after = reload(mine)
    assert after.name == "Renamed"
    assert after.start_time == time(18, 0)
    assert after.type_list == ["C"]
    assert after.last_confirmed == today()  # saving also confirms


def test_failed_edit_changes_nothing(client, coordinator, make_meeting, form):
    mine = make_meeting(organisation=coordinator.organisation, venue=form.venue, name="Kept")

    response = client.post(
        f"/manage/meetings/{mine.id}/edit", data=form(name="Lost", end_time="19:30")
    )

    assert response.status_code == 400
    assert "The end time cannot be the same as the start time." in page(response)
    assert reload(mine).name == "Kept"


def test_admin_can_edit_any_meeting(client, auth, make_user, theirs, form):
    auth.login(make_user("admin"))
    data = form(name="Fixed by admin")
    data["venue_id"] = str(theirs.venue_id)

    assert client.get(f"/manage/meetings/{theirs.id}/edit").status_code == 200
    response = client.post(f"/manage/meetings/{theirs.id}/edit", data=data)

    assert response.status_code == 302
    after = reload(theirs)
    assert after.name == "Fixed by admin"
    assert after.organisation_id == theirs.organisation_id  # still theirs
    assert client.post(f"/manage/listings/meetings/{theirs.id}/confirm").status_code == 302
    assert reload(theirs).last_confirmed == today()
