"""Plain helpers for volunteer tests (fixtures are in conftest.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from community_hub.extensions import db
from community_hub.volunteers import services
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.placement_models import HoursLog, Placement, SupervisionSession
from community_hub.volunteers.requirement_models import Check, RequirementKind, RequirementType

# The pages use today's date where the programme runs (DEFAULT_TIMEZONE); so do the tests.
TODAY = datetime.now(ZoneInfo("Europe/London")).date()


def record(
    volunteer: Volunteer, requirement: RequirementType, completed_on: date, **fields: Any
) -> Check:
    """A check completed on a day (a DBS check gets a valid level and certificate number)."""
    if requirement.kind == RequirementKind.DBS.value:
        fields.setdefault("dbs_level", "enhanced")
        fields.setdefault("certificate_number", "001234567890")
    check = services.record_check(volunteer, requirement, completed_on, None, TODAY, **fields)
    db.session.commit()
    return check


def expiring_in(requirement: RequirementType, days: int) -> date:
    """The completion date that makes a check of this requirement expire in `days` days."""
    assert requirement.validity_days is not None
    return TODAY + timedelta(days=days) - timedelta(days=requirement.validity_days)


def supervise(placement: Placement, days_ago: int) -> SupervisionSession:
    session = SupervisionSession(placement=placement, held_on=TODAY - timedelta(days=days_ago))
    db.session.add(session)
    db.session.commit()
    return session


def log(placement: Placement, hours: str = "2.5", days_ago: int = 1, **fields: Any) -> HoursLog:
    entry = HoursLog(
        volunteer_id=placement.volunteer_id,
        placement=placement,
        worked_on=TODAY - timedelta(days=days_ago),
        hours=Decimal(hours),
        **fields,
    )
    db.session.add(entry)
    db.session.commit()
    return entry
