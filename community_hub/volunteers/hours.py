"""Hours: volunteers log them against a placement; coordinators approve or decline."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from community_hub.auth.models import User, utcnow
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.numbers import parse_decimal
from community_hub.volunteers.placement_models import (
    HoursLog,
    HoursStatus,
    Placement,
    PlacementStatus,
    SupervisionSession,
)

MAX_HOURS_A_DAY = Decimal(16)


def log_hours(
    placement: Placement, worked_on: date, hours: str, description: str, today: date
) -> HoursLog:
    """A volunteer's own record of time given; it waits for a coordinator's approval."""
    errors: dict[str, str] = {}
    parsed = parse_decimal(hours)
    amount = parsed if parsed is not None else Decimal(-1)
    if parsed is None:
        errors["hours"] = "Enter the hours as a number, for example 2.5."
    if "hours" not in errors and not (Decimal("0.25") <= amount <= MAX_HOURS_A_DAY):
        errors["hours"] = "Enter between 0.25 and 16 hours for one day."
    elif "hours" not in errors and (amount * 4) % 1 != 0:
        errors["hours"] = "Round to the nearest quarter hour, for example 1.75."
    if worked_on > today:
        errors["worked_on"] = "The date cannot be in the future."
    if placement.status not in (
        PlacementStatus.ACTIVE.value,
        PlacementStatus.ON_HOLD.value,
        PlacementStatus.ENDED.value,
    ):
        errors["placement"] = "Hours can only be logged against a placement that has started."
    elif placement.started_on and worked_on < placement.started_on:
        errors["worked_on"] = "That date is before the placement started."
    if errors:
        raise ValidationFailed(errors)
    entry = HoursLog(
        volunteer_id=placement.volunteer_id,
        placement=placement,
        worked_on=worked_on,
        hours=amount,
        description=description.strip()[:2000],
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def review(entry: HoursLog, approve: bool, by: User, reason: str = "") -> None:
    if entry.status != HoursStatus.SUBMITTED.value:
        raise ValidationFailed({"status": "These hours have already been reviewed."})
    if not approve and not reason.strip():
        raise ValidationFailed(
            {"reason": "Say why the hours are declined, so the volunteer knows."}
        )
    entry.status = HoursStatus.APPROVED.value if approve else HoursStatus.DECLINED.value
    entry.reviewed_by_id = by.id
    entry.reviewed_at = utcnow()
    entry.decline_reason = reason.strip()[:2000]


def review_many(entries: list[HoursLog], approve: bool, by: User, reason: str = "") -> None:
    """Approve or decline several entries at once: all of them, or none if one cannot be."""
    if not entries:
        raise ValidationFailed({"entry": _("Tick the hours you want to approve or decline.")})
    for entry in entries:
        review(entry, approve, by, reason)


def approved_totals(entries: list[HoursLog]) -> dict[str, dict[object, Decimal]]:
    """Approved hours by volunteer, by placement and by month (keyed by its first day)."""
    totals: dict[str, dict[object, Decimal]] = {
        "volunteer": defaultdict(Decimal),
        "placement": defaultdict(Decimal),
        "month": defaultdict(Decimal),
    }
    for entry in entries:
        if entry.status != HoursStatus.APPROVED.value:
            continue
        totals["volunteer"][entry.volunteer_id] += entry.hours
        totals["placement"][entry.placement_id] += entry.hours
        totals["month"][entry.worked_on.replace(day=1)] += entry.hours
    return totals


def hours_for_organisation(organisation_id: int | None) -> list[HoursLog]:
    stmt = select(HoursLog).join(HoursLog.placement).order_by(HoursLog.worked_on.desc())
    if organisation_id is not None:
        stmt = stmt.where(Placement.organisation_id == organisation_id)
    return list(db.session.scalars(stmt))


def record_supervision(
    placement: Placement, held_on: date, kind: str, notes: str, by: User, today: date
) -> SupervisionSession:
    if held_on > today:
        raise ValidationFailed({"held_on": "The date cannot be in the future."})
    if kind not in ("one_to_one", "group", "observation"):
        raise ValidationFailed({"kind": "Choose one-to-one, group or observation."})
    session = SupervisionSession(
        placement=placement,
        held_on=held_on,
        kind=kind,
        notes=notes.strip()[:4000],
        recorded_by_id=by.id,
    )
    db.session.add(session)
    db.session.flush()
    return session
