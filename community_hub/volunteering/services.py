"""Coordinators' opportunities: checking, saving, archiving, and their list with application counts.

Public searches live in volunteering/search.py and applications in volunteering/applications.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from community_hub import slugs
from community_hub.auth.models import Organisation, utcnow
from community_hub.extensions import db
from community_hub.geo.geocode import Located, geocode
from community_hub.meetings.services import ValidationFailed
from community_hub.volunteering.models import Opportunity, VolunteeringApplication
from community_hub.volunteers.requirement_models import RequirementType

LIMITS = {
    "title": 120,
    "title_cy": 120,
    "area": 120,
    "centre_place": 120,
    "description": 4000,
    "description_cy": 4000,
    "time_asked": 200,
}


@dataclass
class OpportunityData:
    title: str = ""
    title_cy: str = ""
    area: str = ""
    centre_place: str = ""  # the town or postcode district placed on the map; else the area
    description: str = ""
    description_cy: str = ""
    time_asked: str = ""
    closes_on: date | None = None
    host_organisation_id: int = 0  # 0: at the organisation's own premises
    requirement_ids: list[int] = field(default_factory=list)
    lived_experience_welcome: bool = True
    published: bool = True


def requirement_choices(organisation_id: int) -> list[RequirementType]:
    """The checks and training an organisation's opportunities may ask for."""
    return list(
        db.session.scalars(
            select(RequirementType)
            .where(RequirementType.organisation_id == organisation_id)
            .order_by(RequirementType.name, RequirementType.id)
        )
    )


def host_choices() -> list[Organisation]:
    """Organisations that can host volunteers: community organisations first, then the rest."""
    found = db.session.scalars(
        select(Organisation).where(Organisation.archived_at.is_(None)).order_by(Organisation.name)
    )
    return sorted(found, key=lambda o: o.kind != "community")


def _check(
    data: OpportunityData, organisation_id: int, today: date, current: Opportunity | None
) -> tuple[Organisation | None, list[RequirementType], Located | None]:
    """The host, requirements and position the data names; ValidationFailed says what is wrong."""
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        if len(getattr(data, name).strip()) > limit:
            errors[name] = _("Use %(n)d characters or fewer.", n=limit)
    required = {
        "title": _("Enter the role, for example Peer mentor."),
        "area": _("Enter the area, for example Doncaster and Mexborough."),
        "description": _("Say what the volunteering involves."),
        "time_asked": _("Say how much time it asks, for example 3 hours a week."),
    }
    for name, message in required.items():
        if not getattr(data, name).strip():
            errors.setdefault(name, message)
    changed = current is None or data.closes_on != current.closes_on
    if data.closes_on is not None and changed and data.closes_on < today:
        errors["closes_on"] = _("The closing date cannot be in the past.")
    host = None
    if data.host_organisation_id:
        in_range = 0 < data.host_organisation_id < 2**31  # beyond it PostgreSQL refuses the query
        host = db.session.get(Organisation, data.host_organisation_id) if in_range else None
        kept = current is not None and current.host_organisation_id == data.host_organisation_id
        if host is None or (host.is_archived and not kept):
            errors["host_organisation_id"] = _("Choose a host from the list.")
    available = {r.id: r for r in requirement_choices(organisation_id)}
    if any(i not in available for i in data.requirement_ids):
        errors["requirement_ids"] = _("Choose checks from your organisation's list.")
    located = None
    place = (data.centre_place or data.area).strip()
    if place and "area" not in errors and "centre_place" not in errors:
        located = geocode(place)
        if located is None:
            errors["centre_place"] = _(
                "We could not find that place; try a town or a postcode district such as DN1."
            )
    if errors:
        raise ValidationFailed(errors)
    chosen = [available[i] for i in dict.fromkeys(data.requirement_ids)]
    return host, chosen, located


def _apply(
    opportunity: Opportunity,
    data: OpportunityData,
    host: Organisation | None,
    requirements: list[RequirementType],
    located: Located | None,
) -> None:
    for name in LIMITS:
        setattr(opportunity, name, getattr(data, name).strip())
    opportunity.closes_on = data.closes_on
    opportunity.host = host
    opportunity.requirements = requirements
    opportunity.lived_experience_welcome = data.lived_experience_welcome
    if located is not None:
        opportunity.place_at(located.latitude, located.longitude)
    if not data.published:
        opportunity.published_at = None
    elif opportunity.published_at is None:
        opportunity.published_at = utcnow()


def create_opportunity(
    data: OpportunityData, organisation: Organisation, today: date
) -> Opportunity:
    """Add an opportunity for an organisation, with a stable public address."""
    host, requirements, located = _check(data, organisation.id, today, None)
    opportunity = Opportunity(
        organisation=organisation,
        slug=slugs.unique_slug(
            Opportunity.slug, data.title.strip(), organisation.name, fallback="volunteer"
        ),
    )
    _apply(opportunity, data, host, requirements, located)
    db.session.add(opportunity)
    db.session.flush()
    return opportunity


def update_opportunity(opportunity: Opportunity, data: OpportunityData, today: date) -> None:
    """Change an opportunity; its public address stays the same."""
    host, requirements, located = _check(data, opportunity.organisation_id, today, opportunity)
    _apply(opportunity, data, host, requirements, located)
    db.session.flush()


def archive_opportunity(opportunity: Opportunity) -> None:
    """Take an opportunity off the public page; its applications are kept."""
    opportunity.archived_at = opportunity.archived_at or utcnow()


def restore_opportunity(opportunity: Opportunity) -> None:
    """Put an archived opportunity back; it is listed again if published and still open."""
    opportunity.archived_at = None


def opportunities_for(organisation_id: int | None) -> list[tuple[Opportunity, int]]:
    """An organisation's opportunities (every one, for None) with how many applied to each."""
    applied = (
        select(func.count(VolunteeringApplication.id))
        .where(VolunteeringApplication.opportunity_id == Opportunity.id)
        .scalar_subquery()
    )
    stmt = (
        select(Opportunity, applied)
        .options(selectinload(Opportunity.organisation), selectinload(Opportunity.host))
        .order_by(Opportunity.archived_at.is_not(None), Opportunity.created_at.desc())
        .order_by(Opportunity.id.desc())
    )
    if organisation_id is not None:
        stmt = stmt.where(Opportunity.organisation_id == organisation_id)
    return [(row[0], int(row[1])) for row in db.session.execute(stmt)]
