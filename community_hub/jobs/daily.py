"""Everything that happens once a day (`flask reminders`, run by cron), in order.

1. Put placements whose checks have lapsed on hold.
2. Queue reminders: checks about to expire, overdue supervision, follow-ups due, and peers
   going with someone to a meeting tomorrow.
3. Apply the retention rules (contact requests, change suggestions, applications).
4. Fold held notifications into each person's daily digest.
5. Send what is due (the same as `flask send-mail`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app

from community_hub.extensions import db
from community_hub.jobs.models import OutboxMessage
from community_hub.jobs.outbox import Delivery, deliver_due, make_digests
from community_hub.urls import site_url
from community_hub.volunteers.placement_models import Placement


@dataclass
class DailyReport:
    held: list[Placement] = field(default_factory=list)
    queued: list[OutboxMessage] = field(default_factory=list)
    erased: dict[str, int] = field(default_factory=dict)  # what -> how many lost details
    digests: int = 0
    delivery: Delivery = field(default_factory=Delivery)


def run_daily(today: date, offsets: tuple[int, ...]) -> DailyReport:
    """Run the day's jobs; each step commits, so a failure later never repeats an earlier one."""
    from community_hub.meetings.suggestion_retention import purge_suggestions
    from community_hub.people.retention import purge_contact_requests
    from community_hub.referrals.handover import peer_reminders
    from community_hub.referrals.reminders import follow_up_reminders
    from community_hub.volunteering.retention import purge_applications
    from community_hub.volunteers.placements import hold_uncleared
    from community_hub.volunteers.reminders import volunteer_reminders

    config = current_app.config
    report = DailyReport(held=hold_uncleared(today))
    db.session.commit()
    report.queued = (
        volunteer_reminders(today, offsets) + follow_up_reminders(today) + peer_reminders(today)
    )
    db.session.commit()
    purged = purge_contact_requests(int(config["CONTACT_REQUEST_RETENTION_DAYS"]))
    report.erased["old contact requests"] = purged.total
    days = int(config["SUGGESTION_RETENTION_DAYS"])
    report.erased["old change suggestions"] = purge_suggestions(days)
    erased = purge_applications(int(config["APPLICATION_RETENTION_DAYS"]), today)
    report.erased["volunteering applications"] = erased
    db.session.commit()
    report.digests = make_digests(site_url("auth.login"))
    report.delivery = deliver_due()
    return report
