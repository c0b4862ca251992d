"""Checking a peer's or champion's details, and placing the centre of the area they cover."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from community_hub.auth.models import Role
from community_hub.geo.geocode import FULL_POSTCODE, geocode
from community_hub.geo.privacy import COARSE_DECIMALS
from community_hub.geo.spatial import valid_coordinates
from community_hub.meetings.services import EMAIL_RE, PHONE_RE, ValidationFailed
from community_hub.people.models import ChampionLevel, Visibility
from community_hub.people.vocab import LANGUAGES, OFFERS, PATHWAYS

STAFF_ROLES = (Role.ADMIN.value, Role.COORDINATOR.value, Role.WORKER.value, Role.COMMISSIONER.value)
# Area centres are kept to about 1 km (community_hub/geo/privacy.py) so they never pinpoint a home.
CENTRE_PRECISION = COARSE_DECIMALS


@dataclass
class ListingData:
    display_name: str
    area: str
    centre_place: str = ""  # a town or postcode district; the area text is tried if empty
    latitude: float | None = None
    longitude: float | None = None
    bio: str = ""
    bio_cy: str = ""
    private_phone: str = ""
    private_email: str = ""


@dataclass
class PeerData(ListingData):
    languages: list[str] = field(default_factory=lambda: ["en"])
    gender: str = ""
    pathways: list[str] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)
    availability: str = ""
    paid: bool = False


@dataclass
class ChampionData(ListingData):
    level: str = ""
    visibility: str = Visibility.PUBLIC.value


def is_staff(user: object) -> bool:
    """Signed-in staff of any organisation (not volunteers): they may see private champions."""
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", "") in (
        STAFF_ROLES
    )


def _locate(data: ListingData, errors: dict[str, str]) -> tuple[float, float] | None:
    """The area's centre: given coordinates, else the place (or area) text geocoded."""
    if data.latitude is not None or data.longitude is not None:
        if data.latitude is None or data.longitude is None:
            errors["latitude"] = "Give both latitude and longitude, or leave both empty."
            return None
        if not valid_coordinates(data.latitude, data.longitude):
            errors["latitude"] = "Latitude must be -90 to 90 and longitude -180 to 180."
            return None
        return round(data.latitude, CENTRE_PRECISION), round(data.longitude, CENTRE_PRECISION)
    place = data.centre_place.strip()
    if FULL_POSTCODE.match(place.upper().replace(" ", "")):
        errors["centre_place"] = (
            "Use a town or a postcode district like DN4, never a full postcode: "
            "the public must not be able to find anyone's home."
        )
        return None
    for text in (place, data.area.strip()):
        found = geocode(text) if text else None
        if found is not None:
            return round(found.latitude, CENTRE_PRECISION), round(found.longitude, CENTRE_PRECISION)
    errors["centre_place"] = (
        "We could not place this area. Enter the main town it covers, like Doncaster, "
        "or a postcode district like DN4."
    )
    return None


def _check_common(data: ListingData, errors: dict[str, str]) -> None:
    name = data.display_name.strip()
    if not name:
        errors["display_name"] = "Enter the first name (or chosen name) they want shown."
    elif len(name) > 60 or len(name.split()) > 2:
        errors["display_name"] = "Use a first name or chosen name only, never a full name."
    if not data.area.strip():
        errors["area"] = "Enter the area they cover, for example Doncaster and Mexborough."
    elif len(data.area) > 120:
        errors["area"] = "The area must be 120 characters or fewer."
    if len(data.bio) > 1000:
        errors["bio"] = "Keep the profile under 1,000 characters."
    if len(data.bio_cy) > 1000:
        errors["bio_cy"] = "Keep the Welsh profile under 1,000 characters."
    if data.private_phone.strip() and not PHONE_RE.match(data.private_phone.strip()):
        errors["private_phone"] = "The phone number may only hold digits, spaces and + ( ) -"
    if data.private_email.strip() and not EMAIL_RE.match(data.private_email.strip()):
        errors["private_email"] = "Enter the email like name@example.org."


def _unknown(codes: list[str], vocabulary: Mapping[str, object]) -> str:
    return ", ".join(c for c in codes if c not in vocabulary)


def validate_peer(data: PeerData) -> tuple[float, float]:
    """Check a peer's listing; raise ValidationFailed naming every problem."""
    errors: dict[str, str] = {}
    _check_common(data, errors)
    data.languages = [c.strip().lower() for c in data.languages if c.strip()]
    data.pathways = [c.strip().lower() for c in data.pathways if c.strip()]
    data.offers = [c.strip().lower() for c in data.offers if c.strip()]
    if not data.languages:
        errors["languages"] = "Choose at least one language they can support people in."
    elif bad := _unknown(data.languages, LANGUAGES):
        errors["languages"] = f"Unknown language code: {bad}."
    if bad := _unknown(data.pathways, PATHWAYS):
        errors["pathways"] = f"Unknown fellowship or pathway: {bad}."
    if not data.offers:
        errors["offers"] = "Choose at least one kind of support they offer."
    elif bad := _unknown(data.offers, OFFERS):
        errors["offers"] = f"Unknown kind of support: {bad}."
    if len(data.gender) > 60:
        errors["gender"] = "Keep this to 60 characters or fewer."
    if len(data.availability) > 200:
        errors["availability"] = "Keep this short: 200 characters or fewer."
    located = _locate(data, errors)
    if errors:
        raise ValidationFailed(errors)
    assert located is not None
    return located


def validate_champion(data: ChampionData) -> tuple[float, float]:
    """Check a champion's listing; raise ValidationFailed naming every problem."""
    errors: dict[str, str] = {}
    _check_common(data, errors)
    if data.level not in {level.value for level in ChampionLevel}:
        errors["level"] = "Choose the level: strategic, therapeutic or community."
    if data.visibility not in {v.value for v in Visibility}:
        errors["visibility"] = "Choose whether the profile is public or for staff only."
    located = _locate(data, errors)
    if errors:
        raise ValidationFailed(errors)
    assert located is not None
    return located
