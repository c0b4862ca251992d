"""Finding public community resources near a place, nearest first (see geo/nearby.py)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import joinedload, selectinload

from community_hub import fulltext
from community_hub.extensions import db
from community_hub.geo.nearby import DistanceFilter, in_rings, rows_in_box
from community_hub.resources.models import (
    PUBLIC_STATUSES,
    Location,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from community_hub.sqlparams import named_rows, one_of

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


def _matching(stmt: Statement, with_words: bool, dialect: str) -> Statement:
    """Only resources whose name, description or category has every word (the last a prefix);
    the words themselves are bound by `_words`."""
    if not with_words:
        return stmt
    return stmt.where(fulltext.matches("service", dialect))


def _words(words: tuple[str, ...]) -> dict[str, str]:
    if not words:
        return {}
    return {"words": fulltext.match_expression(list(words), db.engine.dialect.name)}


# Loads a page of (service id, place id) pairs: the ORM objects the pages show (`objects`),
# or plain rows with only what the public JSON shows (`plain`), as (service, place).
Load = Callable[[list[tuple[str, str]]], Mapping[tuple[str, str], tuple[Any, Any]]]


def objects(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[Service, Location]]:
    stmt = _with_details(select(Service).where(Service.id.in_({s for s, _loc in pairs})))
    loaded: dict[tuple[str, str], tuple[Service, Location]] = {}
    for service in db.session.scalars(stmt):
        for link in service.service_at_locations:
            loaded[(service.id, link.location_id)] = (service, link.location)
    return loaded


def plain(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[Any, Any]]:
    """The public fields of these services at these places, one row standing for both."""
    statement = _plain_statement(db.engine.dialect.name)
    values = {"ids": [s for s, _loc in pairs], "places": [loc for _s, loc in pairs]}
    rows = named_rows(statement, values)
    return {(row.id, row.location_id): (row, row) for row in rows}


@functools.cache
def _plain_statement(dialect: str) -> Select[Any]:
    columns = (
        Service.id, Service.name, TaxonomyTerm.code.label("category"),
        Location.id.label("location_id"), Location.address_1, Location.city,
        Location.postcode, Location.latitude, Location.longitude,
    )  # fmt: skip
    return (
        cast("Select[Any]", select(*columns))
        .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .outerjoin(TaxonomyTerm, TaxonomyTerm.id == Service.taxonomy_term_id)
        .where(one_of(Service.id, "ids", dialect), one_of(Location.id, "places", dialect))
    )


def search_resources(
    lat: float,
    lng: float,
    radius_km: float,
    categories: frozenset[str] = frozenset(),
    limit: int = 20,
    words: tuple[str, ...] = (),
    load: Load = objects,
) -> list[tuple[float, Any, Any]]:
    """Public resources with a place within radius_km, nearest first, as (km, service, place):
    a Service and its Location, or what `load` gives (`plain`: one row for both).

    `categories` are taxonomy codes; a resource in any of them matches. Online-only resources
    have no place, so they never appear in a distance search.
    """
    if radius_km <= 0 or limit <= 0:
        return []
    stmt = _candidates(categories, bool(words), db.engine.dialect.name)
    params = _words(words)

    def read(ring: float) -> list[tuple[float, str, str]]:
        within = DistanceFilter(lat, lng, ring)
        nearest: dict[str, tuple[float, str]] = {}  # a service at several places: its nearest
        for service_id, location_id, at_lat, at_lng in rows_in_box(
            stmt, Location, lat, lng, ring, params
        ):
            km = within.km(at_lat, at_lng)
            if km is not None and (service_id not in nearest or km < nearest[service_id][0]):
                nearest[service_id] = (km, location_id)
        return [(km, service_id, loc) for service_id, (km, loc) in nearest.items()]

    # The nearest ring that surely holds the page.
    page = sorted(in_rings(radius_km, limit, read))[:limit]
    if not page:
        return []
    distances = DistanceFilter(lat, lng, radius_km)
    loaded = load([(service_id, location_id) for _km, service_id, location_id in page])
    results: list[tuple[float, Any, Any]] = []
    for _km, service_id, location_id in page:
        found = loaded.get((service_id, location_id))
        if found is not None:
            service, place = found
            results.append((distances.exact(place.latitude, place.longitude), service, place))
    return results


# A search's statement is built once per choice of categories and kept (see `rows_in_box`).
@functools.lru_cache(maxsize=128)
def _candidates(categories: frozenset[str], with_words: bool, dialect: str) -> Statement:
    stmt: Statement = (
        select(Service.id, Location.id.label("location_id"), Location.latitude, Location.longitude)
        .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
        .join(Location, ServiceAtLocation.location_id == Location.id)
        .where(*_public())
    )
    return _matching(_in_categories(stmt, categories), with_words, dialect)


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
    stmt = _matching(_in_categories(stmt, categories), bool(words), db.engine.dialect.name)
    found = db.session.scalars(_with_details(stmt), _words(words))
    return list(dict.fromkeys(found))
