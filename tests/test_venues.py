"""Coordinators' venues: placed from a postcode or town, validated, scoped, meetings follow."""

import pytest

from community_hub.extensions import db
from community_hub.meetings.models import Venue


def form(**fields):
    data = {"name": "Beacon Hall", "address": "1 Station Road", "city": "Keighley", "postcode": "",
            "region": "Yorkshire and Humber", "timezone": "Europe/London"}  # fmt: skip
    data.update(fields)
    return data


def test_new_venue_is_placed_from_its_town(client, coordinator):
    response = client.post("/manage/venues/new", data=form())
    assert response.status_code == 302
    venue = db.session.scalar(db.select(Venue))
    assert venue.organisation_id == coordinator.organisation_id
    assert venue.latitude == pytest.approx(53.868, abs=0.01)
    assert venue.longitude == pytest.approx(-1.907, abs=0.01)


def test_explicit_coordinates_win_and_postcode_is_tidied(client, coordinator):
    client.post(
        "/manage/venues/new", data=form(latitude="53.5", longitude="-1.1", postcode="dn13aa")
    )
    venue = db.session.scalar(db.select(Venue))
    assert (venue.latitude, venue.longitude, venue.postcode) == (53.5, -1.1, "DN1 3AA")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Enter the venue&#39;s name"),
        ({"city": ""}, "Enter the town or city"),
        ({"city": "Nowhereville-on-Sea"}, "We could not place this venue"),
        ({"latitude": "95", "longitude": "1"}, "Latitude must be -90 to 90"),
        ({"latitude": "53"}, "Give both latitude and longitude"),
        ({"timezone": "Mars/Olympus"}, "Enter a time zone like Europe/London"),
        ({"latitude": "not-a-number", "longitude": "1"}, "Not a valid float value"),
    ],
)
def test_venue_validation_explains_and_saves_nothing(client, coordinator, fields, message):
    response = client.post("/manage/venues/new", data=form(**fields))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Venue.id))) == 0


def test_moving_a_venue_moves_its_meetings(client, coordinator, make_meeting, make_venue):
    venue = make_venue(organisation_id=coordinator.organisation_id)
    meeting = make_meeting(venue=venue, organisation=coordinator.organisation)
    response = client.post(
        f"/manage/venues/{venue.id}/edit",
        data=form(name=venue.name, city="Halifax", latitude="53.72", longitude="-1.86"),
    )
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert (meeting.latitude, meeting.longitude) == (53.72, -1.86)
    assert meeting.lat_band == 537


def test_another_organisations_venue_is_404(client, coordinator, make_venue, make_org):
    other = make_venue(organisation_id=make_org().id)
    assert client.get(f"/manage/venues/{other.id}/edit").status_code == 404
    response = client.post(f"/manage/venues/{other.id}/edit", data=form())
    assert response.status_code == 404
    assert db.session.get(Venue, other.id).name != "Beacon Hall"


def test_venue_list_shows_only_own(client, coordinator, make_venue, make_org):
    make_venue(name="Ours", organisation_id=coordinator.organisation_id)
    make_venue(name="Theirs", organisation_id=make_org().id)
    html = client.get("/manage/venues").get_data(as_text=True)
    assert "Ours" in html and "Theirs" not in html
