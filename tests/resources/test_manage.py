"""Coordinators keep their own organisation's resources current; others get 404."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html import unescape
from typing import Any

import pytest
from flask_babel import refresh

from community_hub.extensions import db
from community_hub.resources.models import Location, Schedule, Service


def page(response: Any) -> str:
    return unescape(response.get_data(as_text=True))


def resource_form(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "The Beacon Recovery Café",
        "category": "recovery_cafe",
        "status": "active",
        "description": "A dry café.",
        "eligibility_description": "Everyone welcome.",
        "pathways_welcome": "People on a prescription welcome",
        "languages": ["en", "pl"],
        "location_type": "physical",
        "address_1": "14 Priory Walk",
        "city": "Doncaster",
        "postcode": "dn1 8gg",
        "schedule1_days": ["MO", "FR"],
        "schedule1_opens_at": "10:00",
        "schedule1_closes_at": "16:00",
        "phone1_number": "01632 960001",
        "phone1_description": "Reception",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def only(model: Any) -> Any:
    (item,) = db.session.scalars(db.select(model)).all()
    return item


def today() -> date:
    return datetime.now(UTC).date()


def test_a_coordinator_adds_a_resource_placed_from_its_town(client, auth, coordinator, terms):
    auth.login(coordinator)

    response = client.post("/manage/resources/new", data=resource_form())

    assert response.status_code == 302
    service = only(Service)
    assert service.organisation_id == coordinator.organisation_id
    assert service.last_confirmed == today()
    assert service.languages == "en,pl"
    place = only(Location)
    assert (place.city, place.postcode) == ("Doncaster", "DN1 8GG")
    assert place.latitude is not None and round(place.latitude, 1) == 53.5
    assert only(Schedule).byday == "MO,FR"
    assert "The Beacon Recovery Café" in page(client.get("/manage/resources/"))


def test_the_form_explains_problems_and_saves_nothing(client, auth, coordinator, terms):
    auth.login(coordinator)

    response = client.post(
        "/manage/resources/new",
        data=resource_form(name="", category="", url="example.org", schedule1_closes_at="09:00"),
    )

    assert response.status_code == 400
    body = page(response)
    assert "There is a problem" in body
    for message in (
        "Enter the name people know this place or service by.",
        "Choose what kind of resource this is.",
        "The website must be a web address starting https://",
        "The closing time must be after the opening time.",
    ):
        assert message in body
    assert '<a href="#schedule1_closes_at">' in body
    assert db.session.scalars(db.select(Service)).all() == []
    assert db.session.scalars(db.select(Location)).all() == []


def test_the_edit_form_shows_saved_details_and_saving_confirms(
    client, auth, coordinator, make_resource
):
    service = make_resource(
        organisation=coordinator.organisation, last_confirmed=date(2026, 1, 1), postcode="DN1 8GG"
    )
    auth.login(coordinator)

    body = page(client.get(f"/manage/resources/{service.id}/edit"))
    assert 'value="Doncaster Recovery Café"' in body
    assert 'value="DN1 8GG"' in body

    response = client.post(
        f"/manage/resources/{service.id}/edit", data=resource_form(name="Renamed Café")
    )

    assert response.status_code == 302
    db.session.refresh(service)
    assert service.name == "Renamed Café" and service.last_confirmed == today()


def test_still_correct_archive_and_restore(client, auth, coordinator, make_resource):
    service = make_resource(organisation=coordinator.organisation, last_confirmed=date(2026, 1, 1))
    auth.login(coordinator)

    listing = page(client.get("/manage/resources/"))
    assert "Not confirmed in 90 days (1)" in listing
    assert client.post(f"/manage/listings/resources/{service.id}/confirm").status_code == 302
    db.session.refresh(service)
    assert service.last_confirmed == today()

    client.post(f"/manage/listings/resources/{service.id}/archive")
    db.session.refresh(service)
    assert service.archived_at is not None
    assert client.get(f"/resources/{service.id}").status_code == 404

    client.post(f"/manage/listings/resources/{service.id}/restore")
    db.session.refresh(service)
    assert service.archived_at is None


@pytest.mark.parametrize(
    ("method", "action"),
    [("get", "edit"), ("post", "edit"), ("post", "confirm"), ("post", "archive"),
     ("post", "restore")],
)  # fmt: skip
def test_another_organisations_resource_is_not_found(
    client, auth, coordinator, make_resource, method, action
):
    theirs = make_resource(name="Their Café", last_confirmed=date(2026, 1, 1))
    auth.login(coordinator)

    url = f"/manage/resources/{theirs.id}/{action}"
    if action != "edit":
        url = f"/manage/listings/resources/{theirs.id}/{action}"
    response = getattr(client, method)(url, data={})

    assert response.status_code == 404
    db.session.refresh(theirs)
    assert theirs.last_confirmed == date(2026, 1, 1) and theirs.archived_at is None
    assert "Their Café" not in page(client.get("/manage/resources/"))


def test_admins_manage_every_organisations_resources(client, auth, make_user, make_resource):
    service = make_resource(name="Anyone's Café")
    auth.login(make_user("admin"))

    assert "Anyone's Café" in page(client.get("/manage/resources/"))
    assert client.post(f"/manage/listings/resources/{service.id}/confirm").status_code == 302


def test_other_roles_and_visitors_cannot_manage(client, auth, make_user, terms):
    assert client.get("/manage/resources/").status_code == 302  # to sign in
    auth.login(make_user("worker"))
    assert client.get("/manage/resources/").status_code == 403
    assert client.get("/manage/resources/new").status_code == 403


def test_a_resource_says_the_ages_it_is_for(client, auth, coordinator, terms):
    """Saved from the form, shown on its page (in Welsh too), and its place's position with it."""
    auth.login(coordinator)
    refused = client.post(
        "/manage/resources/new", data=resource_form(minimum_age="18", maximum_age="16")
    )
    assert refused.status_code == 400
    assert "The oldest age cannot be below the youngest age." in page(refused)
    assert (
        client.post("/manage/resources/new", data=resource_form(minimum_age="121")).status_code
        == 400
    )
    saved = client.post("/manage/resources/new", data=resource_form(minimum_age="18"))
    assert saved.status_code == 302
    service = only(Service)
    assert (service.minimum_age, service.maximum_age) == (18, None)
    place = only(Location)
    assert (service.latitude, service.longitude) == (place.latitude, place.longitude)
    service_id = service.id
    auth.logout()
    assert "Ages 18 and over." in page(client.get(f"/resources/{service_id}"))
    client.get("/language/cy?next=/")
    refresh()  # the test's app context outlives each request, and Flask-Babel keeps the locale
    assert "Oed 18 a hŷn." in page(client.get(f"/resources/{service_id}"))
