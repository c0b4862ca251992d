"""Reminders about volunteers: checks about to expire and overdue supervision.

Each is queued once per cycle through the outbox (community_hub/jobs/outbox.py enqueue_once),
where the cycle is the date being warned about: a new check or a new supervision session
starts a new cycle. A check with a renewal in progress gets no reminders.
"""

from __future__ import annotations

from datetime import date

from community_hub.jobs import emails
from community_hub.jobs.models import OutboxMessage
from community_hub.jobs.outbox import coordinators_of, enqueue_once
from community_hub.urls import site_url
from community_hub.volunteers.dashboard import CheckRow, current_checks, overdue_supervision
from community_hub.volunteers.placement_models import Placement
from community_hub.volunteers.requirements import supervision_due

DEFAULT_OFFSETS = (60, 30, 7)
CHECK_EXPIRY = "check_expiry"
SUPERVISION_OVERDUE = "supervision_overdue"


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


def _check_reminders(row: CheckRow, offset: int, today: date) -> list[OutboxMessage | None]:
    volunteer, check = row.volunteer, row.check
    assert check.expires_on is not None
    facts = {
        "check": check.requirement_type.name,
        "expires": check.expires_on,
        "days_left": row.days_left,
    }
    key = (CHECK_EXPIRY, check.id, check.expires_on.isoformat(), offset)
    queued = []
    # A paused volunteer is not chased: their own recovery comes first. Staff still hear.
    if volunteer.email and volunteer.contact_preference != "none" and not volunteer.is_paused:
        language = volunteer.user.language if volunteer.user is not None else None
        queued.append(
            enqueue_once(
                key, volunteer.email, emails.check_expiring_volunteer, today,
                locale=language, name=volunteer.first_name, **facts,
            )
        )  # fmt: skip
    link = site_url("volunteers.volunteer", volunteer_id=volunteer.id)
    for coordinator in coordinators_of(volunteer.organisation_id):
        queued.append(
            enqueue_once(
                key, coordinator, emails.check_expiring_coordinator, today,
                name=coordinator.display_name, volunteer=volunteer.first_name, link=link,
                **facts,
            )
        )  # fmt: skip
    return queued


def _supervision_reminders(placement: Placement, today: date) -> list[OutboxMessage | None]:
    due = supervision_due(placement)
    assert due is not None
    key = (SUPERVISION_OVERDUE, placement.id, due.isoformat(), 0)
    link = site_url("volunteers.placement", placement_id=placement.id)
    return [
        enqueue_once(
            key, coordinator, emails.supervision_overdue, today,
            name=coordinator.display_name, volunteer=placement.volunteer.first_name,
            host=placement.host.name, due=due, days_late=(today - due).days, link=link,
        )
        for coordinator in coordinators_of(placement.organisation_id)
    ]  # fmt: skip


def volunteer_reminders(today: date, offsets: tuple[int, ...]) -> list[OutboxMessage]:
    """Queue every check and supervision reminder due today that was not queued yet."""
    queued: list[OutboxMessage | None] = []
    for row in current_checks(None, today):
        if row.check.renewal_started_on is not None:
            continue
        offset = offset_reached(row.days_left, offsets)
        if offset is not None:
            queued += _check_reminders(row, offset, today)
    for placement in overdue_supervision(None, today):
        queued += _supervision_reminders(placement, today)
    return [message for message in queued if message is not None]
