"""The JSON search API and its OpenAPI document."""

import pytest

from tests.test_search import DONCASTER, MEXBOROUGH


@pytest.fixture
def meetings(make_meeting, make_fellowship):
    make_fellowship("na")
    make_meeting(
        name="Near", venue_latitude=DONCASTER[0], venue_longitude=DONCASTER[1], types=["O", "W"]
    )
    make_meeting(name="Further", venue_latitude=MEXBOROUGH[0], venue_longitude=MEXBOROUGH[1], day=3)


def test_search_returns_nearest_first_with_distance(client, meetings):
    response = client.get(f"/api/v1/meetings?lat={DONCASTER[0]}&lng={DONCASTER[1]}&radius_km=20")
    assert response.status_code == 200
    body = response.get_json()
    assert [m["name"] for m in body["meetings"]] == ["Near", "Further"]
    assert body["meetings"][0]["distance_km"] < body["meetings"][1]["distance_km"]
    first = body["meetings"][0]
    assert first["types"] == ["O", "W"]
    assert first["attendance"] == "in_person"
    assert first["timezone"] == "Europe/London"
    assert first["url"].endswith("/meetings/" + first["slug"])


def test_filters_by_day_type_and_limit(client, meetings):
    base = f"/api/v1/meetings?lat={DONCASTER[0]}&lng={DONCASTER[1]}&radius_km=20"
    assert [m["name"] for m in client.get(base + "&day=3").get_json()["meetings"]] == ["Further"]
    assert [m["name"] for m in client.get(base + "&type=W").get_json()["meetings"]] == ["Near"]
    assert client.get(base + "&limit=1").get_json()["count"] == 1
    assert client.get(base + "&fellowship=na").get_json()["count"] == 0
    assert client.get(base + "&mode=online").get_json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("lat=abc&lng=1", "lat"),
        ("lat=91&lng=1", "lat"),
        ("lat=10&lng=-181", "lng"),
        ("lat=10", "lng"),
        ("lat=nan&lng=1", "lat"),
        ("lat=1&lng=1&radius_km=0", "radius_km"),
        ("lat=1&lng=1&radius_km=100000", "radius_km"),
        ("lat=1&lng=1&limit=0", "limit"),
        ("lat=1&lng=1&limit=ten", "limit"),
        ("lat=1&lng=1&day=someday", "day"),
        ("lat=1&lng=1&type=NOTATYPE", "type"),
        ("lat=1&lng=1&mode=teleport", "mode"),
        ("lat=1&lng=1&time=dawn", "time"),
        ("lat=1&lng=1&within=-3", "within"),
        ("lat=1&lng=1&sort=random", "sort"),
        ("lat=1&lng=1&colour=blue", "colour"),
    ],
)
def test_bad_parameters_get_a_400_naming_the_parameter(client, query, parameter):
    response = client.get("/api/v1/meetings?" + query)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_parameter"
    assert parameter in body["errors"]
    assert body["message"]


def test_openapi_document_describes_the_search(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    operation = doc["paths"]["/api/v1/meetings"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    from community_hub.meetings.api import ALLOWED_PARAMS

    assert names == ALLOWED_PARAMS
    assert set(operation["responses"]) == {"200", "400"}


def test_api_is_public_and_sends_no_cookie(client, meetings):
    response = client.get(f"/api/v1/meetings?lat={DONCASTER[0]}&lng={DONCASTER[1]}")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_api_rows_hold_each_meetings_own_fields(app, make_meeting, make_venue):
    """The JSON lists read plain rows, not meetings: each row holds the meeting's own values."""
    from datetime import UTC, datetime

    from community_hub.extensions import db
    from community_hub.meetings.listing import meeting_json, meeting_rows
    from community_hub.meetings.models import Meeting
    from community_hub.meetings.schedule import next_occurrence

    rough = make_venue(name="Somewhere in town", approximate=True, address="", postcode="")
    kinds = [
        make_meeting(name="In a hall", venue_address="1 High St", venue_postcode="DN1 1AA"),
        make_meeting(
            name="Online, placed roughly", venue=rough, conference_url="https://meet.example/x"
        ),
        make_meeting(name="Online only", venue=None, conference_phone="0300 000 0000"),
    ]
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    url = "https://example.org/meetings/{slug}"
    rows = meeting_rows([m.id for m in kinds])
    db.session.expunge_all()
    for meeting in db.session.scalars(db.select(Meeting).where(Meeting.id.in_(rows))):
        row = rows[meeting.id]
        for column, value in row.items():
            if column == "fellowship":
                assert value == meeting.fellowship.slug
            elif column.startswith("venue_"):
                venue = meeting.venue
                assert value == (getattr(venue, column[6:]) if venue else None), column
            else:
                assert value == getattr(meeting, column), column
        slot = (meeting.day, meeting.start_time, meeting.end_time, meeting.timezone)
        when = next_occurrence(*slot, now)
        assert meeting_json(row, 1.2345, when, False, url)["url"] == (
            f"https://example.org/meetings/{meeting.slug}"
        )
    listed = [meeting_json(row, None, when, False, url) for row in rows.values()]
    shapes = {m["name"]: m for m in listed}
    assert shapes["In a hall"]["formatted_address"].startswith("1 High St")
    assert shapes["Online, placed roughly"]["approximate"] is True
    assert shapes["Online, placed roughly"]["location"] is None
    assert shapes["Online only"]["approximate"] is True
    assert shapes["Online only"]["conference_phone"] == "0300 000 0000"
