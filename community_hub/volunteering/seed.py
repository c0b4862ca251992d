"""Load the demo volunteering opportunities in seed/opportunities.json (idempotent upsert).

Dates are offsets in days from `today`, so the demo always has open opportunities and one
that has closed. Run after the volunteer programme (its requirement types are named here).
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.volunteering.models import Opportunity
from community_hub.volunteers.requirement_models import RequirementType

TEXT_FIELDS = ("title", "title_cy", "area", "centre_place", "description", "description_cy")


def _organisation(slug: str, owner: str) -> Organisation:
    found = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if found is None:
        raise ValueError(f"Opportunity {owner!r} names unknown organisation {slug!r}.")
    return found


def _requirements(
    organisation: Organisation, codes: list[str], owner: str
) -> list[RequirementType]:
    found = {
        r.code: r
        for r in db.session.scalars(
            select(RequirementType).where(RequirementType.organisation_id == organisation.id)
        )
    }
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValueError(f"Opportunity {owner!r} names unknown requirements {unknown}.")
    return [found[c] for c in codes]


def load_opportunities(directory: str, today: date) -> dict[str, int]:
    """Upsert the demo opportunities by slug; the caller commits."""
    path = os.path.join(directory, "opportunities.json")
    if not os.path.exists(path):
        return {"opportunities": 0}
    with open(path, encoding="utf-8") as handle:
        records = json.load(handle)
    for record in records:
        slug = record["slug"]
        organisation = _organisation(record["organisation"], slug)
        host = _organisation(record["host"], slug) if record["host"] else None
        requirements = _requirements(organisation, record["requirements"], slug)
        opportunity = db.session.scalar(select(Opportunity).where(Opportunity.slug == slug))
        if opportunity is None:
            opportunity = Opportunity(slug=slug)
            db.session.add(opportunity)
        opportunity.organisation, opportunity.host = organisation, host
        opportunity.requirements = requirements
        for name in TEXT_FIELDS:
            setattr(opportunity, name, record.get(name) or "")
        opportunity.time_asked = record["time_asked"]
        opportunity.place_at(record["latitude"], record["longitude"])
        closes = record.get("closes_in_days")
        opportunity.closes_on = today + timedelta(days=closes) if closes is not None else None
        published = today - timedelta(days=record["published_days_ago"])
        opportunity.published_at = datetime.combine(published, time(9))
        opportunity.created_at = opportunity.published_at
        archived = record.get("archived_days_ago")
        opportunity.archived_at = (
            datetime.combine(today - timedelta(days=archived), time(9)) if archived else None
        )
        opportunity.lived_experience_welcome = bool(record["lived_experience_welcome"])
    db.session.flush()
    return {"opportunities": len(records)}
