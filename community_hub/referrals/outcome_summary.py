"""The outcome of one referral, sent back to the referring organisation with the client's
outcome-to-referrer consent: coded facts and scores only, never the client's reference."""

from __future__ import annotations

from datetime import date

from community_hub.auth.models import User
from community_hub.jobs import emails
from community_hub.jobs.models import OutboxMessage
from community_hub.jobs.outbox import notify_organisation
from community_hub.referrals import audit, consent, recovery_capital
from community_hub.referrals.models import Purpose, Referral
from community_hub.urls import site_url


def send(referral: Referral, by: User, today: date) -> list[OutboxMessage]:
    """Queue the summary to the organisation's coordinators (or its contact address)."""
    consent.require(referral.client, Purpose.OUTCOME_TO_REFERRER, today)
    weekly = [
        (f.day_offset, bool(f.attending_weekly))
        for f in referral.follow_ups
        if f.status == "done" and f.attending_weekly is not None
    ]
    scores = [(r.point, r.total) for r in recovery_capital.taken(referral)]
    sent = notify_organisation(
        referral.organisation,
        emails.outcome_summary,
        number=referral.id,
        made_on=referral.created_at.date(),
        method=referral.link_method,
        status=referral.status,
        closed_reason=referral.closed_reason,
        first_meeting=referral.first_meeting_attended_on,
        weekly=weekly,
        scores=scores,
        link=site_url("referrals.referral", referral_id=referral.id),
    )
    audit.record(by, "export", "referral", referral.id, "outcome summary to the referrer")
    return sent
