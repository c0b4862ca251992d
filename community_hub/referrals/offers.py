"""What a peer (or their coordinator) sees of an offered referral: only what consent allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import func, select

from community_hub.auth.models import Role, User
from community_hub.extensions import db
from community_hub.meetings.models import Meeting
from community_hub.referrals import audit, consent
from community_hub.referrals.models import Purpose, Referral, ReferralMessage
from community_hub.referrals.states import PEER_HOLDS, Status
from community_hub.volunteers.models import Volunteer

# A peer keeps seeing the referral until the first meeting has happened.
VISIBLE = PEER_HOLDS


@dataclass(frozen=True)
class Offer:
    """The consented minimum: the client's reference, where and when, who referred."""

    referral_id: int
    status: str
    client_reference: str
    preferred_language: str
    meeting: Meeting | None
    target_name: str
    planned_first_meeting: date | None
    referring_organisation: str
    volunteer_name: str
    # The handover, once the peer has said yes: where to meet, how to reach the worker.
    accepted: bool = False
    meeting_point: str = ""
    duty_phone: str = ""
    messages: tuple[ReferralMessage, ...] = ()


def _volunteers_of(user: User) -> list[int]:
    if user.role == Role.VOLUNTEER.value:
        stmt = select(Volunteer.id).where(Volunteer.user_id == user.id)
    elif user.role == Role.COORDINATOR.value and user.organisation_id is not None:
        stmt = select(Volunteer.id).where(Volunteer.organisation_id == user.organisation_id)
    else:
        return []
    return list(db.session.scalars(stmt))


def _as_offer(referral: Referral) -> Offer:
    meeting = db.session.get(Meeting, referral.meeting_id) if referral.meeting_id else None
    volunteer = db.session.get(Volunteer, referral.matched_volunteer_id)
    return Offer(
        referral_id=referral.id,
        status=referral.status,
        client_reference=referral.client.reference,
        preferred_language=referral.client.preferred_language,
        meeting=meeting,
        target_name=meeting.name if meeting else referral.group_name,
        planned_first_meeting=referral.planned_first_meeting,
        referring_organisation=referral.organisation.name,
        volunteer_name=volunteer.first_name if volunteer else "",
        accepted=referral.status != Status.MATCHED.value,
        meeting_point=referral.meeting_point,
        duty_phone=referral.organisation.duty_phone,
        messages=_since_matched(referral),
    )


def _since_matched(referral: Referral) -> tuple[ReferralMessage, ...]:
    """The thread since this peer was asked: an earlier peer's messages are not theirs to read."""
    asked = [c.changed_at for c in referral.history if c.to_status == Status.MATCHED.value]
    since = max(asked) if asked else None
    return tuple(m for m in referral.messages if since is None or m.created_at >= since)


def offers_for(user: User, today: date) -> list[Offer]:
    """Referrals offered to this peer (or their coordinator's peers), consent permitting."""
    volunteer_ids = _volunteers_of(user)
    if not volunteer_ids:
        return []
    referrals = db.session.scalars(
        select(Referral)
        .where(Referral.matched_volunteer_id.in_(volunteer_ids), Referral.status.in_(VISIBLE))
        .order_by(Referral.planned_first_meeting, Referral.id)
    ).all()
    shown = [r for r in referrals if consent.current(r.client, Purpose.SHARE_WITH_PEER, today)]
    for referral in shown:
        audit.record(user, "view", "referral", referral.id, "peer offer list")
    return [_as_offer(r) for r in shown]


def offered_referral(user: User, referral_id: int, today: date) -> Referral:
    """The referral if it is offered to this user's peers and consent allows; 404 otherwise."""
    referral = db.session.get(Referral, referral_id)
    if (
        referral is None
        or referral.matched_volunteer_id not in _volunteers_of(user)
        or referral.status not in VISIBLE
        or consent.current(referral.client, Purpose.SHARE_WITH_PEER, today) is None
    ):
        abort(404)
    audit.record(user, "view", "referral", referral.id, "peer offer")
    return referral


def offer_view(referral: Referral) -> Offer:
    return _as_offer(referral)


def new_offer_count(user: User) -> int:
    """Offers waiting for this peer's (or their coordinator's peers') answer."""
    volunteer_ids = _volunteers_of(user)
    if not volunteer_ids:
        return 0
    count = db.session.scalar(
        select(func.count(Referral.id)).where(
            Referral.matched_volunteer_id.in_(volunteer_ids),
            Referral.status == Status.MATCHED.value,
        )
    )
    return int(count or 0)
