"""Finding a public record by its HSDS id.

Resources and their places keep their UUIDs. Meetings, peers and their places have ids that
are hashes (uuid5) of their slugs and details, so `DerivedIds` reads the few columns those
ids are made of, once, and remembers which row each id names. Asked for an id it does not
know, it reads them again only if the table has changed since (its row count, largest key or
latest change), so a made-up id costs one small query, never a scan of the table.
"""

from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.interop.hsds import organization, stable_id
from community_hub.interop.hsds_kinds import (
    MEETINGS,
    PEERS,
    PLACES,
    RESOURCES,
    Kind,
    hsds_record,
    public,
)
from community_hub.interop.hsds_meetings import (
    online_location_id,
    peer_place_link_id,
    place_link_id,
    venue_location_id,
)
from community_hub.meetings.models import Meeting, Venue
from community_hub.people.models import PeerSupporter
from community_hub.resources.models import Service


class DerivedIds:
    """Which row (by primary key) each derived id names, for one table."""

    def __init__(self, model: Any, read: Callable[[], Iterable[tuple[str, Any]]]):
        self.model, self.read = model, read
        self._ids: dict[str, Any] = {}
        self._signature: tuple[Any, ...] | None = None
        self._lock = threading.Lock()

    def _current(self) -> tuple[Any, ...]:
        row = db.session.execute(
            select(func.count(), func.max(self.model.id), func.max(self.model.updated_at))
        ).one()
        return (db.engine.url.render_as_string(), *row)

    def find(self, wanted: str, check: Callable[[Any], Any | None]) -> Any | None:
        """`check(key)` for the row this id names: what it returns, or None."""
        key = self._ids.get(wanted)
        if key is not None:
            found = check(key)
            if found is not None:
                return found
        signature = self._current()
        if key is None and signature == self._signature:
            return None  # nothing has changed since we last read every id
        with self._lock:
            self._ids, self._signature = dict(self.read()), signature
        key = self._ids.get(wanted)
        return check(key) if key is not None else None


def _meeting_ids() -> Iterable[tuple[str, Any]]:
    rows = db.session.execute(select(Meeting.slug, Meeting.id))
    return ((stable_id("meeting", slug), key) for slug, key in rows)


def _peer_ids() -> Iterable[tuple[str, Any]]:
    rows = db.session.execute(select(PeerSupporter.slug, PeerSupporter.id))
    return ((stable_id("peer", slug), key) for slug, key in rows)


def _meeting_place_ids() -> Iterable[tuple[str, Any]]:
    stmt = select(
        Meeting.id, Meeting.slug, Meeting.conference_url,
        Venue.name, Venue.postcode, Venue.latitude, Venue.longitude,
    ).outerjoin(Venue, Meeting.venue_id == Venue.id)  # fmt: skip
    for key, slug, online, name, postcode, lat, lng in db.session.execute(stmt):
        record_id = stable_id("meeting", slug)
        if name is not None:
            yield place_link_id(record_id, venue_location_id(name, postcode, lat, lng)), key
        if online:
            yield place_link_id(record_id, online_location_id(slug)), key


def _peer_place_ids() -> Iterable[tuple[str, Any]]:
    rows = db.session.execute(select(PeerSupporter.slug, PeerSupporter.id))
    return ((peer_place_link_id(slug), key) for slug, key in rows)


SERVICE_IDS = {
    "meeting": DerivedIds(Meeting, _meeting_ids),
    "peer": DerivedIds(PeerSupporter, _peer_ids),
}
PLACE_IDS = {
    "meeting": DerivedIds(Meeting, _meeting_place_ids),
    "peer": DerivedIds(PeerSupporter, _peer_place_ids),
}


def _uuid(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def _row(kind: Kind, key: Any) -> Any | None:
    stmt = kind.select(kind.entity).where(kind.key == key).options(*kind.options)
    return db.session.scalar(stmt)


def find_service(service_id: str) -> tuple[Kind, Any] | None:
    """The public service (its kind and row) with this HSDS id."""
    key = _uuid(service_id)
    if key is None:
        return None
    resource = _row(RESOURCES, key)
    if resource is not None:
        return RESOURCES, resource
    for kind in (PEERS, MEETINGS):
        row = SERVICE_IDS[kind.owner].find(key, functools.partial(_row, kind))
        if row is not None:
            return kind, row
    return None


def find_place(place_id: str) -> tuple[Kind, Any] | None:
    """The public service_at_location (its kind and row) with this HSDS id."""
    key = _uuid(place_id)
    if key is None:
        return None
    kinds = {kind.name: kind for kind in PLACES}
    link = _row(kinds["resource_place"], key)
    if link is not None:
        return kinds["resource_place"], link

    def check(kind: Kind) -> Callable[[Any], Any | None]:
        def row_if_it_has_the_place(pk: Any) -> Any | None:
            row = _row(kind, pk)
            if row is None:
                return None
            try:
                return row if hsds_record(kind, row, False)["id"] == key else None
            except IndexError:  # the meeting has no place of this kind
                return None

        return row_if_it_has_the_place

    for name in ("peer_area", "meeting_venue", "meeting_online"):
        kind = kinds[name]
        row = PLACE_IDS[kind.owner].find(key, check(kind))
        if row is not None:
            return kind, row
    return None


def publishing_organisations() -> ColumnElement[bool]:
    """Organisations with at least one public listing, as a condition on Organisation."""
    listings = (("resource", Service), ("peer", PeerSupporter), ("meeting", Meeting))
    return or_(
        *(
            exists(select(model.id).where(model.organisation_id == Organisation.id, *public(owner)))
            for owner, model in listings
        )
    )


def find_organisation(organisation_id: str, publishing: bool = True) -> Organisation | None:
    """The organisation with this HSDS id (uuid5 of its slug); by default only one that
    publishes at least one listing, as /organizations lists."""
    key = _uuid(organisation_id)
    if key is None:
        return None
    stmt = select(Organisation).where(publishing_organisations()) if publishing else None
    organisations = db.session.scalars(stmt if stmt is not None else select(Organisation))
    return next((o for o in organisations if organization(o)["id"] == key), None)
