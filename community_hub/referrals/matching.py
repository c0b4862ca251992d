"""Peer matching for accompanied referrals: only peers cleared today, best fit first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from community_hub.auth.models import User
from community_hub.dates import long_date
from community_hub.extensions import db
from community_hub.geo.spatial import distance_km
from community_hub.jobs import emails
from community_hub.jobs.outbox import enqueue, notify_organisation
from community_hub.meetings.models import Meeting
from community_hub.people.models import PeerSupporter
from community_hub.referrals import audit, consent
from community_hub.referrals.models import Purpose, Referral
from community_hub.referrals.services import TransitionRefused, move
from community_hub.referrals.states import Status
from community_hub.urls import site_url
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.requirements import may_accompany


@dataclass(frozen=True)
class Candidate:
    peer: PeerSupporter
    volunteer: Volunteer
    knows_fellowship: bool
    speaks_language: bool
    gender_fits: bool
    distance_km: float | None


def candidates(referral: Referral, today: date) -> list[Candidate]:
    """Peers whose volunteer record clears them to accompany a client today, ranked."""
    meeting = db.session.get(Meeting, referral.meeting_id) if referral.meeting_id else None
    fellowship = meeting.fellowship.slug if meeting else ""
    wanted_gender = referral.peer_gender_preference.strip().lower()
    found = []
    # Only listed peers (consented, not hidden, not archived) with a volunteer record.
    peers = db.session.scalars(
        select(PeerSupporter).where(
            PeerSupporter.volunteer_id.is_not(None),
            PeerSupporter.consent_at.is_not(None),
            PeerSupporter.hidden_at.is_(None),
            PeerSupporter.archived_at.is_(None),
        )
    ).all()
    for peer in peers:
        volunteer = db.session.get(Volunteer, peer.volunteer_id)
        if volunteer is None or not may_accompany(volunteer, today).cleared:
            continue
        distance = None
        here = (meeting.latitude, meeting.longitude) if meeting else (None, None)
        there = (peer.latitude, peer.longitude)
        if (
            here[0] is not None
            and here[1] is not None
            and there[0] is not None
            and there[1] is not None
        ):
            distance = distance_km(here[0], here[1], there[0], there[1])
        found.append(
            Candidate(
                peer=peer,
                volunteer=volunteer,
                knows_fellowship=bool(fellowship) and fellowship in peer.pathway_list,
                speaks_language=referral.client.preferred_language in peer.language_list,
                gender_fits=not wanted_gender or peer.gender.strip().lower() == wanted_gender,
                distance_km=distance,
            )
        )
    return sorted(
        found,
        key=lambda c: (
            not c.gender_fits,
            not c.knows_fellowship,
            not c.speaks_language,
            c.distance_km if c.distance_km is not None else float("inf"),
            c.peer.id,
        ),
    )


def offer(referral: Referral, peer: PeerSupporter, by: User, today: date) -> None:
    """Offer the referral to a cleared peer: needs the client's consent to share details."""
    consent.require(referral.client, Purpose.SHARE_WITH_PEER, today)
    if peer.id not in {c.peer.id for c in candidates(referral, today)}:
        raise TransitionRefused(
            _("%(name)s is not cleared to accompany a client today.", name=peer.display_name)
        )
    referral.matched_volunteer_id = peer.volunteer_id
    move(referral, Status.MATCHED, by, today, f"offered to {peer.display_name}")
    audit.record(by, "update", "referral", referral.id, f"shared with peer {peer.id}")
    _tell_the_peer(referral, peer)


def _tell_the_peer(referral: Referral, peer: PeerSupporter) -> None:
    """Email the peer (or, without a sign-in of their own, their coordinators): no client."""
    meeting = db.session.get(Meeting, referral.meeting_id) if referral.meeting_id else None
    facts = {
        "organisation": referral.organisation.name,
        "meeting": meeting.name if meeting else (referral.group_name or _("a meeting")),
        "when": long_date(referral.planned_first_meeting) or _("date to be agreed"),
        "link": site_url("referrals.offer_list"),
    }
    volunteer = db.session.get(Volunteer, peer.volunteer_id) if peer.volunteer_id else None
    user = volunteer.user if volunteer is not None else None
    if user is not None and user.active:
        enqueue(user, emails.referral_offer, name=user.display_name, **facts)
    else:
        notify_organisation(peer.organisation, emails.referral_offer, **facts)


def respond(referral: Referral, accept: bool, by: User, today: date, reason: str = "") -> None:
    """The peer or their coordinator accepts, or declines (which returns it to matching)."""
    if accept:
        consent.require(referral.client, Purpose.SHARE_WITH_PEER, today)
        move(referral, Status.ACCEPTED, by, today, reason)
    else:
        move(referral, Status.REQUESTED, by, today, reason or "The peer declined.")
