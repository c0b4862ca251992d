"""The public resource pages: no account needed, work without JavaScript."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from html import unescape
from typing import Any

from community_hub.resources.services import PhoneData, ScheduleData


def page(response: Any) -> str:
    return unescape(response.get_data(as_text=True))


def test_the_list_shows_every_public_resource_without_an_account(client, make_resource):
    make_resource("Doncaster")
    make_resource("Cardiff", name="Gone", status="defunct")
    make_resource("Halifax", name="Old", archived_at=datetime(2026, 11, 1))

    response = client.get("/resources")

    assert response.status_code == 200
    body = page(response)
    assert "Doncaster Recovery Café" in body
    assert "Gone" not in body and "Old" not in body
    assert 'name="category" value="sober_living"' in body
    assert "<script>" not in body and "style=" not in body


def test_searching_by_town_shows_the_nearest_with_distances(client, make_resource):
    make_resource("Barnsley")
    make_resource("Doncaster")
    make_resource("Cardiff")

    body = page(client.get("/resources?q=Doncaster&radius=25mi"))

    assert "Near Doncaster" in body
    assert body.index("Doncaster Recovery Café") < body.index("Barnsley Recovery Café")
    assert "Cardiff Recovery Café" not in body
    assert "miles" in body


def test_category_filter_on_the_page(client, make_resource):
    make_resource("Doncaster", name="The Café")
    make_resource("Doncaster", name="Family Group", category="family_support")

    body = page(client.get("/resources?q=Doncaster&category=family_support"))

    assert "Family Group" in body and "The Café" not in body


def test_a_place_we_cannot_find_is_explained(client, terms):
    response = client.get("/resources?q=Atlantis-under-the-sea")

    assert response.status_code == 400
    assert "We could not find “Atlantis-under-the-sea”" in page(response)


def test_the_resource_page_shows_what_people_need(client, make_resource):
    service = make_resource(
        "Doncaster",
        name="The Beacon Recovery Café",
        postcode="DN1 8GG",
        eligibility_description="Anyone affected by drugs or alcohol.",
        pathways_welcome="People on a prescription welcome",
        accessibility_notes="Step-free entrance and hearing loop.",
        url="https://example.org/beacon",
        schedules=[
            ScheduleData(days=["MO", "TU"], opens_at=time(10), closes_at=time(16)),
            ScheduleData(days=["SA"], opens_at=time(11), description="Family Saturday"),
        ],
        phones=[PhoneData("01632 960001", "Reception")],
        languages=["en", "pl"],
        last_confirmed=datetime.now(UTC).date(),
    )

    response = client.get(f"/resources/{service.id}")

    assert response.status_code == 200
    body = page(response)
    for text in (
        "The Beacon Recovery Café",
        "Recovery café",
        "1 High Street",
        "DN1 8GG",
        "Monday, Tuesday: 10:00–16:00",
        "Saturday: 11:00 (Family Saturday)",
        'href="tel:01632960001"',
        'href="https://example.org/beacon"',
        "Step-free entrance and hearing loop.",
        "Anyone affected by drugs or alcohol.",
        "People on a prescription welcome",
        "English, Polish",
        "Confirmed today",
        f'href="/resources/{service.id}/suggest"',
    ):
        assert text in body, text


def test_safe_housing_shows_only_its_town(client, make_resource):
    service = make_resource(
        "Doncaster", name="Beacon House", category="sober_living", address_1="", approximate=True
    )

    body = page(client.get(f"/resources/{service.id}"))

    assert "Doncaster area" in body
    assert "openstreetmap" not in body and "geo:" not in body


def test_stale_listings_are_flagged(client, make_resource):
    service = make_resource(last_confirmed=datetime.now(UTC).date() - timedelta(days=120))

    body = page(client.get(f"/resources/{service.id}"))

    assert "this listing may be out of date" in body


def test_archived_defunct_and_unknown_resources_are_not_found(client, make_resource):
    archived = make_resource(archived_at=datetime(2026, 11, 1))
    defunct = make_resource(status="defunct")

    assert client.get(f"/resources/{archived.id}").status_code == 404
    assert client.get(f"/resources/{defunct.id}").status_code == 404
    assert client.get("/resources/not-a-real-id").status_code == 404
