"""People with accounts: who may see and change whom, role changes, leavers and returners.

Administrators manage everyone. Coordinators see their own organisation's people and manage
its workers and volunteers. A leaver is deactivated, never deleted: every session ends at once,
sign-in is refused, and what they recorded stays theirs, shown as a former member of staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from community_hub.accounts.invitations import NEEDS_ORGANISATION
from community_hub.auth.models import Organisation, Role, User, utcnow
from community_hub.auth.services import end_all_sessions
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import audit

SIGN_IN_CHOICES = ("never", "30", "90+")  # never signed in, within 30 days, not for 90 days


@dataclass
class PeopleFilter:
    role: str = ""
    organisation_id: int | None = None
    active: str = ""  # "", "yes" or "no"
    signed_in: str = ""  # "" or one of SIGN_IN_CHOICES


def visible_people(viewer: User, wanted: PeopleFilter) -> list[User]:
    """Everyone the viewer may see (their own organisation, for a coordinator), filtered."""
    stmt: Select[tuple[User]] = select(User)
    if viewer.role != Role.ADMIN.value:
        stmt = stmt.where(User.organisation_id == viewer.organisation_id)
    elif wanted.organisation_id is not None:
        stmt = stmt.where(User.organisation_id == wanted.organisation_id)
    if wanted.role in {r.value for r in Role}:
        stmt = stmt.where(User.role == wanted.role)
    if wanted.active in ("yes", "no"):
        stmt = stmt.where(User.active.is_(wanted.active == "yes"))
    now = utcnow()
    if wanted.signed_in == "never":
        stmt = stmt.where(User.last_login_at.is_(None))
    elif wanted.signed_in == "30":
        stmt = stmt.where(User.last_login_at >= now - timedelta(days=30))
    elif wanted.signed_in == "90+":
        stmt = stmt.where(User.last_login_at < now - timedelta(days=90))
    return list(db.session.scalars(stmt.order_by(func.lower(User.display_name), User.id)))


def may_see(viewer: User, person: User) -> bool:
    if viewer.role == Role.ADMIN.value:
        return True
    return viewer.role == Role.COORDINATOR.value and (
        person.organisation_id is not None and person.organisation_id == viewer.organisation_id
    )


def may_manage(viewer: User, person: User) -> bool:
    """Administrators manage anyone else; coordinators their own workers and volunteers."""
    if person.id == viewer.id:
        return False
    if viewer.role == Role.ADMIN.value:
        return True
    return may_see(viewer, person) and person.role in (Role.WORKER.value, Role.VOLUNTEER.value)


def _active_admins() -> int:
    return int(
        db.session.scalar(
            select(func.count(User.id)).where(User.role == Role.ADMIN.value, User.active.is_(True))
        )
        or 0
    )


def change_role(person: User, role: str, organisation: Organisation | None, by: User) -> None:
    """Give someone another role or organisation (administrators only)."""
    errors: dict[str, str] = {}
    if role not in {r.value for r in Role}:
        errors["role"] = _("Choose a role.")
    elif role in NEEDS_ORGANISATION and organisation is None:
        errors["organisation_id"] = _("Choose the organisation they will belong to.")
    elif role == Role.ADMIN.value and organisation is not None:
        errors["organisation_id"] = _("A site administrator belongs to no organisation.")
    if person.id == by.id and role != person.role:
        errors["role"] = _("You cannot change your own role: ask another administrator.")
    if errors:
        raise ValidationFailed(errors)
    before = f"{person.role} {person.organisation_id or '-'}"
    person.role = role
    person.organisation = organisation
    after = f"{person.role} {organisation.id if organisation else '-'}"
    if before != after:
        end_all_sessions(person)  # what they may see has changed: sign in again
        audit.record(by, "role_change", "user", person.id, f"{before} -> {after}")


def deactivate(person: User, by: User) -> None:
    """Switch off a leaver's account: every session ends now and sign-in is refused."""
    if person.id == by.id:
        raise ValidationFailed({"person": _("You cannot deactivate your own account.")})
    if person.role == Role.ADMIN.value and person.active and _active_admins() <= 1:
        raise ValidationFailed({"person": _("This is the only active administrator.")})
    if not person.active:
        return
    person.active = False
    person.deactivated_at = utcnow()
    end_all_sessions(person)
    audit.record(by, "deactivate", "user", person.id)


def reactivate(person: User, by: User) -> None:
    """Let a returner sign in again with their old password (or a reset)."""
    if person.active:
        return
    if person.organisation is not None and person.organisation.is_archived:
        raise ValidationFailed(
            {"person": _("Their organisation is archived: restore it first, or move them.")}
        )
    person.active = True
    person.deactivated_at = None
    audit.record(by, "reactivate", "user", person.id)
