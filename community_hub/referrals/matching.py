"""Peer matching for accompanied referrals: hard rules first, then the best fit.

Hard rules (a peer who fails one is never offered):
- listed (consented, not hidden, not archived), with a volunteer record that clears them today;
- a women's meeting (type W) only women, a men's meeting (M) only men;
- the client's preferred gender for their peer, when they have one;
- a closed meeting (C) only peers whose pathways include its fellowship;
- within MATCH_RADIUS_KM of an in-person meeting (a peer without a known area centre passes).

Among those who pass: knows the fellowship, speaks the client's language, nearer (in bands of
DISTANCE_BANDS_KM, so that a few hundred metres never outweigh the next rule), then fewest open
offers, so one peer is not asked again and again.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, case, func, select

from community_hub.auth.models import User
from community_hub.extensions import db
from community_hub.geo.flat import FlatCircle, flat_margin
from community_hub.geo.nearby import DistanceFilter, box_params
from community_hub.geo.spatial import distance_km
from community_hub.jobs import emails
from community_hub.jobs.outbox import enqueue, notify_organisation
from community_hub.meetings.models import Meeting
from community_hub.people.models import PeerSupporter, listed_where
from community_hub.people.vocab import gender_group
from community_hub.referrals import audit, best, consent, ranking
from community_hub.referrals.best_sql import local_groups
from community_hub.referrals.models import Purpose, Referral
from community_hub.referrals.services import TransitionRefused, move
from community_hub.referrals.states import PEER_HOLDS, Status
from community_hub.sqlparams import chunks, one_of, plain_rows
from community_hub.urls import site_url
from community_hub.volunteers import clearance
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.requirements import may_accompany

DEFAULT_RADIUS_KM = 20.0
DISTANCE_BANDS_KM = ranking.DISTANCE_BANDS_KM
PAGE_SIZE = 20  # the match page shows the best 20 (and all of them when asked)
RULES = ("listed", "cleared", "gender", "fellowship")


def radius_km() -> float:
    if not has_app_context():
        return DEFAULT_RADIUS_KM
    return float(current_app.config.get("MATCH_RADIUS_KM", DEFAULT_RADIUS_KM))


class ShownPeer(NamedTuple):
    """A peer as the match page shows them: read as plain values, not as the whole record."""

    id: int
    volunteer_id: int
    display_name: str
    area: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Candidate:
    peer: ShownPeer
    knows_fellowship: bool
    speaks_language: bool
    distance_km: float | None
    open_offers: int


@dataclass(frozen=True)
class Needs:
    """What the hard rules ask of a peer for this referral."""

    gender: str  # 'woman' or 'man' for a W or M meeting, else ''
    preference: str  # the client's preferred gender for their peer, as typed
    fellowship: str  # a closed meeting's fellowship (its short name), else ''
    fellowship_slug: str
    radius_km: float | None  # None: online, or the meeting has no position


@dataclass
class Matching:
    """The best peers who pass (or all of them), how many pass, and per rule how many
    remained (to explain a blank: counted only when asked for)."""

    needs: Needs
    rules: ranking.Rules
    today: date
    candidates: list[Candidate] = field(default_factory=list)
    total: int = 0  # everyone who passes, shown or not (with more_than, fewer: see best.CAP)
    more_than: bool = False  # more than `total` pass: they were not all counted
    _passed: dict[str, int] | None = None

    @property
    def more(self) -> int:
        """How many pass but are not shown."""
        return self.total - len(self.candidates)

    @property
    def passed(self) -> dict[str, int]:
        """Rule -> peers still in after it, in the order the rules apply."""
        if self._passed is None:
            self._passed = count_rules(self.rules, self.today)
        return self._passed

    def why_none(self) -> str:
        """'No cleared woman peer in AA within 20 km.' (empty when someone passed)."""
        if self.total:
            return ""
        # Only for an online meeting do the counts change the words: nobody cleared at all.
        if self.needs.radius_km is None and not self.passed.get("cleared"):
            return _("No peer is cleared to accompany a client today.")
        who = {
            "woman": _("No cleared woman peer"),
            "man": _("No cleared man peer"),
        }.get(self.needs.gender or gender_group(self.needs.preference))
        if who is None and self.needs.preference:
            who = _("No cleared peer who is %(gender)s", gender=self.needs.preference)
        text = who or _("No cleared peer")
        if self.needs.fellowship:
            text += _(" in %(fellowship)s", fellowship=self.needs.fellowship)
        if self.needs.radius_km is not None:
            text += _(" within %(km)d km", km=round(self.needs.radius_km))
        return text + "."


def needs_of(referral: Referral) -> Needs:
    meeting = referral.meeting
    types = set(meeting.type_list) if meeting else set()
    gender = "woman" if "W" in types else "man" if "M" in types else ""
    located = meeting is not None and meeting.latitude is not None and not meeting.is_online
    closed = ""
    if meeting is not None and "C" in types:
        closed = meeting.fellowship.short_name or meeting.fellowship.name
    return Needs(
        gender=gender,
        preference=referral.peer_gender_preference.strip(),
        fellowship=closed,
        fellowship_slug=meeting.fellowship.slug if meeting else "",
        radius_km=radius_km() if located else None,
    )


def rules_of(referral: Referral, needs: Needs) -> ranking.Rules:
    meeting = referral.meeting
    origin = None
    if meeting is not None and meeting.latitude is not None and meeting.longitude is not None:
        origin = (meeting.latitude, meeting.longitude)
    return ranking.Rules(
        gender=needs.gender,
        preference=needs.preference,
        closed_slug=needs.fellowship_slug if needs.fellowship else "",
        fellowship_slug=needs.fellowship_slug,
        language=referral.client.preferred_language,
        origin=origin,
        radius_km=needs.radius_km,
        referral_id=referral.id,
    )


def match(referral: Referral, today: date, show_all: bool = False) -> Matching:
    """The best PAGE_SIZE peers who pass every hard rule (all with show_all), best first."""
    needs = needs_of(referral)
    rules = rules_of(referral, needs)
    found = None if show_all else best.page(rules, today, PAGE_SIZE)
    if found is None:
        ranked = ranking.passing(rules, today)
        shown = ranking.settle(ranked, rules, None if show_all else PAGE_SIZE)
        found = best.Page(shown, len(ranked))
    shown, total, more_than = found
    result = Matching(needs, rules, today, total=total, more_than=more_than)
    names = _names([r.peer_id for r in shown])
    result.candidates = [
        Candidate(
            peer=ShownPeer(r.peer_id, r.volunteer_id, *names[r.peer_id], r.latitude, r.longitude),
            knows_fellowship=not r.not_knows,
            speaks_language=not r.not_speaks,
            distance_km=None if r.km == ranking.NOWHERE else r.km,
            open_offers=r.open_offers,
        )
        for r in shown
    ]
    return result


def _names(peer_ids: list[int]) -> dict[int, tuple[str, str]]:
    """These peers' names and areas, in one statement (more on SQLite for tens of thousands:
    sqlparams.chunks); the rest of what the page shows of them, matching has read already."""
    dialect = db.engine.dialect.name
    names: dict[int, tuple[str, str]] = {}
    for some in chunks(peer_ids, dialect):  # "Show all" may show tens of thousands
        rows = plain_rows(_names_statement(dialect), {"peer_ids": some})
        names.update((peer_id, (name, area)) for peer_id, name, area in rows)
    return names


@functools.cache
def _names_statement(dialect: str) -> Select[*tuple[Any, ...]]:
    """One statement however many peers (sqlparams.one_of)."""
    columns = (PeerSupporter.id, PeerSupporter.display_name, PeerSupporter.area)
    return select(*columns).where(one_of(PeerSupporter.id, "peer_ids", dialect))


def count_rules(rules: ranking.Rules, today: date) -> dict[str, int]:
    """How many listed peers remain after each hard rule, in order.

    For an in-person meeting the count starts from the listed peers within the radius (or with
    no known position, who pass it): what the worker can change is local, and the box's index
    reads only those. Otherwise one statement counts each distinct gender and pathways once,
    listed and cleared today (a few hundred groups however many peers, read in order from
    ix_peer_supporter_listed_gender).
    """
    passed: Counter[str] = Counter()
    for gender, listed, cleared, in_fellowship in _groups(rules, today):
        passed["listed"] += listed
        passed["cleared"] += cleared
        if not cleared or not ranking.gender_fits(gender, rules):
            continue
        passed["gender"] += cleared
        passed["fellowship"] += in_fellowship if rules.closed_slug else cleared
    return {rule: passed[rule] for rule in RULES}


def _groups(rules: ranking.Rules, today: date) -> Iterable[tuple[str, int, int, int]]:
    """(gender, listed, cleared today, of them in the closed meeting's fellowship) over the
    peers the rules look at, a few rows per gender."""
    closed = rules.closed_slug

    def one(gender: str, pathways: str, cleared: int, listed: int = 1) -> tuple[str, int, int, int]:
        return gender, listed, cleared, cleared if ranking._has(pathways, closed) else 0

    if rules.radius_km is None or rules.origin is None:
        return [
            one(gender, pathways, cleared, listed)
            for gender, pathways, listed, cleared in plain_rows(rule_groups(today))
        ]
    lat, lng = rules.origin
    margin = flat_margin(lat, rules.radius_km)
    wraps, box = box_params(lat, lng, rules.radius_km)
    if margin is not None and not wraps:  # counted in SQL by the flat distance
        circle = FlatCircle(lat, lng, rules.radius_km, margin)
        values = circle.values() | box | {"today": today, "closed_code": f",{closed},"}
        inside, edge, unplaced = local_groups(db.engine.dialect.name)
        counted = plain_rows(inside, values) + plain_rows(unplaced, values)
        edge_rows = plain_rows(edge, values)
        return [(g, int(n), int(c), int(f)) for g, n, c, f in counted] + [
            one(gender, pathways, cleared)
            for gender, pathways, cleared, at_lat, at_lng in edge_rows
            if circle.distances.km(at_lat, at_lng) is not None
        ]
    stmt = select(
        PeerSupporter.gender,
        PeerSupporter.pathways,
        _cleared_flag(today),
        PeerSupporter.latitude,
        PeerSupporter.longitude,
    ).where(PeerSupporter.volunteer_id.is_not(None), *listed_where(PeerSupporter))
    rows = ranking.in_reach(stmt, rules)
    distances = DistanceFilter(*rules.origin, rules.radius_km)
    return [
        one(gender, pathways, cleared)
        for gender, pathways, cleared, at_lat, at_lng in rows
        if at_lat is None or at_lng is None or distances.km(at_lat, at_lng) is not None
    ]


def _cleared_flag(today: date) -> ColumnElement[int]:
    """1 for a peer cleared to accompany a client today, else 0."""
    return case((clearance.cleared_clause(today, PeerSupporter), 1), else_=0)


def rule_groups(today: date) -> Select[*tuple[Any, ...]]:
    """Listed peers per (gender, pathways): how many, and how many are cleared today."""
    return (
        select(
            PeerSupporter.gender,
            PeerSupporter.pathways,
            func.count(),
            func.coalesce(func.sum(_cleared_flag(today)), 0),
        )
        .where(PeerSupporter.volunteer_id.is_not(None), *listed_where(PeerSupporter))
        .group_by(PeerSupporter.gender, PeerSupporter.pathways)
    )


def _beyond(rules: ranking.Rules, lat: float | None, lng: float | None) -> bool:
    if rules.radius_km is None or rules.origin is None or lat is None or lng is None:
        return False
    return distance_km(*rules.origin, lat, lng) > rules.radius_km


def passes(referral: Referral, peer: PeerSupporter, today: date) -> bool:
    """Whether this one peer passes every hard rule for the referral today."""
    rules = rules_of(referral, needs_of(referral))
    if not peer.is_listed or peer.volunteer_id is None:
        return False
    volunteer = db.session.get(Volunteer, peer.volunteer_id)
    if volunteer is None or not may_accompany(volunteer, today).cleared:
        return False
    if not ranking.gender_fits(peer.gender, rules):
        return False
    if rules.closed_slug and rules.closed_slug not in peer.pathway_list:
        return False
    return not _beyond(rules, peer.latitude, peer.longitude)


def candidates(referral: Referral, today: date) -> list[Candidate]:
    """Every peer who may be offered this referral today, best fit first."""
    return match(referral, today, show_all=True).candidates


def offer(referral: Referral, peer: PeerSupporter, by: User, today: date) -> None:
    """Offer the referral to a peer who passes every rule: needs consent to share details."""
    consent.require(referral.client, Purpose.SHARE_WITH_PEER, today)
    if not passes(referral, peer, today):
        raise TransitionRefused(
            _("%(name)s cannot be offered this referral today.", name=peer.display_name)
        )
    referral.matched_volunteer_id = peer.volunteer_id
    move(referral, Status.MATCHED, by, today, f"offered to {peer.display_name}")
    audit.record(by, "update", "referral", referral.id, f"shared with peer {peer.id}")
    _tell_the_peer(referral, peer)


def facts(referral: Referral) -> dict[str, Any]:
    """What emails about a referral may say: never the client."""
    meeting = db.session.get(Meeting, referral.meeting_id) if referral.meeting_id else None
    return {
        "organisation": referral.organisation.name,
        "meeting": meeting.name if meeting else (referral.group_name or _("a meeting")),
        "when": referral.planned_first_meeting,
    }


def _tell_the_peer(referral: Referral, peer: PeerSupporter) -> None:
    """Email the peer (or, without a sign-in of their own, their coordinators): no client."""
    details = {**facts(referral), "link": site_url("referrals.offer_list")}
    volunteer = db.session.get(Volunteer, peer.volunteer_id) if peer.volunteer_id else None
    user = volunteer.user if volunteer is not None else None
    if user is not None and user.active:
        enqueue(user, emails.referral_offer, name=user.display_name, **details)
    else:
        notify_organisation(peer.organisation, emails.referral_offer, **details)


def tell_the_worker(referral: Referral, build: Callable[..., emails.Email], **context: Any) -> None:
    """Email the worker who made the referral (or their organisation): never the client."""
    details = {
        **facts(referral),
        "link": site_url("referrals.referral", referral_id=referral.id),
        **context,
    }
    worker = referral.created_by
    if worker is not None and worker.active:
        enqueue(worker, build, name=worker.display_name, **details)
    else:
        notify_organisation(referral.organisation, build, **details)


def peer_name(referral: Referral) -> str:
    volunteer = (
        db.session.get(Volunteer, referral.matched_volunteer_id)
        if referral.matched_volunteer_id
        else None
    )
    return volunteer.first_name if volunteer else ""


def respond(referral: Referral, accept: bool, by: User, today: date, reason: str = "") -> None:
    """The peer or their coordinator accepts, or declines (which returns it to matching)."""
    if accept:
        consent.require(referral.client, Purpose.SHARE_WITH_PEER, today)
        move(referral, Status.ACCEPTED, by, today, reason)
        return
    name = peer_name(referral)
    move(referral, Status.REQUESTED, by, today, reason or "The peer declined.")
    tell_the_worker(referral, emails.offer_declined, peer=name)


def withdraw(referral: Referral, by: User, today: date, reason: str) -> None:
    """A peer who said yes can no longer go: back to matching, and the worker is told."""
    if not reason.strip():
        raise TransitionRefused(_("Say why you can no longer go, so the worker can plan."))
    if referral.status not in PEER_HOLDS or referral.status == Status.MATCHED.value:
        raise TransitionRefused(_("Only a referral you have accepted can be withdrawn from."))
    name = peer_name(referral)
    move(referral, Status.REQUESTED, by, today, f"{name} withdrew: {reason.strip()}")
    tell_the_worker(referral, emails.offer_withdrawn, peer=name)
