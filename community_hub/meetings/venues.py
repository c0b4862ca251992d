"""Venues: where in-person meetings happen. Coordinators keep their own organisation's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from community_hub.auth.models import Organisation, utcnow
from community_hub.extensions import db
from community_hub.geo.geocode import geocode, normalise_postcode
from community_hub.geo.spatial import valid_coordinates
from community_hub.meetings.models import Venue
from community_hub.meetings.schedule import is_valid_timezone
from community_hub.meetings.services import ValidationFailed


@dataclass
class VenueData:
    name: str
    address: str = ""
    city: str = ""
    postcode: str = ""
    region: str = ""
    latitude: float | None = None
    longitude: float | None = None
    timezone: str = "Europe/London"
    location_notes: str = ""
    accessibility_notes: str = ""


def _locate(data: VenueData, errors: dict[str, str]) -> tuple[float, float] | None:
    if data.latitude is not None and data.longitude is not None:
        if valid_coordinates(data.latitude, data.longitude):
            return data.latitude, data.longitude
        errors["latitude"] = "Latitude must be -90 to 90 and longitude -180 to 180."
        return None
    if (data.latitude is None) != (data.longitude is None):
        errors["latitude"] = "Give both latitude and longitude, or leave both empty."
        return None
    for text in (data.postcode, data.city):
        found = geocode(text) if text.strip() else None
        if found is not None:
            return found.latitude, found.longitude
    errors["latitude"] = (
        "We could not place this venue from its postcode or town. "
        "Enter its latitude and longitude (right-click the spot in any online map)."
    )
    return None


def save_venue(venue: Venue | None, data: VenueData, organisation: Organisation) -> Venue:
    """Create or change a venue after checking it; its meetings follow any move."""
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = "Enter the venue's name, for example St Mary's Church Hall."
    if not data.city.strip():
        errors["city"] = "Enter the town or city."
    if not is_valid_timezone(data.timezone.strip()):
        errors["timezone"] = "Enter a time zone like Europe/London."
    located = _locate(data, errors)
    if errors:
        raise ValidationFailed(errors)
    assert located is not None
    if venue is None:
        venue = Venue(organisation=organisation, latitude=located[0], longitude=located[1])
        db.session.add(venue)
    if (venue.address, venue.city, venue.postcode) != (
        data.address.strip(),
        data.city.strip(),
        normalise_postcode(data.postcode),
    ):
        venue.full_address = ""  # an imported address as given no longer says where it is
    venue.name = data.name.strip()
    venue.address = data.address.strip()
    venue.city = data.city.strip()
    venue.postcode = normalise_postcode(data.postcode) if data.postcode.strip() else ""
    venue.region = data.region.strip()
    venue.latitude, venue.longitude = located
    venue.timezone = data.timezone.strip()
    venue.location_notes = data.location_notes.strip()
    venue.accessibility_notes = data.accessibility_notes.strip()
    venue.last_confirmed = utcnow().date()  # saving the form confirms it, as for meetings
    for meeting in venue.meetings:
        meeting.refresh_derived()
        meeting.updated_at = utcnow()
    db.session.flush()
    return venue


def venues_for(organisation_id: int | None, include_shared: bool = True) -> list[Venue]:
    stmt = select(Venue).order_by(Venue.city, Venue.name)
    if include_shared:
        stmt = stmt.where(
            or_(Venue.organisation_id == organisation_id, Venue.organisation_id.is_(None))
        )
    else:
        stmt = stmt.where(Venue.organisation_id == organisation_id)
    return list(db.session.scalars(stmt))
