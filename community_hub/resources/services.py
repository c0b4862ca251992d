"""Creating, changing, confirming and archiving community resources; who manages which.

A resource is saved as one HSDS service, one location, the link between them, its schedules
and phones, all in the caller's transaction: services flush, the view commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from community_hub import slugs
from community_hub.auth.models import Organisation, Role, User, utcnow
from community_hub.extensions import db
from community_hub.geo.geocode import normalise_postcode, outward_code
from community_hub.geo.privacy import coarsen
from community_hub.meetings.services import ValidationFailed
from community_hub.resources.models import (
    Location,
    LocationType,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from community_hub.resources.search import public_resources, search_resources
from community_hub.resources.validation import (
    DAYS,
    Checked,
    PhoneData,
    ResourceData,
    ScheduleData,
    validate_resource,
)

__all__ = [
    "PhoneData",
    "ResourceData",
    "ScheduleData",
    "ValidationFailed",
    "create_resource",
    "public_resource",
    "public_resources",
    "resources_for",
    "search_resources",
    "taxonomy_terms",
    "update_resource",
]

STALE_AFTER_DAYS = 90
Row = TypeVar("Row", Schedule, Phone)


def unique_slug(name: str, town: str) -> str:
    """'The Beacon Café', 'Doncaster' -> 'the-beacon-cafe-doncaster', unique among services."""
    if town.lower() in name.lower():
        town = ""
    return slugs.unique_slug(Service.slug, name, town, fallback="meeting")


def _sync(rows: list[Row], wanted: Sequence[object], make: Callable[[], Row]) -> list[Row]:
    """Reuse existing rows in order (so their ids stay stable), add or drop the difference."""
    kept = rows[: len(wanted)]
    return kept + [make() for _ in range(len(wanted) - len(kept))]


def _apply(service: Service, data: ResourceData, checked: Checked) -> None:
    service.name = data.name.strip()
    for name in (
        "name_cy",
        "alternate_name",
        "description",
        "description_cy",
        "url",
        "email",
        "fees_description",
        "eligibility_description",
        "application_process",
        "pathways_welcome",
    ):
        setattr(service, name, getattr(data, name).strip())
    service.status = data.status
    service.minimum_age, service.maximum_age = data.minimum_age, data.maximum_age
    service.taxonomy_term = checked.term
    service.languages = ",".join(dict.fromkeys(c.strip() for c in data.languages if c.strip()))
    service.updated_at = utcnow()

    place = service.location
    if place is None:
        place = Location(organisation_id=service.organisation_id)
        service.service_at_locations.append(ServiceAtLocation(location=place))
    place.organisation_id = service.organisation_id
    place.location_type = data.location_type
    virtual = data.location_type == LocationType.VIRTUAL.value
    place.name = data.location_name.strip() or ("Online" if virtual else service.name)
    place.address_1 = "" if virtual or data.approximate else data.address_1.strip()
    place.city = "" if virtual else data.city.strip()
    place.postcode = "" if virtual else normalise_postcode(data.postcode)
    if data.approximate and not virtual:
        place.postcode = outward_code(place.postcode)  # a full postcode is a handful of homes
    place.region = data.region.strip()
    place.timezone = data.timezone.strip()
    place.approximate = data.approximate and not virtual
    place.accessibility_notes = data.accessibility_notes.strip()
    place.place_at(*(checked.position or (None, None)))
    coarsen(place)  # now, not at the flush: the service's copy must be as coarse as its place
    service.place_at(place.latitude, place.longitude)  # the service is where its place is

    schedules = [row for row in data.schedules if not row.is_blank]
    service.schedules = _sync(service.schedules, schedules, Schedule)
    for position, (schedule, row) in enumerate(zip(service.schedules, schedules, strict=True)):
        schedule.position = position
        schedule.freq = "WEEKLY"
        schedule.byday = ",".join(d for d in DAYS if d in row.days)
        schedule.opens_at, schedule.closes_at = row.opens_at, row.closes_at
        schedule.description = row.description.strip()

    phones = [row for row in data.phones if not row.is_blank]
    service.phones = _sync(service.phones, phones, lambda: Phone(number=""))
    for position, (phone, phone_row) in enumerate(zip(service.phones, phones, strict=True)):
        phone.position = position
        phone.number = phone_row.number.strip()
        phone.description = phone_row.description.strip()


def create_resource(
    data: ResourceData, organisation: Organisation, today: date, slug: str | None = None
) -> Service:
    """Add a resource owned by an organisation; confirmed as of today."""
    checked = validate_resource(data)
    service = Service(
        slug=slug or unique_slug(data.name, data.city.strip()),
        organisation=organisation,
        organisation_id=organisation.id,
        last_confirmed=today,
    )
    db.session.add(service)
    _apply(service, data, checked)
    db.session.flush()
    return service


def update_resource(service: Service, data: ResourceData, today: date) -> Service:
    """Change a resource; saving the form also confirms the details are current."""
    checked = validate_resource(data)
    _apply(service, data, checked)
    service.last_confirmed = today
    db.session.flush()
    return service


def resources_for(user: User, include_archived: bool = False) -> list[Service]:
    """The resources a coordinator (their organisation's) or an admin (all) manages."""
    stmt = (
        select(Service)
        .options(
            selectinload(Service.taxonomy_term),
            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location),
        )
        .order_by(Service.name, Service.id)
    )
    if user.role != Role.ADMIN:
        stmt = stmt.where(Service.organisation_id == user.organisation_id)
    if not include_archived:
        stmt = stmt.where(Service.archived_at.is_(None))
    return list(db.session.scalars(stmt))


def public_resource(service_id: str) -> Service | None:
    """A resource the public may see: not archived and not defunct."""
    service = db.session.get(Service, service_id)
    return service if service is not None and service.is_public else None


def taxonomy_terms() -> list[TaxonomyTerm]:
    return list(db.session.scalars(select(TaxonomyTerm).order_by(TaxonomyTerm.term)))
