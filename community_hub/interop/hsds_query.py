"""Paging through every public HSDS service: resources, then peers' services, then meetings.

A page never loads more than it shows: each kind is counted, the page's window is cut from
the three kinds laid end to end (each in a stable order), and each kind is read with
LIMIT/OFFSET. Meeting and peer ids are hashes of their slugs, so finding one by id reads the
slugs (only) of that kind once and remembers what it saw.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import selectinload

from community_hub.extensions import db
from community_hub.interop.hsds import Record, resource_record, stable_id
from community_hub.interop.hsds_meetings import meeting_record, peer_record
from community_hub.meetings.models import Meeting
from community_hub.people.models import PeerSupporter
from community_hub.resources.models import PUBLIC_STATUSES, Service, ServiceAtLocation
from community_hub.resources.services import public_resource

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
_SEEN_LIMIT = 500_000
_seen: dict[str, tuple[str, str]] = {}  # HSDS id -> (kind, slug), for meetings and peers


def _public_resources() -> list[ColumnElement[bool]]:
    return [Service.archived_at.is_(None), Service.status.in_(PUBLIC_STATUSES)]


def _public_peers() -> list[ColumnElement[bool]]:
    return [
        PeerSupporter.consent_at.is_not(None),
        PeerSupporter.hidden_at.is_(None),
        PeerSupporter.archived_at.is_(None),
    ]


def _public_meetings() -> list[ColumnElement[bool]]:
    return [Meeting.archived_at.is_(None)]


@dataclass(frozen=True)
class Kind:
    model: Any
    where: Callable[[], list[ColumnElement[bool]]]
    options: tuple[Any, ...]
    to_record: Callable[..., Record]


KINDS = {
    "resource": Kind(
        Service,
        _public_resources,
        (
            selectinload(Service.organisation),
            selectinload(Service.taxonomy_term),
            selectinload(Service.schedules),
            selectinload(Service.phones),
            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location),
        ),
        resource_record,
    ),
    "peer": Kind(
        PeerSupporter, _public_peers, (selectinload(PeerSupporter.organisation),), peer_record
    ),
    "meeting": Kind(
        Meeting,
        _public_meetings,
        (
            selectinload(Meeting.organisation),
            selectinload(Meeting.fellowship),
            selectinload(Meeting.venue),
        ),
        meeting_record,
    ),
}


def _count(kind: Kind) -> int:
    return db.session.scalar(select(func.count()).select_from(kind.model).where(*kind.where())) or 0


def _window(kind: Kind, offset: int, limit: int) -> list[Any]:
    stmt = (
        select(kind.model)
        .where(*kind.where())
        .options(*kind.options)
        .order_by(kind.model.id)
        .offset(offset)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def services_page(page: int, per_page: int, full: bool = False) -> Record:
    """One page in the HSDS `Page` shape, `contents` being service_list items (or full)."""
    counts = {name: _count(kind) for name, kind in KINDS.items()}
    total = sum(counts.values())
    start, wanted = (page - 1) * per_page, per_page
    contents: list[Record] = []
    for name, kind in KINDS.items():
        if wanted <= 0:
            break
        if start >= counts[name]:
            start -= counts[name]
            continue
        rows = _window(kind, start, min(wanted, counts[name] - start))
        contents += [kind.to_record(row, full) for row in rows]
        wanted -= len(rows)
        start = 0
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _remember(kind_name: str, model: Any, to_id: Callable[[Any], str]) -> None:
    if len(_seen) > _SEEN_LIMIT:
        _seen.clear()
    slugs = db.session.scalars(select(model.slug).execution_options(yield_per=2000))
    for slug in slugs:
        _seen[to_id(slug)] = (kind_name, slug)


def find_service(service_id: str) -> Record | None:
    """The full record with this HSDS id, if it is public."""
    try:
        key = str(uuid.UUID(service_id))
    except ValueError:
        return None
    resource = public_resource(key)
    if resource is not None:
        return resource_record(resource)
    if key not in _seen:
        _remember("peer", PeerSupporter, lambda slug: stable_id("peer", slug))
    if key not in _seen:
        _remember("meeting", Meeting, lambda slug: stable_id("meeting", slug))
    if key not in _seen:
        return None
    kind_name, slug = _seen[key]
    kind = KINDS[kind_name]
    row = db.session.scalar(
        select(kind.model).where(kind.model.slug == slug, *kind.where()).options(*kind.options)
    )
    return kind.to_record(row) if row is not None else None
