"""Community resources as CSV: export of public listings, and a checked import.

Column layout (one resource per row, header row first; RESOURCE_COLUMNS is the order):

- slug: the resource's key; rows are matched to existing resources by it. Letters, digits, - _ .
- organisation: who keeps it (export only; the import uses --organisation).
- category: a taxonomy code such as recovery_cafe. name, name_cy, alternate_name, description,
  description_cy, url, email, fees_description, eligibility_description, application_process,
  pathways_welcome: text as on the coordinator's form.
- minimum_age, maximum_age: the ages it is for, whole numbers (empty: it does not say).
- status: active, temporarily closed, inactive or defunct.
- languages: ISO 639 codes separated by spaces ("en cy").
- location_type (physical or virtual), location_name, address_1, city, postcode, region,
  latitude, longitude (decimal degrees; empty to place it from the postcode or town),
  approximate (yes: show the town only, no street address), timezone (IANA, e.g.
  Europe/London), accessibility_notes.
- schedule1_days .. schedule3_days (iCalendar codes "MO TU WE"), scheduleN_opens_at,
  scheduleN_closes_at (24-hour HH:MM), scheduleN_description; phone1_number, phone1_description,
  phone2_*: the same rows as the form.
- last_confirmed (YYYY-MM-DD; empty on import means today), updated (export only).

Cells that a spreadsheet would run as a formula are written with a leading ' which the import
removes. Import rules are the coordinator form's (resources/validation.py); every problem is
reported with its row (1 = the first row after the header) and slug, and nothing is saved when
any row fails. Without --apply it is a dry run. Resources missing from the file are left alone.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import click
from flask import Blueprint, Response, stream_with_context
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from community_hub.auth.models import Organisation
from community_hub.cli import finish_import
from community_hub.extensions import db
from community_hub.geo.privacy import shown
from community_hub.interop.csv_format import FORMULA_STARTS, csv_lines
from community_hub.interop.feed_import import SLUG_RE, TIME_RE, RowError
from community_hub.meetings.services import ValidationFailed
from community_hub.resources.forms import PHONE_ROWS, SCHEDULE_ROWS
from community_hub.resources.models import PUBLIC_STATUSES, Service, ServiceAtLocation
from community_hub.resources.services import create_resource, update_resource
from community_hub.resources.validation import (
    PhoneData,
    ResourceData,
    ScheduleData,
    validate_resource,
)
from community_hub.web import public

TEXT_FIELDS = (
    "name", "name_cy", "alternate_name", "description", "description_cy", "status", "url",
    "email", "fees_description", "eligibility_description", "application_process",
    "pathways_welcome", "location_type", "location_name", "address_1", "city", "postcode",
    "region", "timezone", "accessibility_notes",
)  # fmt: skip
RESOURCE_COLUMNS = (
    "slug", "organisation", "category", "name", "name_cy", "alternate_name", "description",
    "description_cy", "status", "languages", "url", "email", "fees_description",
    "eligibility_description", "application_process", "pathways_welcome", "minimum_age",
    "maximum_age", "location_type", "location_name", "address_1", "city", "postcode", "region",
    "timezone",
    "latitude", "longitude", "approximate", "accessibility_notes",
    *(
        f"schedule{n}_{part}"
        for n in range(1, SCHEDULE_ROWS + 1)
        for part in ("days", "opens_at", "closes_at", "description")
    ),
    *(f"phone{n}_{part}" for n in range(1, PHONE_ROWS + 1) for part in ("number", "description")),
    "last_confirmed", "updated",
)  # fmt: skip
bp = Blueprint("resources_csv", __name__)


def _hhmm(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def resource_row(service: Service) -> dict[str, Any]:
    """One resource in the CSV layout."""
    data = resource_data(service)
    row: dict[str, Any] = {name: getattr(data, name) for name in TEXT_FIELDS}
    row |= {
        "slug": service.slug,
        "organisation": service.organisation.slug,
        "category": data.category,
        "languages": " ".join(data.languages),
        "latitude": "" if data.latitude is None else repr(data.latitude),
        "longitude": "" if data.longitude is None else repr(data.longitude),
        "approximate": "yes" if data.approximate else "no",
        "minimum_age": "" if data.minimum_age is None else data.minimum_age,
        "maximum_age": "" if data.maximum_age is None else data.maximum_age,
        "last_confirmed": service.last_confirmed.isoformat() if service.last_confirmed else "",
        "updated": service.updated_at.strftime("%Y-%m-%d %H:%M:%S"),
    }
    for n, schedule in enumerate(data.schedules, start=1):
        row[f"schedule{n}_days"] = " ".join(schedule.days)
        row[f"schedule{n}_opens_at"] = _hhmm(schedule.opens_at)
        row[f"schedule{n}_closes_at"] = _hhmm(schedule.closes_at)
        row[f"schedule{n}_description"] = schedule.description
    for n, phone in enumerate(data.phones, start=1):
        row[f"phone{n}_number"], row[f"phone{n}_description"] = phone.number, phone.description
    return row


def resource_data(service: Service) -> ResourceData:
    """What the form (or a CSV row) would hold for this resource."""
    place = service.location
    virtual = place is not None and place.location_type == "virtual"
    position = shown(place.latitude, place.longitude, place.approximate) if place else (None, None)
    return ResourceData(
        **{name: getattr(service, name) for name in TEXT_FIELDS[:12]},
        category=service.taxonomy_term.code if service.taxonomy_term else "",
        languages=service.language_list,
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        location_type=place.location_type if place else "physical",
        location_name=place.name if place else "",
        address_1=place.address_1 if place else "",
        city=place.city if place else "",
        postcode=place.postcode if place else "",
        region=place.region if place else "",
        latitude=position[0] if place and not virtual else None,
        longitude=position[1] if place and not virtual else None,
        approximate=place.approximate if place else False,
        timezone=place.timezone if place else "Europe/London",
        accessibility_notes=place.accessibility_notes if place else "",
        schedules=[
            ScheduleData(s.day_codes, s.opens_at, s.closes_at, s.description)
            for s in service.schedules[:SCHEDULE_ROWS]
        ],
        phones=[PhoneData(p.number, p.description) for p in service.phones[:PHONE_ROWS]],
    )


def iter_resource_rows() -> Iterator[dict[str, Any]]:
    stmt = (
        select(Service)
        .where(Service.archived_at.is_(None), Service.status.in_(PUBLIC_STATUSES))
        .options(
            selectinload(Service.organisation),
            selectinload(Service.taxonomy_term),
            selectinload(Service.schedules),
            selectinload(Service.phones),
            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location),
        )
        .order_by(Service.slug)
        .execution_options(yield_per=500)
    )
    for service in db.session.scalars(stmt):
        yield resource_row(service)


@bp.route("/api/resources.csv")
@public
def resources_csv() -> Response:
    """Every public resource as CSV, in the documented column layout."""
    return Response(
        stream_with_context(csv_lines(iter_resource_rows(), RESOURCE_COLUMNS)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="resources.csv"'},
    )


# ---- import ----------------------------------------------------------------------------------


@dataclass
class ResourceImport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(text: str) -> list[dict[str, str]]:
    """CSV text as rows of stripped strings, with the export's formula guard undone."""
    rows = []
    for record in csv.DictReader(io.StringIO(text)):
        row = {}
        for key, value in record.items():
            if not key:
                continue
            cell = (value or "").strip() if isinstance(value, str) else ""
            if cell.startswith("'") and cell[1:2] in FORMULA_STARTS:
                cell = cell[1:]
            row[key.strip()] = cell
        rows.append(row)
    return rows


def _parse(row: dict[str, str], problems: dict[str, str]) -> ResourceData:
    def number(key: str) -> float | None:
        try:
            return float(row[key]) if row.get(key) else None
        except ValueError:
            problems[key] = f"{row[key]!r} is not a number"
            return None

    def whole(key: str) -> int | None:
        value = row.get(key, "")
        if value and not (value.isascii() and value.isdigit() and len(value) <= 3):
            problems[key] = f"{value!r} is not a whole number of years"
            return None
        return int(value) if value else None

    def clock(key: str) -> time | None:
        match = TIME_RE.match(row.get(key, ""))
        if row.get(key) and not match:
            problems[key] = f"{row[key]!r} is not a 24-hour HH:MM time"
        return time(int(match.group(1)), int(match.group(2))) if match else None

    approximate = row.get("approximate", "").lower()
    if approximate not in ("", "yes", "no", "true", "false"):
        problems["approximate"] = "approximate must be yes or no"
    return ResourceData(
        **{name: row.get(name, "") for name in TEXT_FIELDS},
        category=row.get("category", ""),
        languages=re.split(r"[\s,]+", row.get("languages") or "en"),
        latitude=number("latitude"),
        longitude=number("longitude"),
        approximate=approximate in ("yes", "true"),
        minimum_age=whole("minimum_age"),
        maximum_age=whole("maximum_age"),
        schedules=[
            ScheduleData(
                re.split(r"[\s,]+", row[f"schedule{n}_days"].upper())
                if row.get(f"schedule{n}_days")
                else [],
                clock(f"schedule{n}_opens_at"),
                clock(f"schedule{n}_closes_at"),
                row.get(f"schedule{n}_description", ""),
            )
            for n in range(1, SCHEDULE_ROWS + 1)
        ],
        phones=[
            PhoneData(row.get(f"phone{n}_number", ""), row.get(f"phone{n}_description", ""))
            for n in range(1, PHONE_ROWS + 1)
        ],
    )


def _normalised(data: ResourceData) -> ResourceData:
    data.schedules = [s for s in data.schedules if not s.is_blank]
    data.phones = [p for p in data.phones if not p.is_blank]
    return data


def import_resources(
    rows: list[dict[str, str]], organisation: Organisation, apply: bool, today: date
) -> ResourceImport:
    """Check every row with the form's rules; apply (the caller commits) only if all pass."""
    report = ResourceImport()
    slugs = [row.get("slug", "") for row in rows]
    existing = {
        s.slug: s for s in db.session.scalars(select(Service).where(Service.slug.in_(slugs)))
    }
    plans: list[tuple[str, ResourceData, date | None]] = []
    for position, row in enumerate(rows, start=1):
        slug = row.get("slug", "")
        problems: dict[str, str] = {}
        if not SLUG_RE.match(slug):
            problems["slug"] = "slug is missing or has characters other than letters, digits, - _ ."
        elif slugs.count(slug) > 1:
            problems["slug"] = "the same slug appears twice"
        elif slug in existing and existing[slug].organisation_id != organisation.id:
            problems["slug"] = "this slug belongs to another organisation"
        data = _parse(row, problems)
        confirmed = None
        try:
            confirmed = (
                date.fromisoformat(row["last_confirmed"]) if row.get("last_confirmed") else None
            )
        except ValueError:
            problems["last_confirmed"] = "last_confirmed must be a date like 2026-11-23"
        try:
            validate_resource(data)
        except ValidationFailed as failed:
            problems = failed.errors | problems
        if problems:
            report.errors += [RowError(position, slug, f"{k}: {v}") for k, v in problems.items()]
            continue
        service = existing.get(slug)
        if service is None:
            report.added.append(slug)
        elif _normalised(resource_data(service)) == _normalised(data) and (
            confirmed is None or confirmed == service.last_confirmed
        ):
            report.unchanged += 1
            continue
        else:
            report.changed.append(slug)
        plans.append((slug, data, confirmed))
    if not apply or report.errors:
        return report
    for slug, data, confirmed in plans:
        service = existing.get(slug)
        if service is None:
            service = create_resource(data, organisation, today, slug=slug)
        else:
            update_resource(service, data, today)
        service.last_confirmed = confirmed or today
    db.session.flush()
    report.applied = True
    return report


@click.command("import-resources")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--organisation", "organisation_slug", required=True, help="Organisation slug.")
@click.option("--apply", is_flag=True, help="Save the changes (default: a dry run).")
def import_resources_command(file: str, organisation_slug: str, apply: bool) -> None:
    """Import community resources from a CSV FILE (dry run unless --apply)."""
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.slug == organisation_slug)
    )
    if organisation is None:
        raise click.UsageError(f"Unknown organisation slug {organisation_slug!r}.")
    try:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            rows = read_rows(handle.read())
    except UnicodeDecodeError as error:
        raise click.ClickException("The file is not UTF-8 text: save it as CSV UTF-8.") from error
    report = import_resources(rows, organisation, apply, datetime.now(UTC).date())
    for problem in report.errors:
        click.echo(f"  {problem}", err=True)
    click.echo(
        f"add {len(report.added)}, change {len(report.changed)}, "
        f"unchanged {report.unchanged}, errors {len(report.errors)}"
    )
    finish_import(bool(report.errors), report.applied)
