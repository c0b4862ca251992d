"""Matching's page, the best few and how many pass, with the database counting and ordering.

`ranking.passing` reads every peer who may pass into Python: thousands in a city, tens of
thousands for an online meeting. The page needs only its first 20 and a count, so here:

- the count comes from SQL, by gender when a gender rule applies (the exact rule then runs
  once per distinct gender); inside the radius by the spherical distance, computed in SQL,
  with a margin, and only the thin ring at the edge is read to settle it exactly;
- the rows are read in an order SQL can compute that never puts a peer after one it would
  rank behind (knows the fellowship, speaks the language, the nearest band it could be in,
  distance), a few at a time, until the exact key of the last one read shows that nobody
  unread can reach the page. Open offers (rare) are left to the exact key: unread peers are
  assumed to hold none.

The rows read get the exact rules and key of ranking.py, so the page is the same. Needs SQL's
sin and cos: SQLite has them when built with its math functions; without, matching reads
everyone as before.
"""

from __future__ import annotations

import functools
import math
import sqlite3
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Float, Select, bindparam, case, func, literal, select

from community_hub.extensions import db
from community_hub.geo.nearby import DistanceFilter, within_box
from community_hub.geo.spatial import EARTH_RADIUS_KM, SPHERE_ERROR
from community_hub.people.models import PeerSupporter
from community_hub.referrals import ranking
from community_hub.referrals.ranking import DISTANCE_BANDS_KM, MARGIN, NOWHERE, Ranked, Rules
from community_hub.referrals.ranking import ROW_COLUMNS as ROW

FIRST_READ = 64  # rows read first, then four times as many each round
SLACK = 1e-9  # SQL's and Python's trigonometry may differ in the last bits


@functools.cache
def _sqlite_has_trigonometry() -> bool:
    """Whether this Python's SQLite library was built with its math functions."""
    try:
        sqlite3.connect(":memory:").execute("SELECT sin(0.5), cos(0.5), radians(1.0)")
    except sqlite3.OperationalError:
        return False
    return True


def available() -> bool:
    dialect = db.engine.dialect.name
    return dialect == "postgresql" or (dialect == "sqlite" and _sqlite_has_trigonometry())


def _h(km: float) -> float:
    """The haversine's h for a spherical distance (monotonic: compare h, not km)."""
    return math.sin(min(km, math.pi * EARTH_RADIUS_KM) / (2 * EARTH_RADIUS_KM)) ** 2


def _sql_h() -> ColumnElement[float]:
    """The haversine's h in SQL, in floating point only (an integer would make PostgreSQL
    compute in NUMERIC, many times slower)."""
    lat, lng = PeerSupporter.latitude, PeerSupporter.longitude
    dphi = func.sin(func.radians(lat) * 0.5 - bindparam("o_half_phi", type_=Float))
    dlmb = func.sin(func.radians(lng) * 0.5 - bindparam("o_half_lmb", type_=Float))
    return dphi * dphi + bindparam("o_cos", type_=Float) * func.cos(func.radians(lat)) * dlmb * dlmb


def _code_in(column: Any, code: str) -> ColumnElement[int]:
    """1 when `ranking._has(column, code)` (case-sensitive, as Python's `in`), else 0."""
    if not code:
        return literal(0)
    wrapped = "," + column + ","
    found = (
        func.strpos(wrapped, f",{code},")
        if db.engine.dialect.name == "postgresql"
        else func.instr(wrapped, f",{code},")
    )
    return case((found > 0, 1), else_=0)


def _statement(rules: Rules, today: date, *columns: Any) -> Select[Any]:
    stmt = select(*columns).where(*ranking._prefilters(rules, today))
    if rules.closed_slug:  # exact, not only the prefilter's superset
        stmt = stmt.where(_code_in(PeerSupporter.pathways, rules.closed_slug) == 1)
    return stmt


def _count(rules: Rules, stmt: Select[Any], values: dict[str, Any]) -> int:
    """How many rows pass the exact gender rule, counted once per distinct gender."""
    if not (rules.gender or rules.preference):
        counted = select(func.count()).select_from(stmt.subquery())
        return int(db.session.execute(counted, values).scalar_one())
    total = 0
    grouped = stmt.with_only_columns(PeerSupporter.gender, func.count()).group_by(
        PeerSupporter.gender
    )
    for gender, count in db.session.execute(grouped, values):
        if ranking.gender_fits(gender, rules):
            total += count
    return total


def page(rules: Rules, today: date, count: int) -> tuple[list[Ranked], int] | None:
    """The first `count` in the exact order, and how many pass; None when this way can't."""
    if not available() or (rules.origin is None) != (rules.radius_km is None):
        return None
    values: dict[str, Any] = {}
    unplaced = _statement(rules, today, PeerSupporter.id)
    if rules.origin is not None and rules.radius_km is not None:
        lat, lng = rules.origin
        phi, lmb = math.radians(lat), math.radians(lng)
        values = {"o_half_phi": phi / 2, "o_half_lmb": lmb / 2, "o_cos": math.cos(phi)}
        unplaced = unplaced.where(*_no_position())
        inner = _h(rules.radius_km * (1 - SPHERE_ERROR)) * (1 - SLACK)
        outer = _h(rules.radius_km * (1 + SPHERE_ERROR)) * (1 + SLACK)
        total = _in_radius(rules, today, values, inner, outer)
    else:
        total = 0
    total += _count(rules, unplaced, values)
    if not total:
        return [], 0
    read = FIRST_READ
    while True:
        ranked, sure = _read(rules, today, values, read, count)
        if sure:
            return ranking.settle(ranked, rules, count), total
        read *= 4


def _no_position() -> list[ColumnElement[bool]]:
    return [
        PeerSupporter.lat_band.is_(None),
        (PeerSupporter.latitude.is_(None)) | (PeerSupporter.longitude.is_(None)),
    ]


def _boxed(rules: Rules, stmt: Select[Any]) -> Select[Any]:
    assert rules.origin is not None and rules.radius_km is not None
    return within_box(stmt, PeerSupporter, *rules.origin, rules.radius_km)


def _in_radius(
    rules: Rules, today: date, values: dict[str, Any], inner: float, outer: float
) -> int:
    """How many placed peers pass: one statement, h computed once per row (see `_read`).

    Those surely inside are counted per gender; each one in the thin ring at the edge, where
    only the exact distance decides, comes back with its position (grouped by position).
    """
    assert rules.origin is not None
    columns = (PeerSupporter.gender, PeerSupporter.latitude, PeerSupporter.longitude)
    near = _boxed(rules, _statement(rules, today, *columns, _sql_h().label("h")))
    rows = near.offset(0).subquery()
    edge_lat = case((rows.c.h > inner, rows.c.latitude), else_=None)
    edge_lng = case((rows.c.h > inner, rows.c.longitude), else_=None)
    stmt = (
        select(rows.c.gender, edge_lat, edge_lng, func.count())
        .where(rows.c.h <= outer)
        .group_by(rows.c.gender, edge_lat, edge_lng)
    )
    distances = DistanceFilter(*rules.origin, rules.radius_km)
    total = 0
    for gender, lat, lng, count in db.session.execute(stmt, values):
        if not ranking.gender_fits(gender, rules):
            continue
        if lat is None or distances.km(lat, lng) is not None:
            total += count
    return total


def _band_floor(h_column: ColumnElement[float]) -> ColumnElement[int]:
    """The nearest band a peer could be in, from SQL's spherical h (never above the exact)."""
    beyond = [case((h_column > _h(edge * (1 + MARGIN)) * (1 + SLACK), 1), else_=0)
              for edge in DISTANCE_BANDS_KM]  # fmt: skip
    total: ColumnElement[int] = beyond[0]
    for item in beyond[1:]:
        total = total + item
    return total


def _read(
    rules: Rules, today: date, values: dict[str, Any], limit: int, count: int
) -> tuple[list[Ranked], bool]:
    """The first `limit` of each stream in SQL's order, exactly ranked, and whether the page
    is sure: every unread peer's key is at least the last read's, which must come after."""
    knows = 1 - _code_in(PeerSupporter.pathways, rules.fellowship_slug)
    speaks = 1 - _code_in(PeerSupporter.languages, rules.language)
    streams: list[tuple[Select[Any], bool]] = []
    if rules.origin is not None:
        outer = _h(rules.radius_km * (1 + SPHERE_ERROR)) * (1 + SLACK)  # type: ignore[operator]
        # h once per row: OFFSET keeps both databases from folding the subquery (and its
        # trigonometry) into every place the outer query names h.
        near = _boxed(rules, _statement(rules, today, *ROW, _sql_h().label("h")))
        near_rows = near.offset(0).subquery()
        h = near_rows.c.h
        floor = _band_floor(h)
        ordered = (
            select(*(near_rows.c[c.key] for c in ROW), floor, h)
            .where(h <= outer)
            .order_by(
                1 - _code_in(near_rows.c.pathways, rules.fellowship_slug),
                1 - _code_in(near_rows.c.languages, rules.language),
                floor, h, near_rows.c.id,
            )
        )  # fmt: skip
        streams.append((ordered, True))
        unplaced = _statement(rules, today, *ROW).where(*_no_position())
        streams.append((unplaced.order_by(knows, speaks, PeerSupporter.id), False))
    else:
        everyone = _statement(rules, today, *ROW)
        streams.append((everyone.order_by(knows, speaks, PeerSupporter.id), False))
    read: list[ranking._Row] = []
    bounds: list[tuple[Any, ...]] = []
    for stmt, placed in streams:
        rows = db.session.execute(stmt.limit(limit), values).all()
        read += [ranking._Row._make(row[: len(ROW)]) for row in rows]
        if len(rows) == limit:  # there may be more: the last read bounds them
            bounds.append(_bound(rules, tuple(rows[-1]), placed))
    ranked = ranking.rank(rules, read)
    if not bounds or len(ranked) < count:
        return ranked, not bounds
    cut = _cut(ranked[count - 1])
    return ranked, all(bound > cut for bound in bounds)


def _bound(rules: Rules, row: tuple[Any, ...], placed: bool) -> tuple[Any, ...]:
    """A key no unread peer of this stream can come before (it is after `row` in SQL)."""
    last = ranking._Row._make(row[: len(ROW)])
    knows = not ranking._has(last.pathways, rules.fellowship_slug)
    speaks = not ranking._has(last.languages, rules.language)
    if not placed:  # ordered by id after the first two
        return (knows, speaks, ranking.band(None), 0, NOWHERE, last.id + 0.5)
    floor, h = row[len(ROW)], row[len(ROW) + 1]
    km = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(max(0.0, h))))
    # Both trigonometries err by about the Earth's radius × 1e-16 in km: a millimetre covers it.
    return (knows, speaks, floor, 0, km * (1 - SLACK) - 1e-6, -math.inf)


def _cut(last: Ranked) -> tuple[Any, ...]:
    """Everything up to here may be on the page once settled with the geodesic."""
    reach = last.km * (1 + MARGIN) / (1 - MARGIN)
    return (*last[:4], reach, last.peer_id)
