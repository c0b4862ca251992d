"""Follow-up reminders for `flask reminders`: each worker hears once a day what is due.

The email holds counts only, never a client reference: the details stay behind the sign-in.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from community_hub.auth.models import User
from community_hub.extensions import db
from community_hub.referrals import consent
from community_hub.referrals.followups import WITH_CONSENTS
from community_hub.referrals.models import FollowUp, Referral
from community_hub.volunteers.reminders import Report, Sender, send_once

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
        .options(WITH_CONSENTS)  # one query for every client's consents, not one each
    ).all()
    due: Counter[int] = Counter()
    overdue: Counter[int] = Counter()
    for follow_up in rows:
        if not consent.due_follow_ups_need_consent(follow_up, today):
            continue
        worker_id = int(follow_up.referral.created_by_id or 0)
        (due if follow_up.due_on == today else overdue)[worker_id] += 1
    return {w: (due[w], overdue[w]) for w in set(due) | set(overdue)}


def follow_up_reminders(today: date, send: Sender, report: Report) -> None:
    """Email each active worker with follow-ups due today or overdue, once a day."""
    for worker_id, (due, overdue) in sorted(due_by_worker(today).items()):
        worker = db.session.get(User, worker_id)
        if worker is None or not worker.active:
            continue
        parts = []
        if due:
            parts.append(f"{due} due today")
        if overdue:
            parts.append(f"{overdue} overdue")
        summary = " and ".join(parts)
        body = (
            f"Hello {worker.display_name},\n\n"
            f"You have follow-ups to make: {summary}.\n"
            "Sign in and open the referral desk to see who, and how each client prefers to be "
            "contacted.\n"
        )
        key = (FOLLOW_UPS_DUE, worker.id, today.isoformat(), 0)
        send_once(key, worker.email, f"Follow-ups: {summary}", body, today, send, report)
