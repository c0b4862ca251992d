"""The peers who pass matching's hard rules, ranked, as plain tuples (see matching.py).

A constant number of statements whatever the number of peers: the hard rules the database can
answer go into SQL (listed, cleared today by the volunteer's stored date as copied on the peer
(volunteers/cleared_until.py), a prefilter for the gender group and a closed meeting's
fellowship, the radius's bounding box), all read from one covering index
(ix_peer_supporter_listed_geo); the exact rules run on the rows that come back, then one query
for open offers. Distances rank with the spherical formula; the geodesic is computed only
where it can change a band or the order.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select

from community_hub.extensions import db
from community_hub.geo.nearby import DistanceFilter, within_box
from community_hub.geo.spatial import SPHERE_ERROR, distance_km
from community_hub.people.models import PeerSupporter, listed_where
from community_hub.people.vocab import MAN_WORDS, WOMAN_WORDS, gender_group
from community_hub.referrals.models import Referral
from community_hub.referrals.states import PEER_HOLDS
from community_hub.sqlparams import one_of, plain_rows
from community_hub.volunteers import clearance

DISTANCE_BANDS_KM = (5.0, 10.0, 20.0)
NOWHERE = float("inf")
# Haversine and geodesic differ by less than SPHERE_ERROR; twice that is a safe margin.
MARGIN = 2 * SPHERE_ERROR


@dataclass(frozen=True)
class Rules:
    """What the hard rules and the ranking ask, as plain values (built by matching.needs_of)."""

    gender: str  # 'woman' or 'man' for a W or M meeting, else ''
    preference: str  # the client's preferred gender for their peer, as typed
    closed_slug: str  # a closed meeting's fellowship slug, else ''
    fellowship_slug: str  # the meeting's fellowship, for ranking
    language: str  # the client's preferred language
    origin: tuple[float, float] | None  # the meeting's position, when it has one
    radius_km: float | None  # None: online, or no position
    referral_id: int


class Ranked(NamedTuple):
    """One peer who passed: the ranking key's values, then who it is."""

    not_knows: bool
    not_speaks: bool
    band: int
    open_offers: int
    km: float  # spherical until `settle`, then geodesic; NOWHERE without a position
    peer_id: int  # unique, so the fields after it never decide the order
    volunteer_id: int
    latitude: float | None
    longitude: float | None


def band(km: float | None) -> int:
    if km is None or km == NOWHERE:
        return len(DISTANCE_BANDS_KM) + 1
    for i, edge in enumerate(DISTANCE_BANDS_KM):  # a plain loop: run for every peer read
        if km <= edge:
            return i
    return len(DISTANCE_BANDS_KM)


def gender_fits(gender: str, rules: Rules) -> bool:
    group = gender_group(gender)
    if rules.gender and group != rules.gender:
        return False
    if rules.preference:
        wanted = gender_group(rules.preference)
        if wanted:
            return group == wanted
        return gender.strip().lower() == rules.preference.lower()
    return True


def _might_be(column: Any, words: Iterable[str]) -> ColumnElement[bool]:
    """A superset of the genders in a group: each word's last part (ASCII letters) appears.

    gender_group only lower-cases, trims, turns hyphens into spaces and joins the parts, so a
    gender in the group holds the last part of its word as it is; the exact test is in Python.
    """
    parts = set()
    for word in words:
        last = word.split()[-1]
        ascii_runs = "".join(c if c.isascii() else " " for c in last).split()
        parts.add(max(ascii_runs, key=len))
    # A part holding a shorter part adds nothing ("female" holds "f"): each LIKE costs a pass.
    needed = sorted(p for p in parts if not any(q != p and q in p for q in parts))
    return or_(*(column.ilike(f"%{part}%") for part in needed))


def _cannot_be(column: Any, words: Iterable[str], others: Iterable[str]) -> ColumnElement[bool]:
    """None of the parts (ASCII letters) of the other group's words that no word of this
    group holds appears: a gender holding one is not in this group ("woman" and "f" are in
    no man's word, so "Woman" and "female", which "%m%" lets through, are not men)."""
    parts = {
        run for word in others for run in "".join(c if c.isascii() else " " for c in word).split()
    }
    parts = {part for part in parts if not any(part in word for word in words)}
    needed = sorted(p for p in parts if not any(q != p and q in p for q in parts))
    return and_(*(~column.ilike(f"%{part}%") for part in needed))


def gender_prefilter(group: str) -> ColumnElement[bool]:
    """A superset of the peers in a gender group ('woman' or 'man'), close to it: see
    `_might_be` and `_cannot_be`."""
    words, others = (WOMAN_WORDS, MAN_WORDS) if group == "woman" else (MAN_WORDS, WOMAN_WORDS)
    column = PeerSupporter.gender
    return and_(_might_be(column, words), _cannot_be(column, words, others))


def unplaced() -> tuple[ColumnElement[bool], ...]:
    """Peers without a position: place_at clears the band with it, so the band's index finds
    them."""
    return (
        PeerSupporter.lat_band.is_(None),
        or_(PeerSupporter.latitude.is_(None), PeerSupporter.longitude.is_(None)),
    )


def _prefilters(rules: Rules, today: date) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [
        *listed_where(PeerSupporter),
        clearance.cleared_clause(today, PeerSupporter),  # the volunteer's date, copied
    ]
    group = rules.gender or gender_group(rules.preference)
    if group:
        where.append(gender_prefilter(group))
    if rules.closed_slug:
        where.append(PeerSupporter.pathways.contains(rules.closed_slug, autoescape=True))
    return where


class _Row(NamedTuple):
    id: int
    volunteer_id: int
    gender: str
    pathways: str
    languages: str
    latitude: float | None
    longitude: float | None


# What matching reads of each peer, in _Row's order (best.py reads the same).
ROW_COLUMNS = (
    PeerSupporter.id,
    PeerSupporter.volunteer_id,
    PeerSupporter.gender,
    PeerSupporter.pathways,
    PeerSupporter.languages,
    PeerSupporter.latitude,
    PeerSupporter.longitude,
)


def candidate_statement(rules: Rules, today: date) -> Select[*tuple[Any, ...]]:
    """Listed peers cleared today who may pass the gender and fellowship rules."""
    return select(*ROW_COLUMNS).where(*_prefilters(rules, today))


def in_reach(stmt: Select[*tuple[Any, ...]], rules: Rules) -> list[tuple]:
    """The plain rows of a statement on peers that the distance rule may keep: those in the
    radius's box and those with no position (everyone when there is no radius)."""
    if rules.radius_km is None or rules.origin is None:
        return plain_rows(stmt)
    lat, lng = rules.origin
    return plain_rows(within_box(stmt, PeerSupporter, lat, lng, rules.radius_km)) + plain_rows(
        stmt.where(*unplaced())
    )


def _candidate_rows(rules: Rules, today: date) -> list[_Row]:
    """Rows that may pass: the exact gender, fellowship and distance rules are still to run."""
    return list(map(_Row._make, in_reach(candidate_statement(rules, today), rules)))


def lacks(rules: Rules, row: _Row) -> tuple[bool, bool]:
    """The ranking key's first two parts: lacks the meeting's fellowship, lacks the
    client's language."""
    return not _has(row.pathways, rules.fellowship_slug), not _has(row.languages, rules.language)


def _has(codes: str, code: str) -> bool:
    """`code in from_column(codes)`, without splitting."""
    return bool(code) and f",{code}," in f",{codes},"


def open_offers(volunteer_ids: Sequence[int], referral_id: int) -> Counter[int]:
    """Referrals each volunteer holds (offered or accepted), other than this one."""
    if not volunteer_ids:
        return Counter()
    named = len(volunteer_ids) <= 1000  # else every open offer: fewer rows than so many ids
    # A referral not yet saved has no id: then every referral counts (ids start at 1).
    values: dict[str, Any] = {"referral_id": referral_id if referral_id is not None else 0}
    if named:
        values["offer_ids"] = list(volunteer_ids)
    rows = plain_rows(_offers_statement(named, db.engine.dialect.name), values)
    return Counter({int(v or 0): int(n) for v, n in rows})


@functools.cache
def _offers_statement(named: bool, dialect: str) -> Select[*tuple[Any, ...]]:
    stmt: Select[*tuple[Any, ...]] = select(Referral.matched_volunteer_id, func.count()).where(
        Referral.status.in_(PEER_HOLDS), Referral.id != bindparam("referral_id")
    )
    if named:
        stmt = stmt.where(one_of(Referral.matched_volunteer_id, "offer_ids", dialect))
    else:
        stmt = stmt.where(Referral.matched_volunteer_id.is_not(None))
    return stmt.group_by(Referral.matched_volunteer_id)


def passing(rules: Rules, today: date) -> list[Ranked]:
    """Everyone who passes every hard rule, ranked up to the spherical distance."""
    return ordered(rules, keyed(rules, _candidate_rows(rules, today)))


class Keyed(NamedTuple):
    """A row that passed the exact rules, with its spherical distance and its group: the
    key's first three parts (fellowship, language, band)."""

    row: _Row
    km: float
    group: tuple[bool, bool, int]


def keyed(rules: Rules, rows: Iterable[_Row]) -> list[Keyed]:
    """Those of these rows who pass the exact rules, each with its distance and group: what
    `ordered` ranks, worked out once however many times the rows are ranked (best.py ranks
    them before and after counting open offers)."""
    distances = (
        DistanceFilter(rules.origin[0], rules.origin[1], rules.radius_km) if rules.origin else None
    )
    kept: list[Keyed] = []
    fits: dict[str, bool] = {}  # a few distinct genders among thousands of peers
    for row in rows:
        fit = fits.get(row.gender)
        if fit is None:
            fit = fits[row.gender] = gender_fits(row.gender, rules)
        if not fit or (rules.closed_slug and not _has(row.pathways, rules.closed_slug)):
            continue
        km = NOWHERE
        if distances is not None and row.latitude is not None and row.longitude is not None:
            found = distances.km(row.latitude, row.longitude)
            if found is None:
                continue  # beyond the radius (settled with the geodesic near the edge)
            km = found
        kept.append(Keyed(row, km, (*lacks(rules, row), _band(rules, row, km))))
    return kept


def ordered(
    rules: Rules,
    kept: list[Keyed],
    held: dict[int, int] | None = None,
    count: int = 0,
    counting: bool = True,
) -> list[Ranked]:
    """These rows ranked up to the spherical distance.

    `held` keeps the open offers already counted, by volunteer, for the next call (best.py
    ranks a growing read in rounds). With `count`, only the first `count` need their place:
    open offers are counted only for the rows whose (fellowship, language, band) group is no
    later than the `count`-th row's (offers order peers within a group, never across), and
    the rest, after them whatever they hold, show 0. Without `counting`, offers not yet in
    `held` show 0 too: every key is then at most its true value, and so is the `count`-th."""
    groups = [item.group for item in kept]
    last = sorted(groups)[count - 1] if 0 < count < len(groups) else max(groups, default=())
    offers = {} if held is None else held
    if counting:
        needed = {item.row.volunteer_id for item in kept if item.group <= last}
        unknown = [volunteer_id for volunteer_id in needed if volunteer_id not in offers]
        counted = open_offers(sorted(unknown), rules.referral_id)
        offers.update((volunteer_id, counted[volunteer_id]) for volunteer_id in unknown)
    ranked = [
        Ranked(*group, offers.get(row.volunteer_id, 0) if group <= last else 0, km, row.id,
               row.volunteer_id, row.latitude, row.longitude)
        for row, km, group in kept
    ]  # fmt: skip
    ranked.sort()
    return ranked


def _band(rules: Rules, row: _Row, km: float) -> int:
    """The distance band, with the geodesic when the spherical distance is near an edge."""
    if km == NOWHERE:
        return band(None)
    if rules.origin:
        for edge, near in _NEAR_EDGE:  # a plain loop: run for every peer read
            if abs(km - edge) <= near:
                assert row.latitude is not None and row.longitude is not None
                return band(distance_km(*rules.origin, row.latitude, row.longitude))
    return band(km)


# Each band's edge and how near it the spherical distance needs the geodesic.
_NEAR_EDGE = tuple((edge, edge * MARGIN) for edge in DISTANCE_BANDS_KM)


def settle(ranked: list[Ranked], rules: Rules, count: int | None) -> list[Ranked]:
    """The first `count` (all with None) in the exact order, with geodesic distances.

    Only peers whose spherical distance could put them among the first `count` get the
    geodesic: beyond `reach` in the last one's group, none can come before it.
    """
    if rules.origin is None or not ranked:
        return ranked if count is None else ranked[:count]
    if count is None or count >= len(ranked):
        exact = len(ranked)
    else:
        last = ranked[count - 1]
        reach = last.km * (1 + MARGIN) / (1 - MARGIN)
        exact = count
        while exact < len(ranked) and ranked[exact][:4] == last[:4] and ranked[exact].km <= reach:
            exact += 1
    settled = []
    for item in ranked[:exact]:
        if item.km == NOWHERE:
            settled.append(item)
            continue
        assert item.latitude is not None and item.longitude is not None
        settled.append(item._replace(km=distance_km(*rules.origin, item.latitude, item.longitude)))
    settled.sort()
    return settled if count is None else settled[:count]
