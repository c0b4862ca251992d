"""Invitations: who may invite whom, the single-use link, and accepting it.

Administrators invite anyone. Coordinators invite workers and volunteers to their own
organisation only. The account is created when the person accepts, with the name and
password they choose; a volunteer's account is linked to their volunteer record.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from community_hub.accounts import tokens
from community_hub.accounts.labels import role_label
from community_hub.accounts.models import Invitation, InvitationStatus
from community_hub.auth.models import Organisation, Role, User, utcnow
from community_hub.auth.services import EMAIL_RE, AccountError, create_user, find_user
from community_hub.extensions import db
from community_hub.jobs import emails
from community_hub.jobs.outbox import LINK_RESOLVERS, enqueue, placeholder
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import audit
from community_hub.urls import site_url
from community_hub.volunteers.models import Volunteer

PURPOSE = "invitation"
NEEDS_ORGANISATION = (Role.COORDINATOR.value, Role.WORKER.value, Role.VOLUNTEER.value)


def grantable_roles(inviter: User | None) -> tuple[str, ...]:
    """The roles this person may invite someone to (None: the command line, at set-up)."""
    if inviter is None or inviter.role == Role.ADMIN.value:
        return tuple(r.value for r in Role)
    if inviter.role == Role.COORDINATOR.value:
        return (Role.WORKER.value, Role.VOLUNTEER.value)
    return ()


def _check(
    email: str, role: str, organisation: Organisation | None, by: User | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not EMAIL_RE.match(email) or len(email) > 254:
        errors["email"] = _("Enter an email address like name@example.org.")
    elif (existing := find_user(email)) is not None:
        errors["email"] = (
            _("There is already an account for this address.")
            if existing.active
            else _("This address belongs to a former member: reactivate their account instead.")
        )
    if role not in grantable_roles(by):
        errors["role"] = _("Choose one of the roles you may invite someone to.")
    elif role in NEEDS_ORGANISATION and organisation is None:
        errors["organisation_id"] = _("Choose the organisation they will belong to.")
    elif role == Role.ADMIN.value and organisation is not None:
        errors["organisation_id"] = _("A site administrator belongs to no organisation.")
    if organisation is not None and organisation.is_archived:
        errors["organisation_id"] = _("That organisation is archived: restore it first.")
    if (
        by is not None
        and by.role == Role.COORDINATOR.value
        and (organisation is None or organisation.id != by.organisation_id)
    ):
        errors["organisation_id"] = _("You can invite people to your own organisation only.")
    return errors


def invite(
    email: str,
    role: str,
    organisation: Organisation | None,
    by: User | None,
    volunteer: Volunteer | None = None,
) -> tuple[Invitation, str]:
    """Make an invitation and queue its email; returns it and the link (for the command line).

    An earlier invitation to the same address that is still open stops working.
    """
    email = email.strip().lower()
    errors = _check(email, role, organisation, by)
    if volunteer is not None and volunteer.user_id is not None:
        errors["volunteer"] = _("This volunteer can already sign in.")
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    db.session.execute(
        update(Invitation)
        .where(
            func.lower(Invitation.email) == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    hours = int(current_app.config["INVITATION_HOURS"])
    invitation = Invitation(
        email=email,
        role=role,
        organisation=organisation,
        volunteer_id=volunteer.id if volunteer is not None else None,
        invited_by=by,
        nonce=tokens.new_nonce(),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    db.session.add(invitation)
    db.session.flush()
    token = tokens.token_for(PURPOSE, invitation.id, invitation.nonce)
    invitation.token_hash = tokens.hashed(token)
    enqueue(
        email,
        emails.invitation,
        locale=by.language if by is not None else None,
        link=placeholder(PURPOSE, invitation.id),
        inviter=by.display_name if by is not None else "",
        role=role_label(role),
        organisation=organisation.name if organisation is not None else "",
        hours=hours,
    )
    audit.record(by, "invite", "invitation", invitation.id, f"{role} {email}")
    return invitation, site_url("accounts.accept", token=token)


def _link(invitation_id: int) -> str | None:
    """The invitation's link at sending time, or None if it can no longer be used."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.status() != InvitationStatus.PENDING:
        return None
    token = tokens.token_for(PURPOSE, invitation.id, invitation.nonce)
    return site_url("accounts.accept", token=token)


LINK_RESOLVERS[PURPOSE] = _link


def find_pending(token: str) -> Invitation | None:
    """The open invitation this link belongs to, or None (unknown, used, revoked, expired)."""
    invitation = tokens.row_for(Invitation, token)
    if invitation is None or invitation.status() != InvitationStatus.PENDING:
        return None
    return invitation


def accept(invitation: Invitation, display_name: str, password: str, language: str) -> User:
    """Create the invited person's account, once; links a volunteer's record to it."""
    errors: dict[str, str] = {}
    display_name = display_name.strip()
    if not display_name:
        errors["display_name"] = _("Enter the name you would like colleagues to see.")
    elif len(display_name) > 100:
        errors["display_name"] = _("Use 100 characters or fewer.")
    if errors:
        raise ValidationFailed(errors)
    # Single use, even when two tabs submit at once: only one update finds it open.
    claimed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow())
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        raise ValidationFailed({"token": _("This invitation has already been used.")})
    try:
        user = create_user(
            invitation.email, password, invitation.role, display_name, invitation.organisation
        )
    except AccountError as error:
        raise ValidationFailed({"password": str(error)}) from error
    user.language = language
    invitation.accepted_user_id = user.id
    volunteer = _record_for(invitation)
    if volunteer is not None:
        volunteer.user_id = user.id
    audit.record(user, "accept", "invitation", invitation.id, invitation.role)
    return user


def _record_for(invitation: Invitation) -> Volunteer | None:
    """The volunteer record a new volunteer account belongs to: the one invited from, or the
    only unlinked record of that organisation with the same email address."""
    if invitation.volunteer_id is not None:
        named = db.session.get(Volunteer, invitation.volunteer_id)
        return named if named is not None and named.user_id is None else None
    if invitation.role != Role.VOLUNTEER.value or invitation.organisation_id is None:
        return None
    same = db.session.scalars(
        select(Volunteer).where(
            Volunteer.organisation_id == invitation.organisation_id,
            func.lower(Volunteer.email) == invitation.email,
            Volunteer.user_id.is_(None),
        )
    ).all()
    return same[0] if len(same) == 1 else None


def revoke(invitation: Invitation, by: User) -> None:
    """Stop an open invitation working; an email not yet sent is not sent."""
    if invitation.status() == InvitationStatus.PENDING:
        invitation.revoked_at = utcnow()
        audit.record(by, "revoke", "invitation", invitation.id, invitation.email)


def pending_for(organisation_id: int | None, include_expired: bool = False) -> list[Invitation]:
    """Invitations not yet accepted or revoked (of one organisation, or all), newest first."""
    stmt = select(Invitation).where(
        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None)
    )
    if not include_expired:
        stmt = stmt.where(Invitation.expires_at > utcnow())
    if organisation_id is not None:
        stmt = stmt.where(Invitation.organisation_id == organisation_id)
    return list(db.session.scalars(stmt.order_by(Invitation.created_at.desc())))
