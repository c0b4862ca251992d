"""Daily reminders: checks about to expire, overdue supervision, and referral follow-ups due.

Each reminder is sent once per cycle: a ReminderSent row per (kind, subject, cycle, offset,
recipient), where the cycle is the date being warned about. A new check or a new supervision
session starts a new cycle. A check with a renewal in progress gets no reminders.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from community_hub.auth.models import Role, User
from community_hub.extensions import db
from community_hub.volunteers.dashboard import CheckRow, current_checks, overdue_supervision
from community_hub.volunteers.models import ReminderSent
from community_hub.volunteers.placement_models import Placement
from community_hub.volunteers.placements import hold_uncleared
from community_hub.volunteers.requirements import supervision_due

DEFAULT_OFFSETS = (60, 30, 7)
CHECK_EXPIRY = "check_expiry"
SUPERVISION_OVERDUE = "supervision_overdue"

Sender = Callable[[str, str, str], None]


@dataclass
class Report:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    held: list[Placement] = field(default_factory=list)


def parse_offsets(value: object) -> tuple[int, ...]:
    """Offsets in days from config: a list, or text such as '60,30,7' from the environment."""
    items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    try:
        offsets = sorted({int(str(i).strip()) for i in items if str(i).strip()}, reverse=True)
    except ValueError:
        offsets = []
    if not offsets or any(o < 0 for o in offsets):
        raise ValueError("Reminder offsets must be whole numbers of days, 0 or more.")
    return tuple(offsets)


def offset_reached(days_left: int, offsets: tuple[int, ...]) -> int | None:
    """The tightest offset reached: 45 days left with (60, 30, 7) is the 60-day reminder.

    Matching the bucket rather than the exact day means a missed daily run still sends it.
    """
    if days_left < 0:
        return None
    reached = [o for o in offsets if days_left <= o]
    return min(reached) if reached else None


def coordinators_of(organisation_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == organisation_id,
                User.role == Role.COORDINATOR.value,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def send_once(
    key: tuple[str, int, str, int],
    recipient: str,
    subject: str,
    body: str,
    today: date,
    send: Sender,
    report: Report,
) -> None:
    kind, subject_id, cycle, offset = key
    recipient = recipient.strip().lower()
    already = db.session.scalar(
        select(ReminderSent.id).where(
            ReminderSent.kind == kind,
            ReminderSent.subject_id == subject_id,
            ReminderSent.cycle == cycle,
            ReminderSent.offset_days == offset,
            ReminderSent.recipient == recipient,
        )
    )
    if already is not None:
        return
    try:
        send(recipient, subject, body)
    except (smtplib.SMTPException, OSError) as error:
        report.failed.append(f"{recipient}: {subject} ({error})")
        return
    db.session.add(
        ReminderSent(
            kind=kind,
            subject_id=subject_id,
            cycle=cycle,
            offset_days=offset,
            recipient=recipient,
            on=today,
        )
    )
    # Committed at once, so a failure later in the run never makes us send this one again.
    db.session.commit()
    report.sent.append(f"{recipient}: {subject}")


def _check_reminders(row: CheckRow, offset: int, today: date, send: Sender, report: Report) -> None:
    volunteer, check = row.volunteer, row.check
    assert check.expires_on is not None
    name = check.requirement_type.name
    when = f"{check.expires_on:%d %B %Y}"
    days = "today" if row.days_left == 0 else f"in {row.days_left} days"
    key = (CHECK_EXPIRY, check.id, check.expires_on.isoformat(), offset)
    # A paused volunteer is not chased: their own recovery comes first. Staff still hear.
    if volunteer.email and volunteer.contact_preference != "none" and not volunteer.is_paused:
        body = (
            f"Hello {volunteer.first_name},\n\n"
            f"Your {name} expires on {when} ({days}). Please talk to your coordinator "
            "about renewing it, so your volunteering can carry on without a break.\n\n"
            "Thank you for everything you do.\n"
        )
        send_once(key, volunteer.email, f"Your {name} expires on {when}", body, today, send, report)
    for coordinator in coordinators_of(volunteer.organisation_id):
        body = (
            f"Hello {coordinator.display_name},\n\n"
            f"{volunteer.first_name}'s {name} expires on {when} ({days}).\n"
            "If a renewal has started, mark it as in progress on their page and these "
            "reminders will stop.\n"
        )
        subject = f"{volunteer.first_name}: {name} expires on {when}"
        send_once(key, coordinator.email, subject, body, today, send, report)


def _supervision_reminders(placement: Placement, today: date, send: Sender, report: Report) -> None:
    due = supervision_due(placement)
    assert due is not None
    first_name, host = placement.volunteer.first_name, placement.host.name
    key = (SUPERVISION_OVERDUE, placement.id, due.isoformat(), 0)
    for coordinator in coordinators_of(placement.organisation_id):
        body = (
            f"Hello {coordinator.display_name},\n\n"
            f"Supervision for {first_name} at {host} was due on {due:%d %B %Y} "
            f"({(today - due).days} days ago). Please arrange a session and record it.\n"
        )
        subject = f"Supervision overdue: {first_name} at {host}"
        send_once(key, coordinator.email, subject, body, today, send, report)


def run_reminders(today: date, offsets: tuple[int, ...], send: Sender) -> Report:
    """Hold uncleared placements, then send every reminder due today that was not sent yet."""
    report = Report(held=hold_uncleared(today))
    db.session.commit()
    for row in current_checks(None, today):
        if row.check.renewal_started_on is not None:
            continue
        offset = offset_reached(row.days_left, offsets)
        if offset is not None:
            _check_reminders(row, offset, today, send, report)
    for placement in overdue_supervision(None, today):
        _supervision_reminders(placement, today, send, report)
    from community_hub.referrals.reminders import follow_up_reminders

    follow_up_reminders(today, send, report)
    return report
