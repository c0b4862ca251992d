"""The public's view of opportunities: only open ones (published, not archived, not closed)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import selectinload

from community_hub.extensions import db
from community_hub.geo.nearby import DistanceFilter, within_box
from community_hub.volunteering.models import Opportunity

MAX_LIST = 200
LOADS = (
    selectinload(Opportunity.organisation),
    selectinload(Opportunity.host),
    selectinload(Opportunity.requirements),
)


def _open(today: date) -> list[ColumnElement[bool]]:
    return [
        Opportunity.published_at.is_not(None),
        Opportunity.archived_at.is_(None),
        or_(Opportunity.closes_on.is_(None), Opportunity.closes_on >= today),
    ]


def open_opportunities(today: date, limit: int = MAX_LIST) -> list[Opportunity]:
    """Every open opportunity, newest first: the list before a place is chosen."""
    stmt = (
        select(Opportunity)
        .where(*_open(today))
        .options(*LOADS)
        .order_by(Opportunity.published_at.desc(), Opportunity.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def nearby_opportunities(
    lat: float, lng: float, radius_km: float, today: date, limit: int = MAX_LIST
) -> list[tuple[float, Opportunity]]:
    """Open opportunities within radius_km of a place, nearest first, as (km, opportunity)."""
    stmt: Select[*tuple[Any, ...]] = select(
        Opportunity.id, Opportunity.latitude, Opportunity.longitude
    ).where(*_open(today))
    distances = DistanceFilter(lat, lng, radius_km)
    ranked: list[tuple[float, int]] = []
    for row in db.session.execute(within_box(stmt, Opportunity, lat, lng, radius_km)):
        km = distances.km(row.latitude, row.longitude)
        if km is not None:
            ranked.append((km, row.id))
    page = sorted(ranked)[:limit]
    if not page:
        return []
    loaded = {
        o.id: o
        for o in db.session.scalars(
            select(Opportunity).where(Opportunity.id.in_([i for _km, i in page])).options(*LOADS)
        )
    }
    return [
        (distances.exact(loaded[i].latitude, loaded[i].longitude), loaded[i])  # type: ignore[arg-type]
        for _km, i in page
        if i in loaded
    ]


def open_opportunity(slug: str, today: date) -> Opportunity | None:
    """The open opportunity at this address, or None (closed, archived or never published)."""
    return db.session.scalar(
        select(Opportunity).where(Opportunity.slug == slug, *_open(today)).options(*LOADS)
    )
