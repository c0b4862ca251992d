"""One volunteer's record gathered for a page: checks, placements, courses, hours, what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from community_hub.accounts.models import Invitation
from community_hub.auth.models import utcnow
from community_hub.extensions import db
from community_hub.people.models import PeerSupporter
from community_hub.volunteers.course_models import Enrolment
from community_hub.volunteers.dashboard import EXPIRY_HORIZON_DAYS, requirement_types
from community_hub.volunteers.links import peer_of
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.placement_models import (
    HoursLog,
    HoursStatus,
    Placement,
    PlacementStatus,
)
from community_hub.volunteers.requirement_models import Check, CheckStatus, RequirementType
from community_hub.volunteers.requirements import (
    Clearance,
    latest_checks,
    may_accompany,
    supervision_due,
)

# Placements a volunteer can log hours against from their own page.
LOGGABLE = (PlacementStatus.ACTIVE.value, PlacementStatus.ON_HOLD.value)


@dataclass(frozen=True)
class CheckLine:
    requirement: RequirementType
    check: Check | None
    status: CheckStatus


@dataclass(frozen=True)
class Due:
    """Something a volunteer needs to do or know about, with its date."""

    what: str
    on: date
    overdue: bool


@dataclass(frozen=True)
class Profile:
    volunteer: Volunteer
    checks: list[CheckLine]
    placements: list[Placement]
    enrolments: list[Enrolment]
    hours: list[HoursLog]
    approved_hours: Decimal
    due: list[Due]
    clearance: Clearance
    peer: PeerSupporter | None = None  # the public profile linked to this record
    invitation: Invitation | None = None  # an open invitation to sign in

    @property
    def loggable_placements(self) -> list[Placement]:
        return [p for p in self.placements if p.status in LOGGABLE]


def check_lines(volunteer: Volunteer, today: date) -> list[CheckLine]:
    """Every requirement the organisation uses, with this volunteer's latest check (or none)."""
    latest = latest_checks(volunteer.id)
    lines = []
    for requirement in requirement_types(volunteer.organisation_id):
        check = latest.get(requirement.id)
        status = check.status(today) if check is not None else CheckStatus.MISSING
        lines.append(CheckLine(requirement, check, status))
    return lines


def due_for(volunteer: Volunteer, today: date, horizon: int = EXPIRY_HORIZON_DAYS) -> list[Due]:
    """A volunteer's checks expiring soon or expired, and their next supervision."""
    items = []
    for check in latest_checks(volunteer.id).values():
        if check.expires_on is not None and check.expires_on <= today + timedelta(days=horizon):
            name = check.requirement_type.shown_name
            items.append(Due(name, check.expires_on, check.expires_on < today))
    placements = db.session.scalars(
        select(Placement).where(
            Placement.volunteer_id == volunteer.id,
            Placement.status == PlacementStatus.ACTIVE.value,
        )
    )
    for placement in placements:
        due = supervision_due(placement)
        if due is not None:
            items.append(Due(f"Supervision: {placement.host.name}", due, due < today))
    return sorted(items, key=lambda d: d.on)


def profile(volunteer: Volunteer, today: date) -> Profile:
    placements = db.session.scalars(
        select(Placement)
        .where(Placement.volunteer_id == volunteer.id)
        .order_by(Placement.created_at.desc(), Placement.id.desc())
    ).all()
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.volunteer_id == volunteer.id).order_by(Enrolment.id)
    ).all()
    hours = db.session.scalars(
        select(HoursLog)
        .where(HoursLog.volunteer_id == volunteer.id)
        .order_by(HoursLog.worked_on.desc(), HoursLog.id.desc())
    ).all()
    approved = sum((h.hours for h in hours if h.status == HoursStatus.APPROVED.value), Decimal(0))
    return Profile(
        volunteer=volunteer,
        checks=check_lines(volunteer, today),
        placements=list(placements),
        enrolments=list(enrolments),
        hours=list(hours),
        approved_hours=approved,
        due=due_for(volunteer, today),
        clearance=may_accompany(volunteer, today),
        peer=peer_of(volunteer),
        invitation=_open_invitation(volunteer),
    )


def _open_invitation(volunteer: Volunteer) -> Invitation | None:
    return db.session.scalar(
        select(Invitation)
        .where(
            Invitation.volunteer_id == volunteer.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.id.desc())
        .limit(1)
    )
