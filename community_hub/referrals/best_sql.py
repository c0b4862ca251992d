"""Matching's statements for best.py, each built once per shape of the rules.

Everything that varies from one referral to the next is a bound value; what decides a
statement's text is its `Shape`. The peers' `pathways` and `languages` are stored as
",a,b," (people.vocab.to_column), so one code is found with a plain `instr` / `strpos` of
",code,", with nothing built per row.

The ranking's first two parts (knows the fellowship, speaks the language) are one number,
the tier: 2 × lacks the fellowship + lacks the language, 0 the best. A statement reads a
range of tiers, so the first tiers, when few peers are in them, are read from the whole radius
on their own and the rest from a small circle (see best.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Date,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy import cast as cast_

from community_hub.extensions import db
from community_hub.geo.flat import flat_sq
from community_hub.geo.nearby import box_clause
from community_hub.people.codes import LANGUAGE, PATHWAY
from community_hub.people.models import PeerCode, PeerSupporter, listed_where
from community_hub.people.vocab import gender_group
from community_hub.referrals import ranking
from community_hub.referrals.ranking import DISTANCE_BANDS_KM, Rules
from community_hub.referrals.ranking import ROW_COLUMNS as ROW
from community_hub.sqlparams import one_of
from community_hub.volunteers import clearance

POSITION = (PeerSupporter.latitude, PeerSupporter.longitude)
CODES = (PeerSupporter.pathways, PeerSupporter.languages)
TIERS = 4  # tiers 0 to 3: (knows, speaks), (knows, not), (not, speaks), (not, not)


@dataclass(frozen=True)
class Shape:
    """What decides a statement's text: everything else is a bound value."""

    group: str  # the gender group the prefilter narrows to ('woman', 'man' or '')
    closed: bool  # a closed meeting: only its fellowship's peers
    fellowship: bool  # rank those who know the meeting's fellowship first
    language: bool  # rank those who speak the client's language first
    gendered: bool  # the exact gender rule runs in Python, once per distinct gender
    dialect: str

    @classmethod
    def of(cls, rules: Rules) -> Shape:
        return cls(
            group=rules.gender or gender_group(rules.preference),
            closed=bool(rules.closed_slug),
            fellowship=bool(rules.fellowship_slug),
            language=bool(rules.language),
            gendered=bool(rules.gender or rules.preference),
            dialect=db.engine.dialect.name,
        )

    def has_tier(self, tier: int) -> bool:
        """Whether a peer can be in this tier: with no fellowship asked every peer lacks it
        (the ranking's `_has` of no code is false), and the same for the language."""
        return (self.fellowship or tier >= 2) and (self.language or tier % 2 == 1)


def values_of(rules: Rules, today: date) -> dict[str, Any]:
    return {
        "today": today,
        "closed_code": f",{rules.closed_slug},",
        "fellowship_code": f",{rules.fellowship_slug},",
        "language_code": f",{rules.language},",
    }


def code_in(column: Any, name: str, wanted: bool, dialect: str) -> ColumnElement[int]:
    """1 when the stored ",a,b," column holds the code bound to `name` (",code,"), else 0."""
    if not wanted:
        return literal(0)
    code = bindparam(name, type_=String)
    found = func.strpos(column, code) if dialect == "postgresql" else func.instr(column, code)
    return case((found > 0, 1), else_=0)


def tier(shape: Shape, pathways: Any, languages: Any) -> ColumnElement[int]:
    """The ranking's first two parts as one number (0 best), as `ranking` decides them."""
    knows = code_in(pathways, "fellowship_code", shape.fellowship, shape.dialect)
    speaks = code_in(languages, "language_code", shape.language, shape.dialect)
    return 2 * (1 - knows) + (1 - speaks)


def in_tiers(shape: Shape, low: int, high: int) -> ColumnElement[bool]:
    """A peer is in a tier from `low` to `high`, for the ranges best.py reads (the first
    tiers, or the last): plain tests, which stop at the first that settles it."""
    knows = code_in(PeerSupporter.pathways, "fellowship_code", shape.fellowship, shape.dialect)
    speaks = code_in(PeerSupporter.languages, "language_code", shape.language, shape.dialect)
    tests = {
        (0, 0): and_(knows == 1, speaks == 1), (0, 1): knows == 1,
        (0, 2): or_(knows == 1, speaks == 1), (0, 3): true(),
        (1, 3): or_(knows == 0, speaks == 0), (2, 3): knows == 0,
        (3, 3): and_(knows == 0, speaks == 0),
    }  # fmt: skip
    return tests[low, high]


@functools.cache
def where(shape: Shape) -> tuple[ColumnElement[bool], ...]:
    """Listed, cleared today and a closed meeting's rule.

    The gender group's LIKEs (ranking.gender_prefilter) are left to the exact rule, run in
    Python once per distinct gender, except where a statement reads few rows of many
    (`by_id_rows`): on an index's entries they cost more than the rest of the read
    (measured on PostgreSQL, 8,435 peers in central London's box: 2.7 ms listed and
    cleared, 3.4 with the closed meeting's test, 14.4 with the men's LIKEs; on SQLite a
    count grouped by gender took 4.5 ms against 8.9 with them)."""
    clauses: list[ColumnElement[bool]] = [
        *listed_where(PeerSupporter),
        clearance.cleared_clause(bindparam("today", type_=Date), PeerSupporter),
    ]
    if shape.closed:
        clauses.append(code_in(PeerSupporter.pathways, "closed_code", True, shape.dialect) == 1)
    return tuple(clauses)


def _counted(shape: Shape, *clauses: ColumnElement[bool]) -> Select[Any]:
    """How many, per gender when the gender rule is exact in Python."""
    stmt = select(func.count()).where(*where(shape), *clauses)
    if shape.gendered:
        stmt = stmt.add_columns(PeerSupporter.gender).group_by(PeerSupporter.gender)
    return stmt


@functools.cache
def everyone_count(shape: Shape) -> Select[Any]:
    return _counted(shape)


def placed(shape: Shape, *columns: Any, tiers: Any = None, by_code: bool = False) -> Any:
    """These columns and the flat distance ("f") of the peers in the box, as a subquery,
    of those in `tiers` (`in_tiers`; None: all). With `by_code`, the box is read from the
    peers' codes (`tier_codes`, people/codes.py): only those who list one of them.

    OFFSET keeps both databases from folding the subquery (and its arithmetic) into every
    place the outer query names f.
    """
    if by_code:
        coded = select(PeerCode.peer_id).where(
            one_of(PeerCode.code, "tier_codes", shape.dialect),
            box_clause(PeerCode, False, shape.dialect),
        )
        box: ColumnElement[bool] = PeerSupporter.id.in_(coded)
    else:
        box = box_clause(PeerSupporter, False, shape.dialect)
    clauses = [*where(shape), box]
    if tiers is not None:
        clauses.append(tiers)
    stmt = select(*columns, flat_sq(PeerSupporter).label("f")).where(*clauses)
    return stmt.offset(0).subquery()


UNPLACED = -1  # first_rows's tier for its count of the peers with no position


@functools.cache
def first_rows(shape: Shape) -> CompoundSelect:
    """Of up to `cap_read` peers within the radius (not yet settled at its edge), read in no
    order: how many are surely inside, per gender (when a rule asks) and tier, and one row
    for each near the edge with its flat distance and position. Counted in SQL, so a city's
    few hundred peers come back as a few rows. Then, as tier UNPLACED, how many peers with no
    position there are (per gender), who pass the distance rule: one round trip for both."""
    rows = placed(shape, PeerSupporter.id, PeerSupporter.gender, *POSITION, *CODES)
    gender = rows.c.gender if shape.gendered else literal("")
    read = (
        select(rows.c.id, rows.c.f, rows.c.latitude, rows.c.longitude, gender.label("gender"),
               tier(shape, rows.c.pathways, rows.c.languages).label("tier"))
        .where(rows.c.f <= bindparam("flat_outer"))
        .limit(bindparam("cap_read"))
        .subquery()
    )  # fmt: skip
    edge = read.c.f > bindparam("flat_inner")
    inside = select(
        func.count(), read.c.gender, read.c.tier, func.max(read.c.f),
        func.max(case((edge, read.c.latitude))), func.max(case((edge, read.c.longitude))),
    ).group_by(read.c.gender, read.c.tier, case((edge, read.c.id)))  # fmt: skip
    gender = PeerSupporter.gender if shape.gendered else literal("")
    unplaced = select(func.count(), gender, literal(UNPLACED), null(), null(), null()).where(
        *where(shape), *ranking.unplaced()
    )
    if shape.gendered:
        unplaced = unplaced.group_by(PeerSupporter.gender)
    return union_all(inside, unplaced)


@functools.cache
def tally(shape: Shape) -> Select[Any]:
    """In one pass: how many are surely inside (per gender when exact in Python), and the
    ids of those near the edge."""
    rows = placed(shape, PeerSupporter.id, PeerSupporter.gender)
    inner: BindParameter[float] = bindparam("flat_inner")
    surely = func.coalesce(func.sum(case((rows.c.f <= inner, 1), else_=0)), 0)
    edge = func.aggregate_strings(case((rows.c.f > inner, cast_(rows.c.id, String))), ",")
    stmt = select(surely, edge).where(rows.c.f <= bindparam("flat_outer"))
    if shape.gendered:
        stmt = stmt.add_columns(rows.c.gender).group_by(rows.c.gender)
    return stmt


@functools.cache
def edge_rows(dialect: str) -> Select[Any]:
    columns = (PeerSupporter.gender, PeerSupporter.latitude, PeerSupporter.longitude)
    stmt = select(*columns).where(one_of(PeerSupporter.id, "edge_ids", dialect))
    return cast("Select[Any]", stmt)


def _floor(f: ColumnElement[float]) -> ColumnElement[int]:
    """The nearest band a peer could be in, from its flat distance (never above the exact)."""
    total: ColumnElement[int] = literal(0)
    for index in range(len(DISTANCE_BANDS_KM)):
        total = total + case((f > bindparam(f"floor_{index}"), 1), else_=0)
    return total


def tier_codes(shape: Shape, rules: Rules, high: int) -> list[str]:
    """Codes every peer in tiers 0 to `high` lists one of (`in_tiers`): for tier 0 alone (knows
    and speaks) the language, since the fellowship is common there or tier 1 would be read
    too; for tiers 0-1 the fellowship; for 0-2 either (people/codes.py)."""
    fellowship = [PATHWAY + rules.fellowship_slug] if shape.fellowship else []
    language = [LANGUAGE + rules.language] if shape.language else []
    return {0: language, 1: fellowship}.get(high, fellowship + language)


@functools.cache
def nearest_rows(shape: Shape, low: int, high: int, by_code: bool = False) -> Select[Any]:
    """The peers within `flat_reach` in the tiers from `low` to `high`, in SQL's order,
    `read_limit` of them, with their band floor and flat distance last (of every gender:
    the exact rule runs in Python, see `where`). With `by_code` (the first tiers, when few
    peers are in them), found through their codes (`tier_codes`)."""
    rows = placed(shape, *ROW, tiers=in_tiers(shape, low, high), by_code=by_code)
    floor = _floor(rows.c.f)
    return (
        select(*(rows.c[c.key] for c in ROW), floor, rows.c.f)
        .where(rows.c.f <= bindparam("flat_reach"))
        .order_by(tier(shape, rows.c.pathways, rows.c.languages), floor, rows.c.f, rows.c.id)
        .limit(bindparam("read_limit"))
    )


@functools.cache
def by_id_rows(shape: Shape, placed: bool) -> Select[Any]:
    """Peers without a position (or everyone, for an online meeting) in SQL's order."""
    prefilter = (ranking.gender_prefilter(shape.group),) if shape.group else ()
    stmt = select(*ROW).where(*where(shape), *prefilter, *(ranking.unplaced() if placed else ()))
    number = tier(shape, PeerSupporter.pathways, PeerSupporter.languages)
    stmt = stmt.order_by(number, PeerSupporter.id).limit(bindparam("read_limit"))
    return cast("Select[Any]", stmt)


@functools.cache
def local_groups(dialect: str) -> tuple[Select[Any], Select[Any], Select[Any]]:
    """When nobody can go to an in-person meeting, the counts per rule: per gender, the
    listed peers surely inside the radius, how many of them are cleared today and how many
    of those know the closed meeting's fellowship (`closed_code`), counted in SQL; those
    near the radius's edge one by one (gender, pathways, cleared, position); and those with
    no position, counted as the first (matching.count_rules)."""
    cleared = case(
        (clearance.cleared_clause(bindparam("today", type_=Date), PeerSupporter), 1), else_=0
    ).label("cleared")
    listed = (PeerSupporter.volunteer_id.is_not(None), *listed_where(PeerSupporter))
    knows = code_in(PeerSupporter.pathways, "closed_code", True, dialect)

    def counted(gender: Any, cleared: Any, knows: Any) -> tuple[Any, ...]:
        return gender, func.count(), func.sum(cleared), func.sum(cleared * knows)

    rows = (
        select(PeerSupporter.gender, PeerSupporter.pathways, cleared, knows.label("knows"),
               PeerSupporter.latitude, PeerSupporter.longitude,
               flat_sq(PeerSupporter).label("f"))
        .where(*listed, box_clause(PeerSupporter, False, dialect))
        .offset(0)
        .subquery()
    )  # fmt: skip
    inner: BindParameter[float] = bindparam("flat_inner")
    inside = select(*counted(rows.c.gender, rows.c.cleared, rows.c.knows))
    inside = inside.where(rows.c.f <= inner).group_by(rows.c.gender)
    edge = select(
        rows.c.gender, rows.c.pathways, rows.c.cleared, rows.c.latitude, rows.c.longitude
    ).where(rows.c.f > inner, rows.c.f <= bindparam("flat_outer"))
    unplaced = select(*counted(PeerSupporter.gender, cleared, knows))
    unplaced = unplaced.where(*listed, *ranking.unplaced()).group_by(PeerSupporter.gender)
    return inside, edge, unplaced
