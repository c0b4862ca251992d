"""Finding public community resources near a place, nearest first (see geo/nearby.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import joinedload, selectinload

from community_hub import fulltext
from community_hub.extensions import db
from community_hub.geo.nearby import DistanceFilter, in_rings, within_box
from community_hub.resources.models import (
    PUBLIC_STATUSES,
    Location,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

MAX_LIST = 200
Statement = Select[*tuple[Any, ...]]


def _public() -> list[ColumnElement[bool]]:
    return [Service.archived_at.is_(None), Service.status.in_(PUBLIC_STATUSES)]


def _in_categories(stmt: Statement, categories: frozenset[str]) -> Statement:
    if not categories:
        return stmt
    return stmt.join(TaxonomyTerm, Service.taxonomy_term_id == TaxonomyTerm.id).where(
        TaxonomyTerm.code.in_(sorted(categories))
    )


def _with_details(stmt: Select[Any]) -> Select[Any]:
    """Load what the result lists show, in a few queries rather than one per row (a
    resource's one category and organisation come in the same statement)."""
    return stmt.options(
        joinedload(Service.taxonomy_term),
        joinedload(Service.organisation),
        selectinload(Service.schedules),
        selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location),
    )


def _matching(stmt: Statement, words: tuple[str, ...]) -> tuple[Statement, dict[str, str]]:
    """Only resources whose name, description or category has every word (the last a prefix)."""
    if not words:
        return stmt, {}
    dialect = db.engine.dialect.name
    expression = fulltext.match_expression(list(words), dialect)
    return stmt.where(fulltext.matches("service", dialect)), {"words": expression}


def _loaded(service_ids: list[str]) -> dict[str, Service]:
    stmt = _with_details(select(Service).where(Service.id.in_(service_ids)))
    return {s.id: s for s in db.session.scalars(stmt)}


def search_resources(
    lat: float,
    lng: float,
    radius_km: float,
    categories: frozenset[str] = frozenset(),
    limit: int = 20,
    words: tuple[str, ...] = (),
) -> list[tuple[float, Service, Location]]:
    """Public resources with a place within radius_km, nearest first, as (km, service, place).

    `categories` are taxonomy codes; a resource in any of them matches. Online-only resources
    have no place, so they never appear in a distance search.
    """
    if radius_km <= 0 or limit <= 0:
        return []
    stmt: Statement = (
        select(Service.id, Location.id.label("location_id"), Location.latitude, Location.longitude)
        .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
        .join(Location, ServiceAtLocation.location_id == Location.id)
        .where(*_public())
    )
    stmt, params = _matching(_in_categories(stmt, categories), words)

    def read(ring: float) -> list[tuple[float, str, str]]:
        within = DistanceFilter(lat, lng, ring)
        nearest: dict[str, tuple[float, str]] = {}  # a service at several places: its nearest
        for row in db.session.execute(within_box(stmt, Location, lat, lng, ring), params):
            km = within.km(row.latitude, row.longitude)
            if km is not None and (row.id not in nearest or km < nearest[row.id][0]):
                nearest[row.id] = (km, row.location_id)
        return [(km, service_id, loc) for service_id, (km, loc) in nearest.items()]

    # The nearest ring that surely holds the page.
    page = sorted(in_rings(radius_km, limit, read))[:limit]
    distances = DistanceFilter(lat, lng, radius_km)
    if not page:
        return []
    services = _loaded([service_id for _km, service_id, _loc in page])
    results: list[tuple[float, Service, Location]] = []
    for _km, service_id, location_id in page:
        service = services.get(service_id)
        if service is None:
            continue
        place = next(
            link.location
            for link in service.service_at_locations
            if link.location_id == location_id
        )
        assert place.latitude is not None and place.longitude is not None
        results.append((distances.exact(place.latitude, place.longitude), service, place))
    return results


def public_resources(
    categories: frozenset[str] = frozenset(), limit: int = MAX_LIST, words: tuple[str, ...] = ()
) -> list[Service]:
    """Every public resource in these categories, by town: the list before a place is chosen."""
    stmt = (
        select(Service)
        .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id, isouter=True)
        .join(Location, ServiceAtLocation.location_id == Location.id, isouter=True)
        .where(*_public())
        .order_by(Location.city, Service.name, Service.id)
        .limit(limit)
    )
    stmt, params = _matching(_in_categories(stmt, categories), words)
    found = db.session.scalars(_with_details(stmt), params)
    return list(dict.fromkeys(found))
