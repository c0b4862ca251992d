"""CSV exports of one organisation's volunteers, checks, placements and hours (no emergency
contacts)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from community_hub.extensions import db
from community_hub.volunteers.hours import hours_for_organisation
from community_hub.volunteers.models import Stage, Volunteer
from community_hub.volunteers.placement_models import Placement
from community_hub.volunteers.requirements import latest_checks, supervision_due

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal | date | datetime | bool | None


def safe_cell(value: Cell) -> str:
    """Text as a spreadsheet will show it, never as a formula it would run."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | Decimal):
        return str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def _placements(organisation_id: int | None) -> list[Placement]:
    stmt = select(Placement).order_by(Placement.id)
    if organisation_id is not None:
        stmt = stmt.where(Placement.organisation_id == organisation_id)
    return list(db.session.scalars(stmt))


def volunteers_csv(organisation_id: int | None) -> str:
    stmt = select(Volunteer).order_by(Volunteer.first_name, Volunteer.id)
    if organisation_id is not None:
        stmt = stmt.where(Volunteer.organisation_id == organisation_id)
    header = [
        "id",
        "first_name",
        "stage",
        "paused_since",
        "contact_preference",
        "email",
        "phone",
        "languages",
        "availability",
        "skills",
        "joined",
    ]
    rows = (
        [
            v.id,
            v.first_name,
            v.stage,
            v.paused_at,
            v.contact_preference,
            v.email,
            v.phone,
            v.languages,
            v.availability,
            v.skills,
            v.created_at,
        ]
        for v in db.session.scalars(stmt)
    )
    return to_csv(header, rows)


def placements_csv(organisation_id: int | None) -> str:
    header = [
        "id",
        "volunteer_id",
        "volunteer",
        "host",
        "role",
        "supervisor",
        "status",
        "end_reason",
        "started_on",
        "ended_on",
        "supervision_every_days",
        "last_supervision",
        "next_supervision_due",
    ]
    rows = (
        [
            p.id,
            p.volunteer_id,
            p.volunteer.first_name,
            p.host.name,
            p.role,
            p.supervisor_name,
            p.status,
            p.end_reason,
            p.started_on,
            p.ended_on,
            p.supervision_every_days,
            max((s.held_on for s in p.supervisions), default=None),
            supervision_due(p),
        ]
        for p in _placements(organisation_id)
    )
    return to_csv(header, rows)


def hours_csv(organisation_id: int | None) -> str:
    header = [
        "id",
        "volunteer_id",
        "volunteer",
        "placement_id",
        "host",
        "worked_on",
        "hours",
        "status",
        "description",
        "reviewed_at",
        "decline_reason",
    ]
    rows = (
        [
            h.id,
            h.volunteer_id,
            h.volunteer.first_name,
            h.placement_id,
            h.placement.host.name,
            h.worked_on,
            h.hours,
            h.status,
            h.description,
            h.reviewed_at,
            h.decline_reason,
        ]
        for h in sorted(hours_for_organisation(organisation_id), key=lambda h: (h.worked_on, h.id))
    )
    return to_csv(header, rows)


def checks_csv(organisation_id: int | None, today: date) -> str:
    """Each volunteer's latest check of each requirement, with its status today."""
    stmt = select(Volunteer).where(Volunteer.stage != Stage.LEFT.value)
    if organisation_id is not None:
        stmt = stmt.where(Volunteer.organisation_id == organisation_id)
    header = [
        "volunteer_id", "volunteer", "requirement_code", "requirement", "completed_on",
        "expires_on", "status", "renewal_started_on", "dbs_level", "certificate_number",
        "update_service",
    ]  # fmt: skip
    rows = (
        [
            v.id, v.first_name, c.requirement_type.code, c.requirement_type.name,
            c.completed_on, c.expires_on, c.status(today).value, c.renewal_started_on,
            c.dbs_level, c.certificate_number, "yes" if c.update_service else "no",
        ]
        for v in db.session.scalars(stmt.order_by(Volunteer.first_name, Volunteer.id))
        for c in sorted(latest_checks(v.id).values(), key=lambda c: c.requirement_type.name)
    )  # fmt: skip
    return to_csv(header, rows)
