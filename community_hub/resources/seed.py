"""Load the demo resources in seed/taxonomy.json and seed/resources.json.

Idempotent: terms are matched on `code` and resources on `slug`, and updated in place (so
their UUIDs stay the same). Run after the main seed (community_hub.seed.load_seed), which
creates the organisations named here. Every resource goes through the same validation as the
coordinator's form.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from sqlalchemy import select

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.resources.models import Service, TaxonomyTerm
from community_hub.resources.services import create_resource, update_resource
from community_hub.resources.validation import PhoneData, ResourceData, ScheduleData
from community_hub.seed import read_records, shifted_date

# Dates in the files are as of this day; loading shifts them to be as old relative to today.
Record = dict[str, Any]
SERVICE_FIELDS = (
    "name",
    "name_cy",
    "alternate_name",
    "description",
    "description_cy",
    "url",
    "email",
    "status",
    "fees_description",
    "eligibility_description",
    "application_process",
    "pathways_welcome",
    "minimum_age",
    "maximum_age",
)
LOCATION_FIELDS = (
    "location_type",
    "address_1",
    "city",
    "postcode",
    "region",
    "latitude",
    "longitude",
    "approximate",
    "timezone",
    "accessibility_notes",
)


def _load_terms(records: list[Record]) -> None:
    for record in records:
        term = db.session.scalar(select(TaxonomyTerm).where(TaxonomyTerm.code == record["code"]))
        if term is None:
            term = TaxonomyTerm(code=record["code"])
            db.session.add(term)
        term.term = record["term"]
        term.description = record.get("description", "")
    db.session.flush()


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def _data(record: Record) -> ResourceData:
    location: Record = record.get("location", {})
    data = ResourceData(
        name=record["name"],
        category=record["category"],
        languages=list(record.get("languages", ["en"])),
        location_name=location.get("name", ""),
        schedules=[
            ScheduleData(
                days=[d.strip() for d in row["byday"].split(",") if d.strip()],
                opens_at=_time(row.get("opens_at")),
                closes_at=_time(row.get("closes_at")),
                description=row.get("description", ""),
            )
            for row in record.get("schedules", [])
        ],
        phones=[
            PhoneData(row["number"], row.get("description", "")) for row in record.get("phones", [])
        ],
    )
    for name in SERVICE_FIELDS:
        if name in record:
            setattr(data, name, record[name])
    for name in LOCATION_FIELDS:
        if name in location:
            setattr(data, name, location[name])
    return data


def _load_resource(record: Record, today: date) -> Service:
    slug = record["slug"]
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.slug == record["organisation"])
    )
    if organisation is None:
        raise ValueError(
            f"Resource {slug!r} names unknown organisation {record['organisation']!r}: "
            "load the main seed first."
        )
    service = db.session.scalar(select(Service).where(Service.slug == slug))
    try:
        if service is None:
            service = create_resource(_data(record), organisation, today, slug=slug)
        else:
            service.organisation = organisation
            service.organisation_id = organisation.id
            update_resource(service, _data(record), today)
    except ValidationFailed as failed:
        raise ValueError(f"Resource {slug!r}: {failed}") from failed
    confirmed = record.get("last_confirmed")
    service.last_confirmed = shifted_date(confirmed, today) if confirmed else None
    archived = record.get("archived", False)
    if archived and service.archived_at is None:
        service.archived_at = service.updated_at
    elif not archived:
        service.archived_at = None
    return service


def load_resources(directory: str, today: date) -> int:
    """Upsert the taxonomy and resources from the seed `directory`; the caller commits."""
    _load_terms(read_records(directory, "taxonomy.json"))
    records = read_records(directory, "resources.json")
    slugs = [r["slug"] for r in records]
    repeated = sorted({s for s in slugs if slugs.count(s) > 1})
    if repeated:
        raise ValueError(f"Resource slugs used twice: {', '.join(repeated)}.")
    for record in records:
        _load_resource(record, today)
    db.session.flush()
    return len(records)
