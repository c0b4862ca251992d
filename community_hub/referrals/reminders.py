"""Follow-up reminders for the daily job: each worker hears once a day what is due.

The email holds counts only, never a client reference: the details stay behind the sign-in.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from community_hub.auth.models import User
from community_hub.extensions import db
from community_hub.jobs import emails
from community_hub.jobs.models import OutboxMessage
from community_hub.jobs.outbox import enqueue_once
from community_hub.referrals import consent
from community_hub.referrals.followups import with_consents
from community_hub.referrals.models import FollowUp, Referral
from community_hub.urls import site_url

FOLLOW_UPS_DUE = "follow_ups_due"


def due_by_worker(today: date) -> dict[int, tuple[int, int]]:
    """For each worker who made referrals: (follow-ups due today, overdue), consent permitting."""
    rows = db.session.scalars(
        select(FollowUp)
        .join(FollowUp.referral)
        .where(
            FollowUp.status == "due",
            FollowUp.due_on <= today,
            Referral.created_by_id.is_not(None),
        )
        .options(with_consents())  # one query for every client's consents, not one each
    ).all()
    due: Counter[int] = Counter()
    overdue: Counter[int] = Counter()
    for follow_up in rows:
        if not consent.due_follow_ups_need_consent(follow_up, today):
            continue
        worker_id = int(follow_up.referral.created_by_id or 0)
        (due if follow_up.due_on == today else overdue)[worker_id] += 1
    return {w: (due[w], overdue[w]) for w in set(due) | set(overdue)}


def follow_up_reminders(today: date) -> list[OutboxMessage]:
    """Queue, once a day, each active worker's count of follow-ups due today and overdue."""
    queued = []
    link = site_url("referrals.desk")
    for worker_id, (due, overdue) in sorted(due_by_worker(today).items()):
        worker = db.session.get(User, worker_id)
        if worker is None or not worker.active:
            continue
        key = (FOLLOW_UPS_DUE, worker.id, today.isoformat(), 0)
        message = enqueue_once(
            key, worker, emails.follow_ups_due, today,
            name=worker.display_name, due=due, overdue=overdue, link=link,
        )  # fmt: skip
        if message is not None:
            queued.append(message)
    return queued
