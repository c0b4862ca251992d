"""Volunteers from a spreadsheet: check every row, report, then save in one transaction.

The columns and the formula guard are described in import_layout.py (and the README). Like the
meetings and resources imports, a dry run reports every problem by row (1 = the first row
after the header) and column, and nothing is saved when any row has a problem.

Matching, so that importing the same file again changes nothing: a row is the organisation's
existing volunteer with the same email (in any case); failing that, the one with the same
first name (in any case) and phone number (ignoring spaces, brackets and dashes, and +44
written for the leading 0). A matched volunteer's contact details are updated from the cells
that are not blank (a blank cell never erases anything; the first name and stage are left as
they are, so an older file never moves anyone back), and checks not yet recorded are added: a
check with the same requirement and completed date is never recorded twice. Anyone else is
added through the same service as the volunteer form, starting at enquiry and then moved to
their stage, and their stage history says they were imported from a spreadsheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from community_hub.auth.models import Organisation, User
from community_hub.cli import finish_import
from community_hub.extensions import db
from community_hub.interop.feed_import import RowError
from community_hub.meetings.services import ValidationFailed
from community_hub.volunteers import services
from community_hub.volunteers.import_cells import Cells
from community_hub.volunteers.import_layout import Sheet, SheetError, check_header, read_sheet
from community_hub.volunteers.import_rows import Matcher, Planned, RowContext, plan_row
from community_hub.volunteers.models import Source, Stage, Volunteer
from community_hub.volunteers.requirement_models import Check, RequirementType


@dataclass
class VolunteerImport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    checks: int = 0  # checks to record (new and existing volunteers)
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.updated)


def import_volunteers(
    sheet: Sheet, organisation: Organisation, by: User | None, apply: bool, today: date
) -> VolunteerImport:
    """Check every row; add and update volunteers (the caller commits) only if all pass."""
    requirements = db.session.scalars(
        select(RequirementType).where(RequirementType.organisation_id == organisation.id)
    )
    layout = check_header(sheet.columns, {r.code.lower(): r for r in requirements})
    volunteers = db.session.scalars(
        select(Volunteer).where(Volunteer.organisation_id == organisation.id)
    ).all()
    recorded = db.session.execute(
        select(Check.volunteer_id, Check.requirement_type_id, Check.completed_on)
        .join(Volunteer)
        .where(Volunteer.organisation_id == organisation.id)
    )
    ctx = RowContext(today, {(v, r, d) for v, r, d in recorded})
    matcher, report = Matcher(list(volunteers)), VolunteerImport()
    plans: list[tuple[int, Planned]] = []
    seen: dict[str, int] = {}
    for row in sheet.rows:
        cells = Cells(row)
        result = plan_row(cells, layout, matcher, ctx)
        if result is not None:
            planned, keys = result
            if keys[0] in seen:
                cells.problem("", _("The same volunteer is on row %(row)d.", row=seen[keys[0]]))
            seen |= {key: row.position for key in keys if key not in seen}
        name = row.cells.get("first_name", "")
        for column in sorted(cells.problems, key=lambda c: _order(sheet, c)):
            report.errors.append(
                RowError(row.position, name, _describe(column, cells.problems[column]))
            )
        if result is None or cells.problems:
            continue
        plans.append((row.position, planned))
        report.checks += len(planned.checks)
        if planned.volunteer is None:
            report.added.append(planned.data.first_name)
        elif planned.changed or planned.checks:
            report.updated.append(planned.data.first_name)
        else:
            report.unchanged += 1
    if apply and not report.errors:
        _save(plans, organisation, by, today, report)
    return report


def _order(sheet: Sheet, column: str) -> int:
    """Problems are listed in the file's column order (those of no column last)."""
    return sheet.columns.index(column) if column in sheet.columns else len(sheet.columns)


def _describe(column: str, message: str) -> str:
    return f"{column}: {message}" if column else message


def _save(
    plans: list[tuple[int, Planned]],
    organisation: Organisation,
    by: User | None,
    today: date,
    report: VolunteerImport,
) -> None:
    """Save every plan through the volunteer services; a refusal is reported, not saved."""
    reason = _("Imported from a spreadsheet.")
    for position, planned in plans:
        try:
            volunteer = planned.volunteer
            if volunteer is None:
                volunteer = services.add_volunteer(
                    planned.data, organisation, by, reason, source=Source.IMPORT.value
                )
                if planned.stage != Stage.ENQUIRY.value:
                    services.change_stage(volunteer, planned.stage, by, reason)
            elif planned.changed:
                services.update_volunteer(volunteer, planned.data)
            for check in planned.checks:
                services.record_check(
                    volunteer, check.requirement, check.completed_on, by, today,
                    dbs_level=check.dbs_level, certificate_number=check.certificate_number,
                    update_service=check.update_service, expires_on=check.expires_on,
                )  # fmt: skip
        except ValidationFailed as failed:  # the records changed since the rows were checked
            for column, message in failed.errors.items():
                report.errors.append(
                    RowError(position, planned.data.first_name, _describe(column, message))
                )
    if not report.errors:
        db.session.flush()
        report.applied = True


@click.command("import-volunteers")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--organisation", "organisation_slug", required=True, help="Organisation slug.")
@click.option("--apply", is_flag=True, help="Save the volunteers (default: a dry run).")
def import_volunteers_command(file: str, organisation_slug: str, apply: bool) -> None:
    """Import volunteers and their checks from a CSV FILE (dry run unless --apply)."""
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.slug == organisation_slug)
    )
    if organisation is None:
        raise click.UsageError(f"Unknown organisation slug {organisation_slug!r}.")
    zone = ZoneInfo(current_app.config.get("DEFAULT_TIMEZONE") or "UTC")
    try:
        with open(file, "rb") as handle:
            sheet = read_sheet(handle.read())
        report = import_volunteers(sheet, organisation, None, apply, datetime.now(zone).date())
    except SheetError as error:
        raise click.ClickException("\n".join(error.messages)) from error
    for problem in report.errors:
        name = f" ({problem.slug})" if problem.slug else ""
        click.echo(f"  row {problem.row}{name}: {problem.message}", err=True)
    click.echo(
        f"add {len(report.added)}, update {len(report.updated)}, unchanged {report.unchanged}, "
        f"checks to record {report.checks}, errors {len(report.errors)}"
    )
    finish_import(bool(report.errors), report.applied)
