"""Finding listed peers and champions near a place, nearest first (see geo/nearby.py).

Only listings the person agreed to, not hidden and not archived, are ever returned; private
champions only when the caller says the viewer is staff.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import selectinload

from community_hub.extensions import db
from community_hub.geo.nearby import DistanceFilter, in_rings, within_box
from community_hub.people.models import PeerSupporter, RecoveryChampion, Visibility

L = TypeVar("L", PeerSupporter, RecoveryChampion)
Statement = Select[*tuple[Any, ...]]
MAX_LIST = 200


def _listed(model: type[PeerSupporter] | type[RecoveryChampion]) -> list[ColumnElement[bool]]:
    return [
        model.consent_at.is_not(None),
        model.hidden_at.is_(None),
        model.archived_at.is_(None),
    ]


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


def _nearest(
    model: type[L], stmt: Statement, lat: float, lng: float, radius_km: float, limit: int
) -> list[tuple[float, L]]:
    """Rank the candidates in the box by distance, then load only the page shown."""
    if radius_km <= 0 or limit <= 0:
        return []

    def read(ring: float) -> list[tuple[float, int]]:
        within = DistanceFilter(lat, lng, ring)
        found = []
        for row in db.session.execute(within_box(stmt, model, lat, lng, ring)):
            km = within.km(row.latitude, row.longitude)
            if km is not None:
                found.append((km, row.id))
        return found

    ranked = sorted(in_rings(radius_km, limit, read))  # the nearest ring that holds the page
    distances = DistanceFilter(lat, lng, radius_km)
    page = ranked[:limit]
    if not page:
        return []
    loaded = {
        item.id: item
        for item in db.session.scalars(
            select(model)
            .where(model.id.in_([item_id for _km, item_id in page]))
            .options(selectinload(model.organisation))
        )
    }
    return [
        (distances.exact(loaded[i].latitude, loaded[i].longitude), loaded[i])  # type: ignore[arg-type]
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
) -> list[tuple[float, PeerSupporter]]:
    """Public peers within radius_km, nearest first, as (km, peer)."""
    stmt = select(PeerSupporter.id, PeerSupporter.latitude, PeerSupporter.longitude).where(
        *_listed(PeerSupporter)
    )
    stmt = _peer_filters(stmt, offers, languages, pathways)
    return _nearest(PeerSupporter, stmt, lat, lng, radius_km, limit)


def search_champions(
    lat: float,
    lng: float,
    radius_km: float,
    levels: frozenset[str] = frozenset(),
    include_private: bool = False,
    limit: int = 20,
) -> list[tuple[float, RecoveryChampion]]:
    """Public champions (and private ones for staff) within radius_km, nearest first."""
    stmt = select(RecoveryChampion.id, RecoveryChampion.latitude, RecoveryChampion.longitude)
    stmt = _champion_filters(stmt.where(*_listed(RecoveryChampion)), levels, include_private)
    return _nearest(RecoveryChampion, stmt, lat, lng, radius_km, limit)


def public_peers(
    offers: frozenset[str] = frozenset(),
    languages: frozenset[str] = frozenset(),
    pathways: frozenset[str] = frozenset(),
    limit: int = MAX_LIST,
) -> list[PeerSupporter]:
    """Every public peer matching the filters, by area: the list before a place is chosen."""
    stmt = (
        select(PeerSupporter)
        .where(*_listed(PeerSupporter))
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
        .where(*_listed(RecoveryChampion))
        .options(selectinload(RecoveryChampion.organisation))
        .order_by(RecoveryChampion.area, RecoveryChampion.display_name, RecoveryChampion.id)
        .limit(limit)
    )
    return list(db.session.scalars(_champion_filters(stmt, levels, include_private)))
