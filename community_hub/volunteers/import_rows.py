"""What each row of a volunteers spreadsheet would do: match, check, and plan the changes.

The matching rule is in importing.py's docstring. Rows are checked with the volunteer
services' own rules (validate_volunteer, check_problems), so the import refuses exactly what
the volunteer form and the check form refuse.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from community_hub.meetings.services import ValidationFailed
from community_hub.volunteers import services
from community_hub.volunteers.forms import CONTACT_LABELS, DBS_LABELS
from community_hub.volunteers.import_cells import Cells, choices
from community_hub.volunteers.models import STAGE_LABELS, Stage, Volunteer
from community_hub.volunteers.requirement_models import RequirementType

CONTACT_FIELDS = tuple(f for f in services.VolunteerData.__dataclass_fields__ if f != "first_name")
LIMITS = {
    "email": 254, "phone": 40, "availability": 2000, "skills": 4000, "gender": 60,
    "emergency_contact_name": 100, "emergency_contact_phone": 40,
}  # fmt: skip
# Where the check service's complaints belong in the file.
CHECK_COLUMNS = {
    "requirement": "check", "completed_on": "check", "expires_on": "expires",
    "dbs_level": "dbs_level", "certificate_number": "certificate",
}  # fmt: skip


@dataclass
class PlannedCheck:
    requirement: RequirementType
    completed_on: date
    expires_on: date | None
    dbs_level: str
    certificate_number: str
    update_service: bool


@dataclass
class Planned:
    data: services.VolunteerData
    stage: str
    volunteer: Volunteer | None  # None: a new volunteer
    checks: list[PlannedCheck]
    changed: bool


def _phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return "0" + digits[2:] if phone.strip().startswith("+44") else digits


class Matcher:
    """The organisation's volunteers by email, and by first name and phone."""

    def __init__(self, volunteers: list[Volunteer]):
        self.by_email: dict[str, list[Volunteer]] = defaultdict(list)
        self.by_phone: dict[tuple[str, str], list[Volunteer]] = defaultdict(list)
        for volunteer in volunteers:
            if volunteer.email:
                self.by_email[volunteer.email.strip().lower()].append(volunteer)
            if volunteer.phone:
                key = (volunteer.first_name.strip().lower(), _phone_key(volunteer.phone))
                self.by_phone[key].append(volunteer)

    def find(self, first_name: str, email: str, phone: str) -> tuple[str, list[Volunteer]]:
        """The column matched on, and the volunteers it matched (none: a new volunteer)."""
        if email and self.by_email.get(email.lower()):
            return "email", self.by_email[email.lower()]
        if phone and first_name:
            return "phone", self.by_phone.get((first_name.lower(), _phone_key(phone)), [])
        return "email" if email else "phone", []


@dataclass
class RowContext:
    """What every row is checked against: today, the checks on record, the allowed words."""

    today: date
    recorded: set[tuple[int, int, date]]
    stages: dict[str, str] = field(default_factory=lambda: choices(STAGE_LABELS))
    contact: dict[str, str] = field(default_factory=lambda: choices(CONTACT_LABELS))
    dbs_levels: dict[str, str] = field(default_factory=lambda: choices(DBS_LABELS))


def _checks(
    cells: Cells, layout: dict[str, RequirementType], volunteer: Volunteer | None, ctx: RowContext
) -> list[PlannedCheck]:
    planned = []
    for code, requirement in layout.items():
        completed, expires = cells.date(f"check:{code}"), cells.date(f"expires:{code}")
        level = cells.choice(f"dbs_level:{code}", ctx.dbs_levels)
        number = cells.text(f"certificate:{code}", 40)
        update_service = cells.flag(f"update_service:{code}")
        if completed is None:
            if expires or level or number or update_service:
                cells.problem(
                    f"check:{code}",
                    _("Fill in the date completed, or leave %(code)s out.", code=code),
                )
            continue
        problems = services.check_problems(
            requirement.organisation_id, requirement, completed, ctx.today,
            dbs_level=level, certificate_number=number, expires_on=expires,
        )  # fmt: skip
        if "certificate_number" in problems and number.isdigit():
            problems["certificate_number"] += " " + _(
                "A spreadsheet may have dropped its leading zeros: format the column as text."
            )
        for key, message in problems.items():
            cells.problem(f"{CHECK_COLUMNS.get(key, 'check')}:{code}", message)
        if volunteer is None or (volunteer.id, requirement.id, completed) not in ctx.recorded:
            planned.append(
                PlannedCheck(requirement, completed, expires, level, number, update_service)
            )
    return planned


def plan_row(
    cells: Cells, layout: dict[str, RequirementType], matcher: Matcher, ctx: RowContext
) -> tuple[Planned, list[str]] | None:
    """What this row would do (None: it has problems), and the keys it is known by; a later
    row whose first key is one of them is the same volunteer again."""
    first_name = cells.text("first_name", 60)
    values = {name: cells.text(name, limit, "phone" in name) for name, limit in LIMITS.items()}
    values["languages"] = cells.languages("languages")
    values["contact_preference"] = cells.choice("contact_preference", ctx.contact)
    stage = cells.choice("stage", ctx.stages) or Stage.ENQUIRY.value
    email, phone = values["email"], values["phone"]
    if not email and not phone:
        cells.problem(
            "email", _("Give an email or a phone number, so the volunteer is known next time.")
        )
    column, found = matcher.find(first_name, email, phone)
    if len(found) > 1:
        cells.problem(
            column,
            _(
                "%(n)d volunteers already recorded match this: correct them on their pages first.",
                n=len(found),
            ),
        )
    volunteer = found[0] if len(found) == 1 else None
    if volunteer is None:
        values["contact_preference"] = values["contact_preference"] or (
            "phone" if phone and not email else "email"
        )
        values["languages"] = values["languages"] or "en"
        data = services.VolunteerData(first_name=first_name, **values)
    else:
        data = services.VolunteerData(first_name=volunteer.first_name)
        for name in CONTACT_FIELDS:
            setattr(data, name, values[name] or getattr(volunteer, name))
    try:
        services.validate_volunteer(data)
    except ValidationFailed as failed:
        for name, message in failed.errors.items():
            cells.problem(name, message)
    checks = _checks(cells, layout, volunteer, ctx)
    if cells.row.stray:
        cells.problem("", _("There is a value in a column with no heading."))
    if cells.problems:
        return None
    changed = volunteer is None or any(
        getattr(data, name) != getattr(volunteer, name) for name in CONTACT_FIELDS
    )
    keys = [f"email:{email.lower()}"] if email else []
    keys += [f"phone:{first_name.lower()}:{_phone_key(phone)}"] if phone else []
    if volunteer is not None:
        keys.insert(0, f"id:{volunteer.id}")
    return Planned(data, stage, volunteer, checks, changed), keys
