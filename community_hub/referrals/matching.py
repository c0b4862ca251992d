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

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import func, select

from community_hub.auth.models import User
from community_hub.extensions import db
from community_hub.geo.spatial import distance_km
from community_hub.jobs import emails
from community_hub.jobs.outbox import enqueue, notify_organisation
from community_hub.meetings.models import Meeting
from community_hub.people.models import PeerSupporter
from community_hub.people.vocab import gender_group
from community_hub.referrals import audit, consent
from community_hub.referrals.models import Purpose, Referral
from community_hub.referrals.services import TransitionRefused, move
from community_hub.referrals.states import PEER_HOLDS, Status
from community_hub.urls import site_url
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.requirements import may_accompany

DEFAULT_RADIUS_KM = 20.0
DISTANCE_BANDS_KM = (5.0, 10.0, 20.0)


def radius_km() -> float:
    if not has_app_context():
        return DEFAULT_RADIUS_KM
    return float(current_app.config.get("MATCH_RADIUS_KM", DEFAULT_RADIUS_KM))


@dataclass(frozen=True)
class Candidate:
    peer: PeerSupporter
    volunteer: Volunteer
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
    """The peers who pass, best first, and how many passed each rule (to explain a blank)."""

    needs: Needs
    candidates: list[Candidate] = field(default_factory=list)
    passed: dict[str, int] = field(default_factory=dict)  # rule -> peers still in after it

    def why_none(self) -> str:
        """'No cleared woman peer in AA within 20 km.' (empty when someone passed)."""
        if self.candidates:
            return ""
        if not self.passed.get("cleared"):
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


def _gender_fits(peer: PeerSupporter, needs: Needs) -> bool:
    group = gender_group(peer.gender)
    if needs.gender and group != needs.gender:
        return False
    if needs.preference:
        wanted = gender_group(needs.preference)
        if wanted:
            return group == wanted
        return peer.gender.strip().lower() == needs.preference.lower()
    return True


def _open_offers(volunteer_ids: list[int], referral_id: int) -> Counter[int]:
    rows = db.session.execute(
        select(Referral.matched_volunteer_id, func.count())
        .where(
            Referral.matched_volunteer_id.in_(volunteer_ids),
            Referral.status.in_(PEER_HOLDS),
            Referral.id != referral_id,
        )
        .group_by(Referral.matched_volunteer_id)
    )
    return Counter({int(v or 0): int(n) for v, n in rows})


def _band(km: float | None) -> int:
    if km is None:
        return len(DISTANCE_BANDS_KM) + 1
    return next(
        (i for i, edge in enumerate(DISTANCE_BANDS_KM) if km <= edge), len(DISTANCE_BANDS_KM)
    )


def match(referral: Referral, today: date) -> Matching:
    """Apply the hard rules to every listed peer, then rank those who pass."""
    needs = needs_of(referral)
    result = Matching(needs)
    meeting = referral.meeting
    peers = db.session.scalars(
        select(PeerSupporter)
        .where(
            PeerSupporter.volunteer_id.is_not(None),
            PeerSupporter.consent_at.is_not(None),
            PeerSupporter.hidden_at.is_(None),
            PeerSupporter.archived_at.is_(None),
        )
        .order_by(PeerSupporter.id)
    ).all()
    steps = ["listed", "cleared", "gender", "fellowship", "near"]
    passed = Counter({"listed": len(peers)})
    kept: list[tuple[PeerSupporter, Volunteer, float | None]] = []
    for peer in peers:
        volunteer = db.session.get(Volunteer, peer.volunteer_id)
        if volunteer is None or not may_accompany(volunteer, today).cleared:
            continue
        passed["cleared"] += 1
        if not _gender_fits(peer, needs):
            continue
        passed["gender"] += 1
        if needs.fellowship and needs.fellowship_slug not in peer.pathway_list:
            continue
        passed["fellowship"] += 1
        distance = None
        if (
            meeting is not None
            and meeting.latitude is not None
            and meeting.longitude is not None
            and peer.latitude is not None
            and peer.longitude is not None
        ):
            distance = distance_km(
                meeting.latitude, meeting.longitude, peer.latitude, peer.longitude
            )
        if needs.radius_km is not None and distance is not None and distance > needs.radius_km:
            continue
        passed["near"] += 1
        kept.append((peer, volunteer, distance))
    result.passed = {step: passed[step] for step in steps}
    offers = _open_offers([v.id for _p, v, _d in kept], referral.id)
    language = referral.client.preferred_language
    result.candidates = sorted(
        (
            Candidate(
                peer=peer,
                volunteer=volunteer,
                knows_fellowship=bool(needs.fellowship_slug)
                and needs.fellowship_slug in peer.pathway_list,
                speaks_language=language in peer.language_list,
                distance_km=distance,
                open_offers=offers[volunteer.id],
            )
            for peer, volunteer, distance in kept
        ),
        key=lambda c: (
            not c.knows_fellowship,
            not c.speaks_language,
            _band(c.distance_km),
            c.open_offers,
            c.distance_km if c.distance_km is not None else float("inf"),
            c.peer.id,
        ),
    )
    return result


def candidates(referral: Referral, today: date) -> list[Candidate]:
    """The peers who may be offered this referral today, best fit first."""
    return match(referral, today).candidates


def offer(referral: Referral, peer: PeerSupporter, by: User, today: date) -> None:
    """Offer the referral to a peer who passes every rule: needs consent to share details."""
    consent.require(referral.client, Purpose.SHARE_WITH_PEER, today)
    if peer.id not in {c.peer.id for c in candidates(referral, today)}:
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
