"""What the HSDS and Open Referral UK lists are made of: kinds of rows, each a public listing.

Services are resources, then peers' services, then meetings. Places (service_at_location) are
a resource's links to its location, a peer's area, a meeting's venue and a meeting's online
room. Each kind knows its table and its public rows, whose filters apply (`owner`), where its
rows are (for "near a postcode"), what to load with them, and its HSDS record.

A resource has one place (resources/services.py saves one location per service) and carries
its position, so near a place its services are found in its own table; its places (links)
are found by their locations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import joinedload, selectinload

from community_hub.interop.hsds import Record, resource_record
from community_hub.interop.hsds_meetings import meeting_record, peer_record
from community_hub.meetings.models import Attendance, Meeting
from community_hub.people.models import PeerSupporter, listed_where
from community_hub.resources.models import Location, Service, ServiceAtLocation, ServiceStatus

PHYSICAL = (Attendance.IN_PERSON.value, Attendance.HYBRID.value)
RESOURCE_OPTIONS = (
    selectinload(Service.organisation),
    selectinload(Service.taxonomy_term),
    selectinload(Service.schedules),
    selectinload(Service.phones),
    selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location),
)
MEETING_OPTIONS = (
    selectinload(Meeting.organisation),
    selectinload(Meeting.fellowship),
    selectinload(Meeting.venue),
)
PEER_OPTIONS = (selectinload(PeerSupporter.organisation),)
# The HSDS record of a listing, by the kind of listing.
HSDS_RECORD: dict[str, Callable[[Any, bool], Record]] = {
    "resource": resource_record,
    "peer": peer_record,
    "meeting": meeting_record,
}


def public(owner: str) -> list[ColumnElement[bool]]:
    """What makes a listing public: the same rules as every public page and export."""
    if owner == "resource":
        # Every status but defunct is public (PUBLIC_STATUSES): one comparison a row costs a
        # fifth less than IN (...) when counting thousands near a city centre.
        return [Service.archived_at.is_(None), Service.status != ServiceStatus.DEFUNCT.value]
    if owner == "peer":
        return list(listed_where(PeerSupporter))
    return [Meeting.archived_at.is_(None)]


@dataclass(frozen=True)
class Kind:
    name: str
    owner: str  # the listing whose filters and record apply: "resource", "peer" or "meeting"
    entity: Any  # the rows' model
    key: Any  # its primary key column: the order of plain pages
    joins: Callable[[Select[Any]], Select[Any]]  # FROM its table, joined to its listing
    where: tuple[ColumnElement[bool], ...]  # besides the listing being public
    options: tuple[Any, ...]
    # Where its rows are: joins to reach the place, and the place's model (None: nowhere).
    located: Callable[[Select[Any]], Select[Any]] | None
    place: Any
    listing: Callable[[Any], Any]  # the listing a row belongs to
    # Places only: the listing's service_at_location records this row is.
    pick: Callable[[list[Record]], list[Record]] | None = None
    # What a list item needs (services' list items are shallower than full records).
    list_options: tuple[Any, ...] | None = None

    @property
    def page_options(self) -> tuple[Any, ...]:
        return self.options if self.list_options is None else self.list_options

    def select(self, *columns: Any) -> Select[Any]:
        """The kind's public rows (its listing public), as these columns."""
        stmt = self.joins(select(*columns).select_from(self.entity))
        return stmt.where(*public(self.owner), *self.where)


def _same(stmt: Select[Any]) -> Select[Any]:
    return stmt


def _link_service(stmt: Select[Any]) -> Select[Any]:
    return stmt.join(Service, ServiceAtLocation.service_id == Service.id)


def _link_place(stmt: Select[Any]) -> Select[Any]:
    return stmt.join(Location, ServiceAtLocation.location_id == Location.id)


def _of_type(location_type: str) -> Callable[[list[Record]], list[Record]]:
    return lambda places: [p for p in places if p["location"]["location_type"] == location_type]


def _identity(row: Any) -> Any:
    return row


RESOURCES = Kind(
    "resource", "resource", Service, Service.id, _same, (), RESOURCE_OPTIONS,
    _same, Service, _identity,
    list_options=(joinedload(Service.organisation), selectinload(Service.phones)),
)  # fmt: skip
PEERS = Kind(
    "peer", "peer", PeerSupporter, PeerSupporter.id, _same, (), PEER_OPTIONS,
    _same, PeerSupporter, _identity, list_options=(joinedload(PeerSupporter.organisation),),
)  # fmt: skip
MEETINGS = Kind(
    "meeting", "meeting", Meeting, Meeting.id, _same, (), MEETING_OPTIONS,
    _same, Meeting, _identity,
    list_options=(joinedload(Meeting.organisation), joinedload(Meeting.fellowship)),
)  # fmt: skip
MEETING_PHYSICAL = (Meeting.attendance.in_(PHYSICAL),)
SERVICES = (RESOURCES, PEERS, MEETINGS)

PLACES = (
    Kind(
        "resource_place", "resource", ServiceAtLocation, ServiceAtLocation.id, _link_service,
        (), tuple(selectinload(ServiceAtLocation.service).options(o) for o in RESOURCE_OPTIONS),
        _link_place, Location, lambda link: link.service,
        lambda places: places,
    ),
    Kind(
        "peer_area", "peer", PeerSupporter, PeerSupporter.id, _same, (), PEER_OPTIONS,
        _same, PeerSupporter, _identity, lambda places: places,
    ),
    Kind(
        "meeting_venue", "meeting", Meeting, Meeting.id, _same, MEETING_PHYSICAL,
        MEETING_OPTIONS, _same, Meeting, _identity, _of_type("physical"),
    ),
    Kind(
        "meeting_online", "meeting", Meeting, Meeting.id, _same, (Meeting.conference_url != "",),
        MEETING_OPTIONS, None, None, _identity, _of_type("virtual"),
    ),
)  # fmt: skip
# Near a postcode, a meeting counts only where it meets in person (as its record shows).
NEAR_WHERE = {"meeting": MEETING_PHYSICAL}


def hsds_record(kind: Kind, row: Any, full: bool) -> Record:
    """A row's HSDS record: its service, or (places) the place with its service nested."""
    listing = kind.listing(row)
    if kind.pick is None:
        return HSDS_RECORD[kind.owner](listing, full)
    service = HSDS_RECORD[kind.owner](listing, True)
    places = kind.pick(service.pop("service_at_locations", []))
    if kind.name == "resource_place":
        places = [p for p in places if p["id"] == row.id]
    place = places[0]
    if not full:
        service = HSDS_RECORD[kind.owner](listing, False)
    return place | {"service": service}
