"""The places imported meetings are held: venues matched on everything a row says about them,
and addresses without coordinates placed through the configured geocoder, or flagged."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.geo.countries import country_code, largest_town_in
from community_hub.geo.geocode import FULL_POSTCODE, geocode, geocode_in, normalise_postcode
from community_hub.interop.feed_rows import Planned, RowProblem, address_text
from community_hub.meetings.models import Venue

VENUE_FIELDS = (
    "name", "address", "city", "state", "postcode", "country", "full_address", "region",
    "latitude", "longitude", "timezone", "approximate", "location_notes",
)  # fmt: skip
PLACE_FIELDS = tuple(f for f in VENUE_FIELDS if f not in ("latitude", "longitude"))


def venue_matches(venue: Venue, planned: dict[str, Any]) -> bool:
    names = PLACE_FIELDS if planned["latitude"] is None else VENUE_FIELDS
    return all(getattr(venue, name) == planned[name] for name in names)


class Venues:
    """The organisation's venues by their whole place, read once rather than once a row.

    A place is everything a row says about it: two rows that give it differently get two
    venues, so importing again never moves a meeting back and forth. A row without
    coordinates matches a venue with the same address whatever its position, so a position
    a coordinator added stays.
    """

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        self.exact: dict[tuple, Venue] = {}
        self.by_place: dict[tuple, Venue] = {}
        for venue in db.session.scalars(
            select(Venue).where(Venue.organisation_id == organisation.id).order_by(Venue.id)
        ):
            self._index(venue)

    def _index(self, venue: Venue) -> None:
        self.exact.setdefault(tuple(getattr(venue, f) for f in VENUE_FIELDS), venue)
        place = tuple(getattr(venue, f) for f in PLACE_FIELDS)
        held = self.by_place.get(place)
        if held is None or (venue.located and not held.located):
            self.by_place[place] = venue

    def find(self, data: dict[str, Any]) -> Venue | None:
        if data["latitude"] is None:
            return self.by_place.get(tuple(data[f] for f in PLACE_FIELDS))
        return self.exact.get(tuple(data[f] for f in VENUE_FIELDS))

    def get(self, data: dict[str, Any]) -> Venue:
        """The venue with exactly this place, or a new one."""
        found = self.find(data)
        if found is None:
            found = Venue(organisation=self.organisation, **data)
            db.session.add(found)
            self._index(found)
        found.archived_at = None
        return found


def address_country(venue: dict[str, Any], text: str) -> str:
    """The country an address is in (ISO alpha-2), from what the row says, or '' if unknown.

    The row's own `country`, else the address's last part ("…, Alberta, T6E 4E8, Canada"),
    else the country of the row's (or the organisation's) time zone.
    """
    last = text.rsplit(",", 1)[-1].strip()
    # Two letters at the end are more often a US state or Canadian province ("DE", "CA") than
    # a country; only "UK" is taken as one.
    said = country_code(venue["country"]) or (
        country_code(last) if len(last) > 2 or last.upper() == "UK" else ""
    )
    if said:
        return said
    zone = str(venue.get("timezone") or "")
    town = largest_town_in(zone) if zone else None
    return town.country if town is not None else ""


class Places:
    """Addresses without coordinates, placed through the configured geocoder (once each)."""

    def __init__(self) -> None:
        self.found: dict[str, tuple[float, float] | None] = {}

    def place(self, venue: dict[str, Any]) -> tuple[float, float] | None:
        text = address_text(venue)
        if text not in self.found:
            self.found[text] = self._look_up(venue, text)
        return self.found[text]

    @staticmethod
    def _look_up(venue: dict[str, Any], text: str) -> tuple[float, float] | None:
        country = address_country(venue, text)
        found = geocode_in(text, country)
        uk = country in ("", "GB")
        postcode = normalise_postcode(venue["postcode"])
        if found is None and uk and FULL_POSTCODE.match(postcode.replace(" ", "")):
            found = geocode(postcode)
        return (found.latitude, found.longitude) if found else None


def place_venues(plans: list[Planned], problems: list[RowProblem], known: Venues) -> None:
    """In-person rows without coordinates: a venue we hold, the geocoder, or flagged."""
    places = Places()
    for item in plans:
        venue = item.venue
        if venue is None or venue["latitude"] is not None or venue["approximate"]:
            continue
        held = known.find(venue)
        if held is not None and held.located:
            continue  # matched on its address: the position a coordinator gave it stays
        position = places.place(venue)
        if position is None:
            problems.append(
                RowProblem(item.row, item.slug, "latitude",
                           "no coordinates and the geocoder could not place the address: "
                           "kept without a position and flagged for a coordinator")
            )  # fmt: skip
        else:
            venue["latitude"], venue["longitude"] = position
            problems.append(
                RowProblem(item.row, item.slug, "latitude",
                           "no coordinates: placed from the address by the geocoder")
            )  # fmt: skip
