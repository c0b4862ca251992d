"""Volunteers' records: joining, moving stage, pausing, and recording checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from community_hub.auth.models import Organisation, User, utcnow
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.volunteers.models import Source, Stage, StageChange, Volunteer
from community_hub.volunteers.placements import hold_uncleared
from community_hub.volunteers.requirement_models import (
    Check,
    DbsLevel,
    RequirementKind,
    RequirementType,
)

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{6,30}$")
CONTACT_PREFERENCES = ("email", "phone", "text", "post", "none")


@dataclass
class VolunteerData:
    first_name: str
    email: str = ""
    phone: str = ""
    contact_preference: str = "email"
    availability: str = ""
    languages: str = "en"
    skills: str = ""
    gender: str = ""
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""


def validate_volunteer(data: VolunteerData) -> None:
    """Raise ValidationFailed, one message per field, unless the details may be saved."""
    errors: dict[str, str] = {}
    if not data.first_name.strip():
        errors["first_name"] = _("Enter the volunteer's first name (or the name they use).")
    elif len(data.first_name) > 60:
        errors["first_name"] = _("Use 60 characters or fewer.")
    if data.email.strip() and not EMAIL_RE.match(data.email.strip()):
        errors["email"] = _("Enter an email like name@example.org, or leave it empty.")
    for name in ("phone", "emergency_contact_phone"):
        value = getattr(data, name).strip()
        if value and not PHONE_RE.match(value):
            errors[name] = _("A phone number may only hold digits, spaces and + ( ) -.")
    if data.contact_preference not in CONTACT_PREFERENCES:
        errors["contact_preference"] = _("Choose how they would like to be contacted.")
    elif data.contact_preference == "email" and not data.email.strip():
        errors["email"] = _("They prefer email: add their email address, or choose another way.")
    elif data.contact_preference in ("phone", "text") and not data.phone.strip():
        errors["phone"] = _("They prefer phone or text: add their number, or choose another way.")
    if errors:
        raise ValidationFailed(errors)


def _apply(volunteer: Volunteer, data: VolunteerData) -> None:
    for name in VolunteerData.__dataclass_fields__:
        value = getattr(data, name)
        setattr(volunteer, name, value.strip() if isinstance(value, str) else value)
    codes = [c.strip().lower() for c in data.languages.replace(" ", ",").split(",") if c.strip()]
    volunteer.languages = ",".join(dict.fromkeys(codes)) or "en"


def add_volunteer(
    data: VolunteerData,
    organisation: Organisation,
    by: User | None,
    reason: str = "",
    source: str = Source.STAFF.value,
) -> Volunteer:
    """A new volunteer starts at enquiry; the first history row says who added them (and how)."""
    validate_volunteer(data)
    volunteer = Volunteer(organisation=organisation, stage=Stage.ENQUIRY.value, source=source)
    _apply(volunteer, data)
    db.session.add(volunteer)
    db.session.add(
        StageChange(
            volunteer=volunteer, to_stage=Stage.ENQUIRY.value, changed_by=by, reason=reason.strip()
        )
    )
    db.session.flush()
    return volunteer


def update_volunteer(volunteer: Volunteer, data: VolunteerData) -> None:
    validate_volunteer(data)
    _apply(volunteer, data)
    db.session.flush()


def change_stage(volunteer: Volunteer, to: str, by: User | None, reason: str = "") -> None:
    """Move a volunteer along (or back along) the pathway, keeping the history."""
    if to not in {s.value for s in Stage}:
        raise ValidationFailed({"stage": "Choose a stage from the list."})
    if to == volunteer.stage:
        raise ValidationFailed({"stage": f"{volunteer.first_name} is already at that stage."})
    db.session.add(
        StageChange(
            volunteer=volunteer,
            from_stage=volunteer.stage,
            to_stage=to,
            changed_by=by,
            reason=reason.strip()[:2000],
        )
    )
    volunteer.stage = to
    db.session.flush()


def pause(volunteer: Volunteer, reason: str, today: date) -> None:
    """Pause at any time: the record stays, matching stops, active placements go on hold."""
    if volunteer.is_paused:
        raise ValidationFailed({"pause": f"{volunteer.first_name} is already paused."})
    volunteer.paused_at = utcnow()
    volunteer.pause_reason = reason.strip()[:2000]
    hold_uncleared(today, volunteer.organisation_id)


def resume(volunteer: Volunteer) -> None:
    volunteer.paused_at = None
    volunteer.pause_reason = ""


def check_problems(
    organisation_id: int,
    requirement: RequirementType,
    completed_on: date,
    today: date,
    *,
    dbs_level: str = "",
    certificate_number: str = "",
    expires_on: date | None = None,
) -> dict[str, str]:
    """Why a check could not be recorded for a volunteer of this organisation (empty: it can)."""
    errors: dict[str, str] = {}
    if requirement.organisation_id != organisation_id:
        errors["requirement"] = _("Choose one of your organisation's requirements.")
    if completed_on > today:
        errors["completed_on"] = _("The date cannot be in the future.")
    if expires_on is not None and expires_on < completed_on:
        errors["expires_on"] = _("The expiry date cannot be before the date completed.")
    if requirement.kind == RequirementKind.DBS.value:
        if dbs_level not in {level.value for level in DbsLevel}:
            errors["dbs_level"] = _("Choose the DBS check level.")
        if not re.fullmatch(r"[0-9]{12}", certificate_number.strip()):
            errors["certificate_number"] = _("A DBS certificate number is 12 digits.")
    return errors


def record_check(
    volunteer: Volunteer,
    requirement: RequirementType,
    completed_on: date,
    by: User | None,
    today: date,
    *,
    dbs_level: str = "",
    certificate_number: str = "",
    update_service: bool = False,
    notes: str = "",
    expires_on: date | None = None,
) -> Check:
    """Record that a volunteer met a requirement; it expires by its validity, or on `expires_on`."""
    errors = check_problems(
        volunteer.organisation_id,
        requirement,
        completed_on,
        today,
        dbs_level=dbs_level,
        certificate_number=certificate_number,
        expires_on=expires_on,
    )
    if errors:
        raise ValidationFailed(errors)
    expires = expires_on or (
        completed_on + timedelta(days=requirement.validity_days)
        if requirement.validity_days
        else None
    )
    check = Check(
        volunteer=volunteer,
        requirement_type=requirement,
        completed_on=completed_on,
        expires_on=expires,
        dbs_level=dbs_level,
        certificate_number=certificate_number.strip(),
        update_service=update_service,
        notes=notes.strip()[:2000],
        recorded_by=by,
    )
    db.session.add(check)
    # A new check completes any renewal that was in flight for the same requirement.
    for older in db.session.scalars(
        select(Check).where(
            Check.volunteer_id == volunteer.id,
            Check.requirement_type_id == requirement.id,
            Check.renewal_started_on.is_not(None),
        )
    ):
        older.renewal_started_on = None
    db.session.flush()
    return check


def start_renewal(check: Check, today: date) -> None:
    """Mark a renewal as in progress: reminders pause, nothing is blocked by it."""
    if check.expires_on is None:
        raise ValidationFailed({"check": _("This does not expire, so it needs no renewal.")})
    if check.completed_on >= today:
        raise ValidationFailed(
            {"check": _("This was only just recorded: it needs no renewal yet.")}
        )
    check.renewal_started_on = today


def volunteers_for(user: User, include_left: bool = True) -> list[Volunteer]:
    """A coordinator's organisation's volunteers (all, for admins)."""
    stmt = select(Volunteer).order_by(Volunteer.first_name, Volunteer.id)
    if user.role != "admin":
        stmt = stmt.where(Volunteer.organisation_id == user.organisation_id)
    if not include_left:
        stmt = stmt.where(Volunteer.stage != Stage.LEFT.value)
    return list(db.session.scalars(stmt))
