"""Matching's page, the best few and how many pass, with the database counting and ordering.

`ranking.passing` reads every peer who may pass into Python: thousands in a city, tens of
thousands for an online meeting. The page needs only its first 20 and a count, so here:

- the count: a few hundred peers within the radius are read in no order (their flat
  distance, geo/flat.py, within a proven factor of the spherical one, and the few in the thin
  ring at the edge settled exactly). When that is all of them, the count is exact; when more
  than CAP of them pass, the page says "more than CAP" and nobody counts further (a worker
  choosing among the best 20 gains nothing from 7,522 against 201, and counting every peer
  in central London cost more than the rest of the page); otherwise one pass in SQL counts
  them all (`best_sql.tally`);
- the rows are read in an order SQL can compute that never puts a peer after one it would
  rank behind (the tier: knows the fellowship, speaks the language; then the nearest band it
  could be in, flat distance), a few at a time, until the exact key of the last one read
  shows that nobody unread can reach the page. Where many pass (a city), the rows are read
  first from a small circle round the meeting, expected to hold a few pages; everyone
  outside it is at least its radius away. When the circle cannot settle the page, either
  it widens, or, when the tier the page still needs is one that few peers are in (a client
  whose language few peers speak), that tier and those before it are read from the whole
  radius on their own (a filter, not a sort of every peer) and the circle goes on with the
  rest; the peers counted first tell which tiers those are. Peers without a position rank
  after every placed peer of their tier: they are read only when the page can reach them.
  Open offers (rare) are left to the exact key: unread peers are assumed to hold none, and
  they are counted only for the groups that can reach the page, in the round that may
  settle it (ranking.ordered).

The rows read get the exact rules and key of ranking.py, so the page is the same. Near the
poles, across the 180th meridian and for radii the flat distance cannot serve, `page`
declines and matching reads everyone (ranking.passing).
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Select

from community_hub.geo.flat import FlatCircle, flat_margin
from community_hub.geo.nearby import box_params, widened
from community_hub.referrals import ranking
from community_hub.referrals.best_sql import (
    TIERS,
    UNPLACED,
    Shape,
    by_id_rows,
    edge_rows,
    everyone_count,
    first_rows,
    nearest_rows,
    tally,
    tier_codes,
    values_of,
)
from community_hub.referrals.ranking import DISTANCE_BANDS_KM, MARGIN, Ranked, Rules, lacks
from community_hub.referrals.ranking import ROW_COLUMNS as ROW
from community_hub.sqlparams import plain_rows

CAP = 200  # more than this pass within the radius: the page says "more than 200"
FIRST_READ = 64  # rows read first, then four times as many each round
WHOLE = 256  # fewer than this pass within the radius: read the whole circle at once
AHEAD = 64  # otherwise the first circle is expected to hold this many who pass
DENSER = 4  # more than CAP pass: the first circle assumes DENSER times as many
SPARSE = 8  # a tier the whole radius holds fewer than SPARSE pages of is read on its own
CODE_SHARE = 0.1  # read the first tiers through their codes when fewer list them (_by_code)
SLACK = 1e-9  # SQL's and Python's arithmetic may differ in the last bits


class Page(NamedTuple):
    shown: list[Ranked]
    total: int  # how many pass; with `more_than`, CAP (more pass)
    more_than: bool = False


class Reading(NamedTuple):
    """What one round reads: the circle (None: the whole radius), the tiers before
    `tiers` from the whole radius (through their codes, `by_code`, when few peers list
    them), and how many rows of each stream at most."""

    reach: float | None
    tiers: int
    limit: int
    by_code: bool = False


def page(rules: Rules, today: date, count: int) -> Page | None:
    """The first `count` in the exact order, and how many pass; None when this way can't."""
    if (rules.origin is None) != (rules.radius_km is None):
        return None
    shape, values = Shape.of(rules), values_of(rules, today)
    circle: FlatCircle | None = None
    more_than = False
    if rules.origin is not None and rules.radius_km is not None:
        lat, lng = rules.origin
        margin = flat_margin(lat, rules.radius_km)
        wraps, box = box_params(lat, lng, rules.radius_km)
        if margin is None or wraps:
            return None
        circle = FlatCircle(lat, lng, rules.radius_km, margin)
        values |= circle.values() | box
        placed, more_than, sample, unplaced = _in_radius(rules, shape, circle, values)
        total = placed + unplaced
    else:
        placed, total = 0, _count(rules, everyone_count(shape), values)
    if not total:
        return Page([], 0)
    reading = Reading(None, _next_tier(shape, 0), FIRST_READ * _spread(shape))
    if circle is not None and (more_than or placed >= WHOLE):
        estimate = placed * (DENSER if more_than else 1)
        reach = circle.radius_km * math.sqrt(AHEAD / estimate)
        # The tiers few peers are in, as the peers counted show: read on their own at once.
        scale = estimate / max(1, sum(sample.values()))
        tiers, _need = _sparse(shape, reading.tiers, sample, scale, count)
        if tiers < TIERS:
            reading = Reading(reach, tiers, FIRST_READ, _by_code(tiers, sample))
    held: dict[int, int] = {}  # open offers by volunteer, counted once across the rounds
    by_id_kept: dict[int, list[tuple]] = {}  # by read limit: a wider circle does not change it
    while True:
        # Peers without a position (everyone, online) are read only when some of them pass.
        by_id = by_id_kept if total > placed else None
        found = _read(rules, shape, values, circle, reading, by_id, count, held)
        ranked, blocked, in_circle = found
        if not blocked:
            shown = ranking.settle(ranked, rules, count)
            return Page(shown, CAP if more_than else total, more_than)
        if "rows" in blocked:  # a stream had more rows than were read
            reading = reading._replace(limit=reading.limit * 4)
        if "circle" in blocked and circle is not None:
            reading = _next_circle(shape, circle.radius_km, reading, in_circle, count)


def _spread(shape: Shape) -> int:
    """How many rows are read for each one expected to pass: SQL leaves a gender rule to
    Python (best_sql.where), and about half the peers read pass it."""
    return 2 if shape.gendered else 1


def _next_tier(shape: Shape, tier: int) -> int:
    """The first tier from `tier` a peer can be in (TIERS: none)."""
    return next((t for t in range(tier, TIERS) if shape.has_tier(t)), TIERS)


def _sparse(
    shape: Shape, tiers: int, held: Counter[int], scale: float, count: int
) -> tuple[int, float]:
    """The first tier from `tiers` that the whole radius holds SPARSE pages of (TIERS: none),
    by the `held` of each counted somewhere `scale` times smaller, and how many of the page
    the tiers before it are expected to leave to it."""
    need = float(count)
    while tiers < TIERS and held[tiers] * scale <= SPARSE * need:
        need = max(1.0, need - held[tiers] * scale)
        tiers = _next_tier(shape, tiers + 1)
    return tiers, need


def _next_circle(
    shape: Shape, radius_km: float, reading: Reading, in_circle: Counter[int], count: int
) -> Reading:
    """After a circle that could not settle the page: the tiers the whole radius holds
    few of (estimated from the circle) are read from it on their own, and the circle widens
    to hold a page of the first tier after them, unless it already does."""
    assert reading.reach is not None
    area = (radius_km / reading.reach) ** 2  # the radius's area in circles
    tiers, need = _sparse(shape, reading.tiers, in_circle, area, count)
    if tiers >= TIERS:  # every tier is sparse: the whole radius, read at once
        return reading._replace(reach=None, tiers=_next_tier(shape, 0))
    held = in_circle[tiers]
    if tiers > reading.tiers and held >= need:
        return reading._replace(tiers=tiers, by_code=_by_code(tiers, in_circle))
    wider = reading.reach * max(2.0, math.sqrt(2.0 * need / held))
    reach: float | None = widened(reading.reach, wider, radius_km)
    if reach == radius_km:  # the whole radius: one read of every tier
        reach, tiers = None, _next_tier(shape, 0)
    return Reading(reach, tiers, reading.limit, _by_code(tiers, in_circle))


def _by_code(tiers: int, held: Counter[int]) -> bool:
    """Whether the tiers before `tiers` are read through their codes (best_sql.tier_codes):
    when under CODE_SHARE of the peers counted list those codes. Each code's row costs a
    lookup of its peer, about ten of the box's index entries: reading a common code (a
    fellowship most peers know) that way was slower than reading the radius."""
    listing = {0: held[0] + held[2], 1: held[0] + held[1]}.get(
        tiers - 1, held[0] + held[1] + held[2]
    )
    return listing < CODE_SHARE * sum(held.values())


# Counting.


def _count(rules: Rules, stmt: Select[Any], values: dict[str, Any]) -> int:
    """How many rows pass the exact gender rule (counted per distinct gender)."""
    total = 0
    for count, *gender in plain_rows(stmt, values):
        if not gender or ranking.gender_fits(gender[0], rules):
            total += count
    return total


def _in_radius(
    rules: Rules, shape: Shape, circle: FlatCircle, values: dict[str, Any]
) -> tuple[int, bool, Counter[int], int]:
    """How many placed peers pass, whether more do (more than CAP: see the top), of those
    counted how many are in each tier, and how many peers with no position pass."""
    genders: dict[str, bool] = {}
    passed, tiers, unplaced = 0, Counter[int](), 0
    # Twice the cap: the first in the index's order may lie in a dense town just past the
    # radius (a band south of the meeting, read west to east); twice again with a gender
    # rule, which about half the peers read pass (it runs here, not in SQL: best_sql.where).
    limit = 2 * CAP * _spread(shape)
    read = 0
    for count, gender, tier, flat, lat, lng in plain_rows(
        first_rows(shape), values | {"cap_read": limit}
    ):
        fits = not shape.gendered or _fits(gender, rules, genders)
        if tier == UNPLACED:
            unplaced += count if fits else 0
            continue
        read += count
        if fits and (lat is None or circle.inside(flat, lat, lng)):  # a group surely inside
            passed += count
            tiers[tier] += count
    if read < limit:  # every one of them
        return passed, False, tiers, unplaced
    if passed > CAP:
        return passed, True, tiers, unplaced
    return _tallied(rules, shape, circle, values), False, tiers, unplaced


def _fits(gender: str, rules: Rules, known: dict[str, bool]) -> bool:
    """The exact gender rule, worked out once per distinct gender (kept in `known`)."""
    fit = known.get(gender)
    if fit is None:
        fit = known[gender] = ranking.gender_fits(gender, rules)
    return fit


def _tallied(rules: Rules, shape: Shape, circle: FlatCircle, values: dict[str, Any]) -> int:
    """The exact count in SQL: those surely inside are counted there; those near the edge
    are named and settled one by one with the ranking's own test."""
    total, edge = 0, []
    for surely, ids, *gender in plain_rows(tally(shape), values):
        if gender and not ranking.gender_fits(gender[0], rules):
            continue
        total += int(surely)
        if ids:
            edge += [int(i) for i in ids.split(",")]
    if edge:
        rows = plain_rows(edge_rows(shape.dialect), {"edge_ids": sorted(edge)})
        total += sum(circle.distances.km(lat, lng) is not None for _g, lat, lng in rows)
    return total


# Reading the page.


def _read(
    rules: Rules,
    shape: Shape,
    values: dict[str, Any],
    circle: FlatCircle | None,
    reading: Reading,
    by_id: dict[int, list[tuple]] | None,
    count: int,
    held: dict[int, int],
) -> tuple[list[Ranked], set[str], Counter[int]]:
    """The first `limit` of each stream in SQL's order, exactly ranked, and whether the page
    is sure: every unread peer's key is at least some bound that must come after the page.
    When it is not, which bounds stood in the way: "rows" (a stream had more than `limit`),
    "circle" (the small circle read instead of the whole radius); and how many of each tier
    the circle held. `by_id` keeps the stream of peers without a position by limit, read
    once each (None: none of them passes)."""
    limit = reading.limit
    values = values | {"read_limit": limit}
    kept: list[ranking.Keyed] = []  # what passes of every row read, keyed once
    bounds: list[tuple[str, tuple[Any, ...]]] = []
    in_circle: Counter[int] = Counter()
    genders: dict[str, bool] = {}
    if circle is not None:
        near = values | {f"floor_{i}": _edge_floor(circle, edge) for i, edge in
                         enumerate(DISTANCE_BANDS_KM)}  # fmt: skip
        whole = near | {"flat_reach": circle.outer}
        streams: list[tuple[Any, dict[str, Any]]] = []  # (statement, values)
        small: dict[str, Any] | None = None  # the circle's values, when one is read
        if reading.reach is None:
            streams.append((nearest_rows(shape, 0, TIERS - 1), whole))
        else:
            if _next_tier(shape, 0) < reading.tiers:  # the first tiers, few, from the radius
                high = reading.tiers - 1
                codes = {"tier_codes": tier_codes(shape, rules, high)}
                first = nearest_rows(shape, 0, high, by_code=reading.by_code)
                streams.append((first, whole | codes))
            small = near | box_params(circle.lat, circle.lng, reading.reach)[1]
            small["flat_reach"] = (reading.reach * (1 - circle.margin)) ** 2
            streams.append((nearest_rows(shape, reading.tiers, TIERS - 1), small))
            # Everyone unread in these tiers lies beyond it: outside the box or past it.
            bound = _beyond(circle, small["flat_reach"], small, *_parts(reading.tiers))
            bounds.append(("circle", bound))
        for stmt, stream in streams:
            rows = plain_rows(stmt, stream)
            got = [ranking._Row._make(row[: len(ROW)]) for row in rows]
            kept += ranking.keyed(rules, got)
            if stream is small:
                fits = [r for r in got if not shape.gendered or _fits(r.gender, rules, genders)]
                in_circle = Counter(2 * nk + ns for nk, ns in (lacks(rules, r) for r in fits))
            if len(rows) == limit:  # there may be more: the last read bounds them
                last = got[-1]
                bound = _beyond(circle, rows[-1][-1], stream, *lacks(rules, last),
                                floor=rows[-1][-2])  # fmt: skip
                bounds.append(("rows", bound))
    # Ranked first with the open offers not yet counted taken as none: each key is then at
    # most its true value, and so is the cut, so what blocks the page now blocks it anyway
    # (offers are counted, one statement, only in the round that may settle it).
    ranked = None
    if circle is not None and by_id is not None and limit not in by_id:
        # Peers without a position rank after every placed peer of their tier: where the
        # page is full of nearer ones in a tier as good as theirs can be, none is read (the
        # cut's group, all that decides this, is the same whatever the offers).
        ranked = ranking.ordered(rules, kept, held, count, counting=False)
        best = (*_parts(_next_tier(shape, 0)), ranking.band(None), 0, ranking.NOWHERE, -math.inf)
        if len(ranked) >= count and _cut(ranked[count - 1]) < best:
            by_id = None
    if by_id is not None:  # read once per limit (kept in `by_id`), or once when all were
        if limit not in by_id:
            every = [rows for read, rows in by_id.items() if len(rows) < read]
            stmt = by_id_rows(shape, circle is not None)
            by_id[limit] = every[0] if every else plain_rows(stmt, values)
        rows = by_id[limit]
        kept += ranking.keyed(rules, map(ranking._Row._make, rows))
        ranked = None
        if len(rows) == limit:  # ordered by id after the tier
            last = ranking._Row._make(rows[-1])
            bound = (*lacks(rules, last), ranking.band(None), 0, ranking.NOWHERE, last.id + 0.5)
            bounds.append(("rows", bound))
    if ranked is None:
        ranked = ranking.ordered(rules, kept, held, count, counting=False)
    blocked = _blocked(ranked, bounds, count)
    if blocked:
        return ranked, blocked, in_circle
    ranked = ranking.ordered(rules, kept, held, count)  # with every open offer that matters
    return ranked, _blocked(ranked, bounds, count), in_circle


def _blocked(
    ranked: list[Ranked], bounds: list[tuple[str, tuple[Any, ...]]], count: int
) -> set[str]:
    """The kinds of bound that do not surely come after the page (all, short of a page)."""
    if len(ranked) < count:
        return {kind for kind, _bound in bounds}
    cut = _cut(ranked[count - 1])
    return {kind for kind, bound in bounds if not bound > cut}


def _parts(tier: int) -> tuple[bool, bool]:
    """The ranking key's first two parts (ranking.lacks) of a tier."""
    return tier >= 2, tier % 2 == 1


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
