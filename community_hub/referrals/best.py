"""Matching's page, the best few and how many pass, with the database counting and ordering.

`ranking.passing` reads every peer who may pass into Python: thousands in a city, tens of
thousands for an online meeting. The page needs only its first 20 and a count, so here:

- the count comes from SQL, by gender when a gender rule applies (the exact rule then runs
  once per distinct gender); inside the radius by the flat distance (geo/flat.py, two
  multiplications a row, within a proven factor of the spherical one), and only the peers
  in the thin ring at the edge are read to settle it exactly;
- the rows are read in an order SQL can compute that never puts a peer after one it would
  rank behind (knows the fellowship, speaks the language, the nearest band it could be in,
  flat distance), a few at a time, until the exact key of the last one read shows that
  nobody unread can reach the page. Where many pass (a city), the rows are read first from a
  small circle round the meeting, expected to hold a few pages, which widens when it cannot
  settle the page; everyone outside it is at least its radius away. Open offers (rare) are
  left to the exact key: unread peers are assumed to hold none.

The rows read get the exact rules and key of ranking.py, so the page is the same. Each
statement is built once per shape of the rules (the gender group, a closed meeting, whether
a fellowship and a language are asked for) and run with new values. Near the poles, across
the 180th meridian and for radii the flat distance cannot serve, `page` declines and matching
reads everyone (ranking.passing).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    Select,
    String,
    bindparam,
    case,
    func,
    literal,
    select,
)
from sqlalchemy import cast as cast_

from community_hub.extensions import db
from community_hub.geo.flat import FlatCircle, flat_margin, flat_sq
from community_hub.geo.nearby import box_clause, box_params, widened
from community_hub.people.models import PeerSupporter, listed_where
from community_hub.people.vocab import gender_group
from community_hub.referrals import ranking
from community_hub.referrals.ranking import DISTANCE_BANDS_KM, MARGIN, NOWHERE, Ranked, Rules
from community_hub.referrals.ranking import ROW_COLUMNS as ROW
from community_hub.sqlparams import one_of, plain_rows
from community_hub.volunteers import clearance

FIRST_READ = 64  # rows read first, then four times as many each round
WHOLE = 256  # fewer than this pass within the radius: read the whole circle at once
AHEAD = 64  # otherwise the first circle is expected to hold this many who pass
SLACK = 1e-9  # SQL's and Python's arithmetic may differ in the last bits


@dataclass(frozen=True)
class _Shape:
    """What decides a statement's text: everything else is a bound value."""

    group: str  # the gender group the prefilter narrows to ('woman', 'man' or '')
    closed: bool  # a closed meeting: only its fellowship's peers
    fellowship: bool  # rank those who know the meeting's fellowship first
    language: bool  # rank those who speak the client's language first
    gendered: bool  # the exact gender rule runs in Python, once per distinct gender
    dialect: str

    @classmethod
    def of(cls, rules: Rules) -> _Shape:
        return cls(
            group=rules.gender or gender_group(rules.preference),
            closed=bool(rules.closed_slug),
            fellowship=bool(rules.fellowship_slug),
            language=bool(rules.language),
            gendered=bool(rules.gender or rules.preference),
            dialect=db.engine.dialect.name,
        )


def _values(rules: Rules, today: date) -> dict[str, Any]:
    return {
        "today": today,
        "closed_code": f",{rules.closed_slug},",
        "fellowship_code": f",{rules.fellowship_slug},",
        "language_code": f",{rules.language},",
    }


def page(rules: Rules, today: date, count: int) -> tuple[list[Ranked], int] | None:
    """The first `count` in the exact order, and how many pass; None when this way can't."""
    if (rules.origin is None) != (rules.radius_km is None):
        return None
    shape, values = _Shape.of(rules), _values(rules, today)
    circle: FlatCircle | None = None
    if rules.origin is not None and rules.radius_km is not None:
        lat, lng = rules.origin
        margin = flat_margin(lat, rules.radius_km)
        wraps, box = box_params(lat, lng, rules.radius_km)
        if margin is None or wraps:
            return None
        circle = FlatCircle(lat, lng, rules.radius_km, margin)
        values |= circle.values() | box
        placed = _in_radius(rules, shape, circle, values)
        total = placed + _count(rules, _unplaced_count(shape), values)
    else:
        placed, total = 0, _count(rules, _everyone_count(shape), values)
    if not total:
        return [], 0
    reach = None
    if circle is not None and placed >= WHOLE:
        reach = circle.radius_km * math.sqrt(AHEAD / placed)
    read = FIRST_READ
    held: dict[int, int] = {}  # open offers by volunteer, counted once across the rounds
    by_id_rows: dict[int, list[tuple]] = {}  # by read limit: a wider circle does not change it
    while True:
        # Peers without a position (everyone, online) are read only when some of them pass.
        by_id = by_id_rows if total > placed else None
        ranked, blocked = _read(rules, shape, values, circle, reach, by_id, read, count, held)
        if not blocked:
            return ranking.settle(ranked, rules, count), total
        if "rows" in blocked:  # a stream had more rows than were read
            read *= 4
        if "circle" in blocked and reach is not None and circle is not None:
            reach = _wider(circle.radius_km, reach, ranked, count)


def _wider(radius_km: float, reach: float, ranked: list[Ranked], count: int) -> float | None:
    """The next circle: twice as wide, or wide enough to hold a page of peers who know the
    fellowship and speak the language if it held fewer (None: the whole radius)."""
    best = sum(1 for r in ranked if r.km != NOWHERE and not r.not_knows and not r.not_speaks)
    if not best:
        return None
    wider = widened(reach, reach * max(2.0, math.sqrt(2.0 * count / best)), radius_km)
    return None if wider == radius_km else wider


# Statements, each built once per shape.


def _code_in(column: Any, name: str, wanted: bool, dialect: str) -> ColumnElement[int]:
    """1 when `ranking._has(column, code)` for the code bound to `name` (",code,"), else 0."""
    if not wanted:
        return literal(0)
    wrapped = "," + column + ","
    code = bindparam(name, type_=String)
    found = func.strpos(wrapped, code) if dialect == "postgresql" else func.instr(wrapped, code)
    return case((found > 0, 1), else_=0)


@functools.cache
def _where(shape: _Shape, prefilter: bool = True) -> tuple[ColumnElement[bool], ...]:
    """Listed, cleared today, the gender group's prefilter and a closed meeting's rule.

    A count grouped by gender leaves the prefilter out (`prefilter=False`): the exact rule
    runs on each distinct gender anyway, and the LIKEs on every row cost more than the
    grouping (measured: 8.9 against 4.5 ms for 7,500 peers in central London on SQLite)."""
    where: list[ColumnElement[bool]] = [
        *listed_where(PeerSupporter),
        clearance.cleared_clause(bindparam("today", type_=Date), PeerSupporter),
    ]
    if shape.group and prefilter:
        where.append(ranking.gender_prefilter(shape.group))
    if shape.closed:
        where.append(_code_in(PeerSupporter.pathways, "closed_code", True, shape.dialect) == 1)
    return tuple(where)


def _counted(shape: _Shape, *where: ColumnElement[bool]) -> Select[Any]:
    """How many, per gender when the gender rule is exact in Python."""
    stmt = select(func.count()).where(*_where(shape, prefilter=not shape.gendered), *where)
    if shape.gendered:
        stmt = stmt.add_columns(PeerSupporter.gender).group_by(PeerSupporter.gender)
    return stmt


@functools.cache
def _unplaced_count(shape: _Shape) -> Select[Any]:
    return _counted(shape, *ranking.unplaced())


@functools.cache
def _everyone_count(shape: _Shape) -> Select[Any]:
    return _counted(shape)


def _placed(shape: _Shape, *columns: Any, prefilter: bool = True) -> Any:
    """These columns and the flat distance ("f") of the peers in the box, as a subquery.

    OFFSET keeps both databases from folding the subquery (and its arithmetic) into every
    place the outer query names f.
    """
    stmt = select(*columns, flat_sq(PeerSupporter).label("f")).where(
        *_where(shape, prefilter), box_clause(PeerSupporter, False, shape.dialect)
    )
    return stmt.offset(0).subquery()


@functools.cache
def _tally(shape: _Shape) -> Select[Any]:
    """In one pass: how many are surely inside (per gender when exact in Python), and the
    ids of those near the edge."""
    rows = _placed(shape, PeerSupporter.id, PeerSupporter.gender, prefilter=not shape.gendered)
    inner: BindParameter[float] = bindparam("flat_inner")
    surely = func.coalesce(func.sum(case((rows.c.f <= inner, 1), else_=0)), 0)
    edge = func.aggregate_strings(case((rows.c.f > inner, cast_(rows.c.id, String))), ",")
    stmt = select(surely, edge).where(rows.c.f <= bindparam("flat_outer"))
    if shape.gendered:
        stmt = stmt.add_columns(rows.c.gender).group_by(rows.c.gender)
    return stmt


@functools.cache
def _edge_rows(dialect: str) -> Select[Any]:
    columns = (PeerSupporter.gender, PeerSupporter.latitude, PeerSupporter.longitude)
    stmt = select(*columns).where(one_of(PeerSupporter.id, "edge_ids", dialect))
    return cast("Select[Any]", stmt)


def _floor(f: ColumnElement[float]) -> ColumnElement[int]:
    """The nearest band a peer could be in, from its flat distance (never above the exact)."""
    total: ColumnElement[int] = literal(0)
    for index in range(len(DISTANCE_BANDS_KM)):
        total = total + case((f > bindparam(f"floor_{index}"), 1), else_=0)
    return total


@functools.cache
def _nearest_rows(shape: _Shape) -> Select[Any]:
    """The peers within `flat_reach`, in SQL's order, `read_limit` of them, with their
    band floor and flat distance last."""
    rows = _placed(shape, *ROW)
    floor = _floor(rows.c.f)
    return (
        select(*(rows.c[c.key] for c in ROW), floor, rows.c.f)
        .where(rows.c.f <= bindparam("flat_reach"))
        .order_by(
            1 - _code_in(rows.c.pathways, "fellowship_code", shape.fellowship, shape.dialect),
            1 - _code_in(rows.c.languages, "language_code", shape.language, shape.dialect),
            floor, rows.c.f, rows.c.id,
        )
        .limit(bindparam("read_limit"))
    )  # fmt: skip


@functools.cache
def _by_id_rows(shape: _Shape, placed: bool) -> Select[Any]:
    """Peers without a position (or everyone, for an online meeting) in SQL's order."""
    stmt = select(*ROW).where(*_where(shape), *(ranking.unplaced() if placed else ()))
    knows = 1 - _code_in(PeerSupporter.pathways, "fellowship_code", shape.fellowship, shape.dialect)
    speaks = 1 - _code_in(PeerSupporter.languages, "language_code", shape.language, shape.dialect)
    stmt = stmt.order_by(knows, speaks, PeerSupporter.id).limit(bindparam("read_limit"))
    return cast("Select[Any]", stmt)


# Counting.


def _count(rules: Rules, stmt: Select[Any], values: dict[str, Any]) -> int:
    """How many rows pass the exact gender rule (counted per distinct gender)."""
    total = 0
    for count, *gender in plain_rows(stmt, values):
        if not gender or ranking.gender_fits(gender[0], rules):
            total += count
    return total


def _in_radius(rules: Rules, shape: _Shape, circle: FlatCircle, values: dict[str, Any]) -> int:
    """How many placed peers pass: those surely inside are counted in SQL; those near the
    edge are named and settled one by one with the ranking's own test."""
    total, edge = 0, []
    for surely, ids, *gender in plain_rows(_tally(shape), values):
        if gender and not ranking.gender_fits(gender[0], rules):
            continue
        total += int(surely)
        if ids:
            edge += [int(i) for i in ids.split(",")]
    if edge:
        rows = plain_rows(_edge_rows(shape.dialect), {"edge_ids": sorted(edge)})
        total += sum(circle.distances.km(lat, lng) is not None for _g, lat, lng in rows)
    return total


# Reading the page.


def _read(
    rules: Rules,
    shape: _Shape,
    values: dict[str, Any],
    circle: FlatCircle | None,
    reach: float | None,
    by_id: dict[int, list[tuple]] | None,
    limit: int,
    count: int,
    held: dict[int, int],
) -> tuple[list[Ranked], set[str]]:
    """The first `limit` of each stream in SQL's order, exactly ranked, and whether the page
    is sure: every unread peer's key is at least some bound that must come after the page.
    When it is not, which bounds stood in the way: "rows" (a stream had more than `limit`),
    "circle" (the small circle of `reach` km read instead of the whole radius; None: all).
    `by_id` keeps the stream of peers without a position by limit, read once each (None: none
    of them passes)."""
    values = values | {"read_limit": limit}
    read: list[ranking._Row] = []
    bounds: list[tuple[str, tuple[Any, ...]]] = []
    if circle is not None:
        near = values | {f"floor_{i}": _edge_floor(circle, edge) for i, edge in
                         enumerate(DISTANCE_BANDS_KM)}  # fmt: skip
        if reach is None:
            near["flat_reach"] = circle.outer
        else:
            near |= box_params(circle.lat, circle.lng, reach)[1]
            near["flat_reach"] = (reach * (1 - circle.margin)) ** 2
            # Everyone unread lies beyond it: outside the box (over `reach` away) or past it.
            bounds.append(("circle", _beyond(circle, near["flat_reach"], near, False, False)))
        rows = plain_rows(_nearest_rows(shape), near)
        read += [ranking._Row._make(row[: len(ROW)]) for row in rows]
        if len(rows) == limit:  # there may be more: the last read bounds them
            last = ranking._Row._make(rows[-1][: len(ROW)])
            bound = _beyond(circle, rows[-1][-1], near, *_lacks(rules, last), floor=rows[-1][-2])
            bounds.append(("rows", bound))
    rows = []
    if by_id is not None:  # read once per limit (kept in `by_id`)
        if limit not in by_id:
            by_id[limit] = plain_rows(_by_id_rows(shape, circle is not None), values)
        rows = by_id[limit]
    read += [ranking._Row._make(row) for row in rows]
    if len(rows) == limit:  # ordered by id after the first two
        last = ranking._Row._make(rows[-1])
        bound = (*_lacks(rules, last), ranking.band(None), 0, NOWHERE, last.id + 0.5)
        bounds.append(("rows", bound))
    ranked = ranking.rank(rules, read, held)
    if len(ranked) < count:
        return ranked, {kind for kind, _bound in bounds}
    cut = _cut(ranked[count - 1])
    return ranked, {kind for kind, bound in bounds if not bound > cut}


def _lacks(rules: Rules, row: ranking._Row) -> tuple[bool, bool]:
    """The first two parts of the ranking's key for this row."""
    return (
        not ranking._has(row.pathways, rules.fellowship_slug),
        not ranking._has(row.languages, rules.language),
    )


def _edge_floor(circle: FlatCircle, edge_km: float) -> float:
    """Past this flat distance a peer is surely beyond the band's edge by the spherical
    distance and the margin the ranking settles with the geodesic."""
    return (edge_km * (1 + MARGIN) * (1 + circle.margin) * (1 + SLACK)) ** 2


def _beyond(
    circle: FlatCircle,
    flat: float,
    values: dict[str, Any],
    not_knows: bool,
    not_speaks: bool,
    floor: int | None = None,
) -> tuple[Any, ...]:
    """A key no peer at flat distance `flat` or beyond can come before (with this start)."""
    if floor is None:
        floor = sum(flat > values[f"floor_{i}"] for i in range(len(DISTANCE_BANDS_KM)))
    # Both arithmetics err by about the Earth's radius × 1e-16 in km: a millimetre covers it.
    km = circle.least_km(flat) * (1 - SLACK) - 1e-6
    return (not_knows, not_speaks, floor, 0, km, -math.inf)


def _cut(last: Ranked) -> tuple[Any, ...]:
    """Everything up to here may be on the page once settled with the geodesic."""
    reach = last.km * (1 + MARGIN) / (1 - MARGIN)
    return (*last[:4], reach, last.peer_id)
