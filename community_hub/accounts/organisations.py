"""Organisations: created and kept by administrators; archived, never deleted.

An archived organisation keeps everything it recorded and its people keep their accounts,
but nobody new is invited to it and it is not offered when records are created.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from community_hub import slugs
from community_hub.auth.models import Organisation, OrganisationKind, User, utcnow
from community_hub.auth.services import EMAIL_RE
from community_hub.extensions import db
from community_hub.meetings.schedule import is_valid_timezone
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import audit

# A phone number as people write it: digits, spaces, brackets, dashes, a leading +.
DUTY_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,38}$")


@dataclass
class OrganisationData:
    name: str
    kind: str
    area: str = ""
    contact_email: str = ""
    timezone: str = "Europe/London"
    duty_phone: str = ""
    response_time: str = ""


def _validate(data: OrganisationData, current: Organisation | None) -> None:
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = _("Enter the organisation's name, as people know it.")
    elif len(name) > 200:
        errors["name"] = _("Use 200 characters or fewer.")
    else:
        clash = db.session.scalar(
            select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
        )
        if clash is not None and (current is None or clash != current.id):
            errors["name"] = _("There is already an organisation with this name.")
    if data.kind not in {k.value for k in OrganisationKind}:
        errors["kind"] = _("Choose what kind of organisation this is.")
    if len(data.area.strip()) > 120:
        errors["area"] = _("Use 120 characters or fewer.")
    email = data.contact_email.strip()
    if email and (not EMAIL_RE.match(email) or len(email) > 254):
        errors["contact_email"] = _(
            "Enter an email address like name@example.org, or leave it empty."
        )
    phone = data.duty_phone.strip()
    if phone and not DUTY_PHONE_RE.match(phone):
        errors["duty_phone"] = _(
            "Enter the duty line as a phone number, like 01302 555 0100, or leave it empty."
        )
    if len(data.response_time.strip()) > 200:
        errors["response_time"] = _("Use 200 characters or fewer.")
    if not is_valid_timezone(data.timezone.strip()):
        errors["timezone"] = _("Choose a time zone such as Europe/London.")
    if errors:
        raise ValidationFailed(errors)


def _apply(organisation: Organisation, data: OrganisationData) -> None:
    organisation.name = data.name.strip()
    organisation.kind = data.kind
    organisation.area = data.area.strip()
    organisation.contact_email = data.contact_email.strip().lower()
    organisation.timezone = data.timezone.strip()
    organisation.duty_phone = " ".join(data.duty_phone.split())
    organisation.response_time = " ".join(data.response_time.split())


def create_organisation(data: OrganisationData, by: User) -> Organisation:
    """Add an organisation; its slug comes from its name and never changes."""
    _validate(data, None)
    organisation = Organisation(
        slug=slugs.unique_slug(Organisation.slug, data.name, fallback="org")
    )
    _apply(organisation, data)
    db.session.add(organisation)
    db.session.flush()
    audit.record(by, "create", "organisation", organisation.id, organisation.name)
    return organisation


def update_organisation(organisation: Organisation, data: OrganisationData, by: User) -> None:
    """Correct an organisation's details (its slug, used in imports, stays)."""
    _validate(data, organisation)
    _apply(organisation, data)
    audit.record(by, "update", "organisation", organisation.id, organisation.name)


def set_archived(organisation: Organisation, archived: bool, by: User) -> None:
    """Archive (or restore) an organisation."""
    if archived and organisation.archived_at is None:
        organisation.archived_at = utcnow()
        audit.record(by, "archive", "organisation", organisation.id)
    elif not archived and organisation.archived_at is not None:
        organisation.archived_at = None
        audit.record(by, "restore", "organisation", organisation.id)


def organisations(include_archived: bool = False) -> list[Organisation]:
    stmt = select(Organisation).order_by(func.lower(Organisation.name))
    if not include_archived:
        stmt = stmt.where(Organisation.archived_at.is_(None))
    return list(db.session.scalars(stmt))
