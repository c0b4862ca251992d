"""Saving resources: one service, place, schedules and phones; rules that explain themselves."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from community_hub.extensions import db
from community_hub.freshness import is_stale
from community_hub.listings import lifecycle
from community_hub.listings.registry import KINDS
from community_hub.resources import services
from community_hub.resources.models import (
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from community_hub.resources.services import PhoneData, ScheduleData, ValidationFailed

from .conftest import TODAY, resource_data


def count(model: type) -> int:
    return len(db.session.scalars(db.select(model)).all())


def test_a_resource_is_saved_as_hsds_service_location_schedule_and_phone(terms, make_org):
    organisation = make_org()
    data = resource_data(
        schedules=[
            ScheduleData(days=["WE", "MO"], opens_at=time(10), closes_at=time(15)),
            ScheduleData(),  # a blank form row is ignored
        ],
        phones=[PhoneData("01632 960001", "Reception"), PhoneData()],
        languages=["en", "cy"],
    )

    service = services.create_resource(data, organisation, TODAY)

    assert len(service.id) == 36 and service.id.count("-") == 4
    assert service.slug == "doncaster-recovery-cafe"
    assert service.status == "active" and service.last_confirmed == TODAY
    assert service.taxonomy_term is terms["recovery_cafe"]
    assert service.languages == "en,cy"
    place = service.location
    assert place is not None and place.organisation_id == organisation.id
    assert (place.location_type, place.city, place.country) == ("physical", "Doncaster", "GB")
    assert place.timezone == "Europe/London"
    assert place.lat_band == 535
    (schedule,) = service.schedules
    assert (schedule.freq, schedule.byday) == ("WEEKLY", "MO,WE")
    assert (schedule.opens_at, schedule.closes_at) == (time(10), time(15))
    assert [(p.number, p.description) for p in service.phones] == [("01632 960001", "Reception")]
    assert count(ServiceAtLocation) == 1


def test_every_problem_is_named_and_nothing_is_saved(terms, make_org):
    organisation = make_org()
    data = resource_data(
        name=" ",
        category="casino",
        status="open",
        url="example.org",
        email="not-an-email",
        schedules=[
            ScheduleData(days=[], opens_at=time(10)),
            ScheduleData(days=["TU"], opens_at=time(15), closes_at=time(10)),
            ScheduleData(days=["TU"], closes_at=time(10)),
        ],
        phones=[PhoneData("", "Reception"), PhoneData("call us!")],
    )

    with pytest.raises(ValidationFailed) as failed:
        services.create_resource(data, organisation, TODAY)

    assert failed.value.errors == {
        "name": "Enter the name people know this place or service by.",
        "category": "Choose what kind of resource this is.",
        "status": "Choose whether it is open, temporarily closed or not running.",
        "url": "The website must be a web address starting https://",
        "email": "Enter the email address like name@example.org.",
        "schedule1_days": "Choose the days these opening times apply to.",
        "schedule2_closes_at": "The closing time must be after the opening time.",
        "schedule3_opens_at": "Enter the opening time, for example 10:00.",
        "phone1_number": "Enter the phone number, or clear its description.",
        "phone2_number": "The phone number may only hold digits, spaces and + ( ) -",
    }
    db.session.rollback()
    for model in (Service, Location, ServiceAtLocation, Schedule, Phone):
        assert count(model) == 0


def test_a_place_that_cannot_be_found_asks_for_coordinates(terms, make_org):
    data = resource_data(city="Nowhereville-on-Sea", latitude=None, longitude=None)

    with pytest.raises(ValidationFailed) as failed:
        services.create_resource(data, make_org(), TODAY)

    assert "could not place" in failed.value.errors["city"]


def test_a_resource_without_coordinates_is_placed_at_its_town(terms, make_org):
    data = resource_data(latitude=None, longitude=None, postcode="")

    service = services.create_resource(data, make_org(), TODAY)

    place = service.location
    assert place is not None and place.latitude is not None and place.longitude is not None
    assert (round(place.latitude, 1), round(place.longitude, 1)) == (53.5, -1.1)


def test_only_the_area_of_safe_housing_is_published(terms, make_org):
    data = resource_data(
        category="sober_living", approximate=True, address_1="4 Secret Lane", postcode="DN4 7RG"
    )

    with pytest.raises(ValidationFailed) as failed:
        services.create_resource(data, make_org(), TODAY)

    assert set(failed.value.errors) == {"address_1", "postcode"}
    db.session.rollback()
    data = resource_data(
        category="sober_living", approximate=True, address_1="", postcode="dn4", latitude=None
    )
    data.longitude = None
    service = services.create_resource(data, make_org(), TODAY)
    place = service.location
    assert place is not None and place.approximate
    assert (place.address_1, place.postcode) == ("", "DN4")
    assert place.formatted_address == "Doncaster"


def test_an_online_resource_needs_a_website_and_has_no_position(terms, make_org):
    with pytest.raises(ValidationFailed) as failed:
        services.create_resource(resource_data(location_type="virtual", url=""), make_org(), TODAY)
    assert failed.value.errors == {
        "url": "An online-only resource needs a website where people can join."
    }

    service = services.create_resource(
        resource_data(location_type="virtual", url="https://example.org/join"), make_org(), TODAY
    )
    place = service.location
    assert place is not None
    assert (place.location_type, place.latitude, place.lat_band, place.city) == (
        "virtual", None, None, "",
    )  # fmt: skip


def test_updating_keeps_ids_and_confirms(make_resource):
    service = make_resource(
        schedules=[
            ScheduleData(days=["MO"], opens_at=time(10)),
            ScheduleData(days=["TU"], opens_at=time(11)),
        ],
        last_confirmed=TODAY - timedelta(days=200),
    )
    place_id, first_schedule_id = service.location.id, service.schedules[0].id
    later = TODAY + timedelta(days=3)

    services.update_resource(
        service,
        resource_data(name="The New Name", schedules=[ScheduleData(days=["FR"], opens_at=time(9))]),
        later,
    )
    db.session.commit()

    assert service.name == "The New Name" and service.last_confirmed == later
    assert service.location.id == place_id
    assert [(s.id, s.byday) for s in service.schedules] == [(first_schedule_id, "FR")]
    assert count(Schedule) == 1 and count(Location) == 1


def test_confirm_archive_and_restore(make_resource):
    service = make_resource(last_confirmed=date(2026, 1, 1))

    lifecycle.confirm(service, TODAY)
    lifecycle.archive(KINDS["resources"], service)
    assert service.last_confirmed == TODAY
    assert service.archived_at is not None and not service.is_public
    assert services.public_resource(service.id) is None

    lifecycle.restore(service)
    assert service.archived_at is None
    assert services.public_resource(service.id) is service


def test_defunct_resources_are_not_public(make_resource):
    service = make_resource(status="defunct")

    assert services.public_resource(service.id) is None


def test_staleness(make_resource):
    service = make_resource(last_confirmed=TODAY - timedelta(days=90))

    assert not is_stale(service, TODAY)
    assert is_stale(service, TODAY + timedelta(days=1))
    assert is_stale(service, TODAY, days=30)
    service.last_confirmed = None
    assert is_stale(service, TODAY)


def test_coordinators_see_their_own_resources_and_admins_see_all(
    make_resource, make_user, make_org
):
    ours, theirs = make_org(), make_org()
    mine = make_resource(organisation=ours, name="Ours")
    archived = make_resource(organisation=ours, name="Old", archived_at=datetime(2026, 11, 1))
    make_resource(organisation=theirs, name="Theirs")
    coordinator = make_user("coordinator", organisation=ours)
    admin = make_user("admin")

    assert services.resources_for(coordinator) == [mine]
    assert {s.name for s in services.resources_for(coordinator, include_archived=True)} == {
        "Ours", "Old",
    }  # fmt: skip
    assert archived.archived_at is not None
    assert {s.name for s in services.resources_for(admin)} == {"Ours", "Theirs"}
