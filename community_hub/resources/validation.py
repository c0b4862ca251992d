"""What a resource listing is made of, and the checks that explain every problem at once.

Error keys are the form's field names (`schedule2_closes_at`, `phone1_number`) so each message
appears next to the field it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time

from sqlalchemy import select

from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.geo.geocode import geocode, normalise_postcode, outward_code
from community_hub.geo.spatial import valid_coordinates
from community_hub.meetings.schedule import is_valid_timezone
from community_hub.meetings.services import EMAIL_RE, PHONE_RE, URL_RE, ValidationFailed
from community_hub.resources.models import LocationType, ServiceStatus, TaxonomyTerm

# iCalendar BYDAY codes, Monday first as people read opening times.
DAYS = {
    "MO": _l("Monday"), "TU": _l("Tuesday"), "WE": _l("Wednesday"), "TH": _l("Thursday"),
    "FR": _l("Friday"), "SA": _l("Saturday"), "SU": _l("Sunday"),
}  # fmt: skip
# Languages offered in the form; other ISO 639 codes are accepted from imports and the seed.
LANGUAGES = {
    "en": _l("English"), "cy": _l("Welsh"), "pl": _l("Polish"), "ur": _l("Urdu"),
    "pa": _l("Punjabi"), "bn": _l("Bengali"), "ar": _l("Arabic"), "ro": _l("Romanian"),
    "ku": _l("Kurdish"), "so": _l("Somali"), "bfi": _l("British Sign Language"),
}  # fmt: skip
STATUSES = {
    ServiceStatus.ACTIVE.value: _l("Open"),
    ServiceStatus.TEMPORARILY_CLOSED.value: _l("Temporarily closed"),
    ServiceStatus.INACTIVE.value: _l("Not running at the moment"),
    ServiceStatus.DEFUNCT.value: _l("Closed for good (hidden from the public)"),
}
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
OLDEST_AGE = 120


@dataclass
class ScheduleData:
    days: list[str] = field(default_factory=list)
    opens_at: time | None = None
    closes_at: time | None = None
    description: str = ""

    @property
    def is_blank(self) -> bool:
        return not (self.days or self.opens_at or self.closes_at or self.description.strip())


@dataclass
class PhoneData:
    number: str = ""
    description: str = ""

    @property
    def is_blank(self) -> bool:
        return not (self.number.strip() or self.description.strip())


@dataclass
class ResourceData:
    """One service at one location, with its opening times and phone numbers."""

    name: str
    category: str  # a TaxonomyTerm code
    description: str = ""
    name_cy: str = ""
    alternate_name: str = ""
    description_cy: str = ""
    url: str = ""
    email: str = ""
    status: str = ServiceStatus.ACTIVE.value
    fees_description: str = ""
    eligibility_description: str = ""
    application_process: str = ""
    languages: list[str] = field(default_factory=lambda: ["en"])
    pathways_welcome: str = ""
    minimum_age: int | None = None  # the ages it is for, when it says
    maximum_age: int | None = None
    location_type: str = LocationType.PHYSICAL.value
    location_name: str = ""
    address_1: str = ""
    city: str = ""
    postcode: str = ""
    region: str = ""
    latitude: float | None = None
    longitude: float | None = None
    approximate: bool = False
    timezone: str = "Europe/London"
    accessibility_notes: str = ""
    schedules: list[ScheduleData] = field(default_factory=list)
    phones: list[PhoneData] = field(default_factory=list)


@dataclass
class Checked:
    """What validation found out: the category and where to put the pin."""

    term: TaxonomyTerm
    position: tuple[float, float] | None


def _check_service(data: ResourceData, errors: dict[str, str]) -> TaxonomyTerm | None:
    if not data.name.strip():
        errors["name"] = "Enter the name people know this place or service by."
    elif len(data.name.strip()) > 200:
        errors["name"] = "The name must be 200 characters or fewer."
    term = db.session.scalar(select(TaxonomyTerm).where(TaxonomyTerm.code == data.category))
    if term is None:
        errors["category"] = "Choose what kind of resource this is."
    if data.status not in STATUSES:
        errors["status"] = "Choose whether it is open, temporarily closed or not running."
    if data.url.strip() and not URL_RE.match(data.url.strip()):
        errors["url"] = "The website must be a web address starting https://"
    if data.email.strip() and not EMAIL_RE.match(data.email.strip()):
        errors["email"] = "Enter the email address like name@example.org."
    bad = [c for c in data.languages if not LANGUAGE_CODE.match(c)]
    if bad:
        errors["languages"] = f"Unknown language code: {', '.join(bad)}."
    _check_ages(data, errors)
    return term


def _check_ages(data: ResourceData, errors: dict[str, str]) -> None:
    for name in ("minimum_age", "maximum_age"):
        age = getattr(data, name)
        if age is not None and not 0 <= age <= OLDEST_AGE:
            errors[name] = str(
                _l("Enter an age from 0 to %(oldest)d, or leave it empty.", oldest=OLDEST_AGE)
            )
    low, high = data.minimum_age, data.maximum_age
    if low is not None and high is not None and high < low and not errors.get("maximum_age"):
        errors["maximum_age"] = str(_l("The oldest age cannot be below the youngest age."))


def _position(data: ResourceData, errors: dict[str, str]) -> tuple[float, float] | None:
    """The given coordinates, else the postcode's or town's (the town's only for area-only)."""
    if data.latitude is not None and data.longitude is not None:
        if valid_coordinates(data.latitude, data.longitude):
            return data.latitude, data.longitude
        errors["latitude"] = "Latitude must be -90 to 90 and longitude -180 to 180."
        return None
    if (data.latitude is None) != (data.longitude is None):
        errors["latitude"] = "Give both latitude and longitude, or leave both empty."
        return None
    places = (data.city,) if data.approximate else (data.postcode, data.city)
    for text in places:
        found = geocode(text) if text.strip() else None
        if found is not None:
            return found.latitude, found.longitude
    errors["city"] = (
        "We could not place this from its postcode or town. Check the spelling, "
        "or enter the latitude and longitude (right-click the spot in any online map)."
    )
    return None


def _check_location(data: ResourceData, errors: dict[str, str]) -> tuple[float, float] | None:
    if data.location_type not in {t.value for t in LocationType}:
        errors["location_type"] = "Choose whether people come in person or join online."
        return None
    if not is_valid_timezone(data.timezone.strip()):
        errors["timezone"] = "Enter a time zone like Europe/London."
    if data.location_type == LocationType.VIRTUAL.value:
        if not data.url.strip() and "url" not in errors:
            errors["url"] = "An online-only resource needs a website where people can join."
        return None
    if not data.city.strip():
        errors["city"] = "Enter the town or city."
        return None
    if data.approximate:
        if data.address_1.strip():
            errors["address_1"] = (
                "Leave the street address empty when only the area is shown, "
                "so nobody can find the house from the listing."
            )
        postcode = normalise_postcode(data.postcode) if data.postcode.strip() else ""
        if postcode and postcode != outward_code(postcode):
            errors["postcode"] = "Give only the first half of the postcode (e.g. BB11), or none."
    return _position(data, errors)


def _check_schedules(data: ResourceData, errors: dict[str, str]) -> None:
    for n, row in enumerate(data.schedules, start=1):
        if row.is_blank:
            continue
        unknown = [d for d in row.days if d not in DAYS]
        if unknown or not row.days:
            errors[f"schedule{n}_days"] = "Choose the days these opening times apply to."
        if row.opens_at is None:
            errors[f"schedule{n}_opens_at"] = "Enter the opening time, for example 10:00."
        elif row.closes_at is not None and row.closes_at <= row.opens_at:
            errors[f"schedule{n}_closes_at"] = "The closing time must be after the opening time."


def _check_phones(data: ResourceData, errors: dict[str, str]) -> None:
    for n, row in enumerate(data.phones, start=1):
        if row.is_blank:
            continue
        if not row.number.strip():
            errors[f"phone{n}_number"] = "Enter the phone number, or clear its description."
        elif not PHONE_RE.match(row.number.strip()):
            errors[f"phone{n}_number"] = "The phone number may only hold digits, spaces and + ( ) -"


def validate_resource(data: ResourceData) -> Checked:
    """Check a resource's details; raise ValidationFailed naming every problem."""
    errors: dict[str, str] = {}
    term = _check_service(data, errors)
    position = _check_location(data, errors)
    _check_schedules(data, errors)
    _check_phones(data, errors)
    if errors:
        raise ValidationFailed(errors)
    assert term is not None
    return Checked(term, position)
