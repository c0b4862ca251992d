"""Which checks and training a placement needs, and whether a volunteer has them today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, or_, select

from community_hub.dates import long_date
from community_hub.extensions import db
from community_hub.volunteers.models import Stage, Volunteer
from community_hub.volunteers.placement_models import Placement, PlacementStatus
from community_hub.volunteers.requirement_models import (
    Check,
    CheckStatus,
    RequirementType,
    RoleRequirement,
)

# The role whose requirements also apply before a volunteer may go with a client.
ACCOMPANY_ROLE = "accompanying"
ACCOMPANYING_STAGES = {Stage.ACTIVE.value, Stage.PEER_MENTOR.value, Stage.RECOVERY_CHAMPION.value}


def requirements_for(organisation_id: int, role: str, host_id: int | None) -> list[RequirementType]:
    """Requirements the programme sets for this role (or every role), at this host (or any)."""
    host_clause: ColumnElement[bool] = RoleRequirement.host_organisation_id.is_(None)
    if host_id is not None:
        host_clause = or_(host_clause, RoleRequirement.host_organisation_id == host_id)
    stmt = (
        select(RequirementType)
        .join(RoleRequirement, RoleRequirement.requirement_type_id == RequirementType.id)
        .where(
            RequirementType.organisation_id == organisation_id,
            or_(RoleRequirement.role == "", RoleRequirement.role == role),
            host_clause,
        )
        .order_by(RequirementType.name)
        .distinct()
    )
    return list(db.session.scalars(stmt))


def latest_checks(volunteer_id: int) -> dict[int, Check]:
    """Each requirement's most recent check for a volunteer (the last recorded of a day's)."""
    latest: dict[int, Check] = {}
    checks = db.session.scalars(
        select(Check)
        .where(Check.volunteer_id == volunteer_id)
        .order_by(Check.completed_on, Check.id)
    )
    for check in checks:
        latest[check.requirement_type_id] = check
    return latest


@dataclass(frozen=True)
class Gap:
    requirement: RequirementType
    status: CheckStatus
    check: Check | None

    def describe(self) -> str:
        if self.status == CheckStatus.MISSING:
            return _("%(requirement)s: not recorded", requirement=self.requirement.shown_name)
        assert self.check is not None and self.check.expires_on is not None
        return _(
            "%(requirement)s: expired on %(date)s",
            requirement=self.requirement.shown_name,
            date=long_date(self.check.expires_on),
        )

    @property
    def description(self) -> str:
        return self.describe()


def gaps(volunteer: Volunteer, role: str, host_id: int | None, today: date) -> list[Gap]:
    """Requirements for the role and host that are missing or no longer valid today."""
    checks = latest_checks(volunteer.id)
    found = []
    for requirement in requirements_for(volunteer.organisation_id, role, host_id):
        check = checks.get(requirement.id)
        if check is None:
            found.append(Gap(requirement, CheckStatus.MISSING, None))
        elif not check.valid_on(today):
            found.append(Gap(requirement, CheckStatus.EXPIRED, check))
    return found


def supervision_due(placement: Placement) -> date | None:
    """When the next supervision is due for an active placement (None if not active)."""
    if placement.status != PlacementStatus.ACTIVE.value:
        return None
    last = max((s.held_on for s in placement.supervisions), default=placement.started_on)
    if last is None:
        return None
    return last + timedelta(days=placement.supervision_every_days)


def supervision_overdue(placement: Placement, today: date) -> bool:
    due = supervision_due(placement)
    return due is not None and due < today


@dataclass(frozen=True)
class Clearance:
    cleared: bool
    reasons: tuple[str, ...]


def may_accompany(volunteer: Volunteer, today: date) -> Clearance:
    """Whether this volunteer may go with a client today, and if not, why not.

    Cleared means: not paused, at an accompanying stage, in an active placement, every
    requirement for that placement's role and for accompanying current, supervision not overdue.
    """
    reasons: list[str] = []
    if volunteer.is_paused:
        reasons.append(_("paused"))
    if volunteer.stage not in ACCOMPANYING_STAGES:
        reasons.append(_("stage is %(stage)s", stage=volunteer.stage_label))
    active = db.session.scalars(
        select(Placement).where(
            Placement.volunteer_id == volunteer.id,
            Placement.status == PlacementStatus.ACTIVE.value,
        )
    ).all()
    if not active:
        reasons.append(_("no active placement"))
    for placement in active:
        for role in (placement.role, ACCOMPANY_ROLE):
            reasons.extend(
                g.describe() for g in gaps(volunteer, role, placement.host_organisation_id, today)
            )
        if supervision_overdue(placement, today):
            reasons.append(_("supervision overdue at %(host)s", host=placement.host.name))
    unique = tuple(dict.fromkeys(reasons))
    return Clearance(not unique, unique)
