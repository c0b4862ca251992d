"""Retention: a request to contact a peer keeps the person's name and number only while needed.

After CONTACT_REQUEST_RETENTION_DAYS, a handled request (counted from when it was handled) or an
unanswered one (counted from when it arrived, then marked expired) keeps only what aggregate
figures need: which peer and organisation, when, how, and its status. The name, phone number,
email address, message and the coordinator's note are blanked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import and_, or_, select

from community_hub.auth.models import utcnow
from community_hub.extensions import db
from community_hub.people.models import ContactRequest, RequestStatus

ERASED_NAME = "(erased)"


@dataclass
class PurgeReport:
    handled: int = 0  # handled requests erased
    expired: int = 0  # unanswered requests marked expired and erased

    @property
    def total(self) -> int:
        return self.handled + self.expired


def due_for_erasure(days: int, now: datetime | None = None) -> list[ContactRequest]:
    """Requests past the retention period whose personal details are still held."""
    if days < 1:
        raise ValueError("The retention period must be at least 1 day.")
    cutoff = (now or utcnow()) - timedelta(days=days)
    stmt = (
        select(ContactRequest)
        .where(ContactRequest.erased_at.is_(None))
        .where(
            or_(
                and_(
                    ContactRequest.status == RequestStatus.HANDLED.value,
                    ContactRequest.handled_at < cutoff,
                ),
                and_(
                    ContactRequest.status != RequestStatus.HANDLED.value,
                    ContactRequest.created_at < cutoff,
                ),
            )
        )
        .order_by(ContactRequest.id)
    )
    return list(db.session.scalars(stmt))


def erase(request: ContactRequest, now: datetime | None = None) -> None:
    """Blank the personal fields of one request; unanswered ones become expired."""
    if request.status != RequestStatus.HANDLED.value:
        request.status = RequestStatus.EXPIRED.value
    request.first_name = ERASED_NAME
    request.reply_phone = ""
    request.reply_email = ""
    request.message = ""
    request.handled_note = ""
    request.erased_at = now or utcnow()


def purge_contact_requests(days: int, now: datetime | None = None) -> PurgeReport:
    """Erase every request past the retention period (the caller commits)."""
    report = PurgeReport()
    for request in due_for_erasure(days, now):
        if request.status == RequestStatus.HANDLED.value:
            report.handled += 1
        else:
            report.expired += 1
        erase(request, now)
    db.session.flush()
    return report


@click.command("purge-contact-requests")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Retention period in days (default: CONTACT_REQUEST_RETENTION_DAYS, normally 90).",
)
@click.option("--dry-run", is_flag=True, help="Only count what would be erased.")
@with_appcontext
def purge_contact_requests_command(days: int | None, dry_run: bool) -> None:
    """Erase names and contact details from old contact requests (run daily by cron)."""
    days = days or int(current_app.config["CONTACT_REQUEST_RETENTION_DAYS"])
    if dry_run:
        count = len(due_for_erasure(days))
        click.echo(f"Dry run: {count} contact requests older than {days} days would be erased.")
        return
    report = purge_contact_requests(days)
    db.session.commit()
    click.echo(
        f"Erased {report.total} contact requests older than {days} days "
        f"({report.handled} handled, {report.expired} never answered, now marked expired)."
    )
