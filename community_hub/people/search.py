"""Finding listed peers and champions near a place, nearest first (see geo/nearby.py).

Only listings the person agreed to, not hidden and not archived, are ever returned; private
champions only when the caller says the viewer is staff.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import selectinload

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.geo.nearby import FIRST_RING, DistanceFilter, in_rings, rows_in_box
from community_hub.people.models import PeerSupporter, RecoveryChampion, Visibility, listed_where
from community_hub.sqlparams import named_rows, one_of

L = TypeVar("L", PeerSupporter, RecoveryChampion)
Statement = Select[*tuple[Any, ...]]
MAX_LIST = 200


def _has(column: Any, code: str) -> ColumnElement[bool]:
    return column.contains(f",{code},", autoescape=True)


def _peer_filters(
    stmt: Statement,
    offers: Iterable[str],
    languages: Iterable[str],
    pathways: Iterable[str],
) -> Statement:
    """Every chosen offer and pathway; any one of the chosen languages."""
    for code in sorted(offers):
        stmt = stmt.where(_has(PeerSupporter.offers, code))
    for code in sorted(pathways):
        stmt = stmt.where(_has(PeerSupporter.pathways, code))
    wanted = sorted(languages)
    if wanted:
        stmt = stmt.where(or_(*(_has(PeerSupporter.languages, code) for code in wanted)))
    return stmt


def _champion_filters(stmt: Statement, levels: Iterable[str], include_private: bool) -> Statement:
    if not include_private:
        stmt = stmt.where(RecoveryChampion.visibility == Visibility.PUBLIC.value)
    chosen = sorted(levels)
    if chosen:
        stmt = stmt.where(RecoveryChampion.level.in_(chosen))
    return stmt


# Loads a page of listings by id: the ORM objects the pages show (`objects`), or plain rows
# with only what the public JSON shows (`plain`).
Load = Callable[[type[L], list[int]], Mapping[int, Any]]


def objects(model: type[L], ids: list[int]) -> dict[int, L]:
    stmt = select(model).where(model.id.in_(ids)).options(selectinload(model.organisation))
    return {item.id: item for item in db.session.scalars(stmt)}


def plain(model: type[L], ids: list[int]) -> dict[int, Any]:
    """The public fields of these listings with their organisation's name, as plain rows."""
    statement = _plain_statement(model, db.engine.dialect.name)
    return {row.id: row for row in named_rows(statement, {"ids": ids})}


# What the public JSON shows of each kind, beyond the name, area and organisation.
_PLAIN_COLUMNS = {PeerSupporter: ("languages", "offers", "pathways"), RecoveryChampion: ("level",)}


@functools.cache
def _plain_statement(model: type[L], dialect: str) -> Select[Any]:
    own = (getattr(model, name) for name in _PLAIN_COLUMNS[model])
    columns = (model.id, model.display_name, model.area, model.latitude, model.longitude)
    return (
        cast("Select[Any]", select(*columns, *own, Organisation.name.label("organisation")))
        .join(Organisation, Organisation.id == model.organisation_id)
        .where(one_of(model.id, "ids", dialect))
    )


def _nearest(
    model: type[L],
    stmt: Statement,
    lat: float,
    lng: float,
    radius_km: float,
    limit: int,
    load: Load[L] = objects,
    first_ring: float = FIRST_RING,
) -> list[tuple[float, Any]]:
    """Rank the candidates in the box by distance, then load only the page shown."""
    if radius_km <= 0 or limit <= 0:
        return []

    def read(ring: float) -> list[tuple[float, int]]:
        within = DistanceFilter(lat, lng, ring)
        found = []
        for item_id, at_lat, at_lng in rows_in_box(stmt, model, lat, lng, ring):
            km = within.km(at_lat, at_lng)
            if km is not None:
                found.append((km, item_id))
        return found

    # The nearest ring that holds the page.
    ranked = sorted(in_rings(radius_km, limit, read, first_ring))
    distances = DistanceFilter(lat, lng, radius_km)
    page = ranked[:limit]
    if not page:
        return []
    loaded = load(model, [item_id for _km, item_id in page])
    return [
        (distances.exact(loaded[i].latitude, loaded[i].longitude), loaded[i])
        for _km, i in page
        if i in loaded
    ]


def search_peers(
    lat: float,
    lng: float,
    radius_km: float,
    offers: frozenset[str] = frozenset(),
    languages: frozenset[str] = frozenset(),
    pathways: frozenset[str] = frozenset(),
    limit: int = 20,
    load: Load[PeerSupporter] = objects,
) -> list[tuple[float, Any]]:
    """Public peers within radius_km, nearest first, as (km, peer): a PeerSupporter, or what
    `load` gives (`plain`: a row)."""
    stmt = _peer_candidates(offers, languages, pathways)
    return _nearest(PeerSupporter, stmt, lat, lng, radius_km, limit, load)


# A search's statement is built once per choice of filters and kept (see `rows_in_box`).
@functools.lru_cache(maxsize=128)
def _peer_candidates(
    offers: frozenset[str], languages: frozenset[str], pathways: frozenset[str]
) -> Statement:
    stmt = select(PeerSupporter.id, PeerSupporter.latitude, PeerSupporter.longitude).where(
        *listed_where(PeerSupporter)
    )
    return _peer_filters(stmt, offers, languages, pathways)


@functools.lru_cache(maxsize=32)
def _champion_candidates(levels: frozenset[str], include_private: bool) -> Statement:
    stmt = select(RecoveryChampion.id, RecoveryChampion.latitude, RecoveryChampion.longitude)
    return _champion_filters(stmt.where(*listed_where(RecoveryChampion)), levels, include_private)


def search_champions(
    lat: float,
    lng: float,
    radius_km: float,
    levels: frozenset[str] = frozenset(),
    include_private: bool = False,
    limit: int = 20,
    load: Load[RecoveryChampion] = objects,
) -> list[tuple[float, Any]]:
    """Public champions (and private ones for staff) within radius_km, nearest first."""
    stmt = _champion_candidates(levels, include_private)
    # A town has a few champions, not hundreds: one read of the whole radius, not rings.
    return _nearest(RecoveryChampion, stmt, lat, lng, radius_km, limit, load, first_ring=1.0)


def public_peers(
    offers: frozenset[str] = frozenset(),
    languages: frozenset[str] = frozenset(),
    pathways: frozenset[str] = frozenset(),
    limit: int = MAX_LIST,
) -> list[PeerSupporter]:
    """Every public peer matching the filters, by area: the list before a place is chosen."""
    stmt = (
        select(PeerSupporter)
        .where(*listed_where(PeerSupporter))
        .options(selectinload(PeerSupporter.organisation))
        .order_by(PeerSupporter.area, PeerSupporter.display_name, PeerSupporter.id)
        .limit(limit)
    )
    return list(db.session.scalars(_peer_filters(stmt, offers, languages, pathways)))


def public_champions(
    levels: frozenset[str] = frozenset(), include_private: bool = False, limit: int = MAX_LIST
) -> list[RecoveryChampion]:
    """Every champion this viewer may see, by area."""
    stmt = (
        select(RecoveryChampion)
        .where(*listed_where(RecoveryChampion))
        .options(selectinload(RecoveryChampion.organisation))
        .order_by(RecoveryChampion.area, RecoveryChampion.display_name, RecoveryChampion.id)
        .limit(limit)
    )
    return list(db.session.scalars(_champion_filters(stmt, levels, include_private)))
