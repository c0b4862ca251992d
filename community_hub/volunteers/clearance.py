"""Which volunteers are cleared to accompany a client today, for many at once.

The same rules as `requirements.may_accompany` (which also says why not, for one volunteer),
written as one SQL condition so that matching can ask about hundreds of peers in a single
statement instead of a handful of queries per peer:

- not paused, at an accompanying stage, with at least one active placement;
- for every active placement, every requirement of its role, of accompanying and of every
  role (at that host or any host) has a most recent check (latest completed, then latest
  recorded) that has not expired;
- no active placement is overdue for supervision (last session, or the start, plus the
  interval is before today).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from community_hub.extensions import db
from community_hub.sqlparams import one_of, plain_rows
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.placement_models import (
    Placement,
    PlacementStatus,
    SupervisionSession,
)
from community_hub.volunteers.requirement_models import Check, RequirementType, RoleRequirement
from community_hub.volunteers.requirements import ACCOMPANY_ROLE, ACCOMPANYING_STAGES

TODAY = "clearance_today"
SQLITE_MOST = 30_000


def _today() -> Any:
    return bindparam(TODAY, type_=Date)


def _supervision_overdue(placement: Any, dialect: str) -> ColumnElement[bool]:
    """The placement's next supervision was due before today (no start and no session: never)."""
    last = func.coalesce(
        select(func.max(SupervisionSession.held_on))
        .where(SupervisionSession.placement_id == placement.id)
        .correlate(placement)
        .scalar_subquery(),
        placement.started_on,
    )
    if dialect == "postgresql":
        return last + placement.supervision_every_days < _today()
    # SQLite keeps dates as ISO text: move today back by the interval and compare as text.
    shift = literal("-") + cast(placement.supervision_every_days, String) + literal(" days")
    return last < func.date(_today(), shift)


def _requirement_unmet(volunteer: Any, placement: Any) -> ColumnElement[bool]:
    """Some requirement for this placement has no check, or its latest check has expired."""
    latest_valid = (
        select(case((or_(Check.expires_on.is_(None), Check.expires_on >= _today()), 1), else_=0))
        .where(
            Check.volunteer_id == volunteer.id,
            Check.requirement_type_id == RequirementType.id,
        )
        .order_by(Check.completed_on.desc(), Check.id.desc())
        .limit(1)
        .correlate(volunteer, RequirementType)
        .scalar_subquery()
    )
    return exists(
        select(1)
        .select_from(RoleRequirement)
        .join(RequirementType, RequirementType.id == RoleRequirement.requirement_type_id)
        .where(
            RequirementType.organisation_id == volunteer.organisation_id,
            or_(
                RoleRequirement.role.in_(["", ACCOMPANY_ROLE]),
                RoleRequirement.role == placement.role,
            ),
            or_(
                RoleRequirement.host_organisation_id.is_(None),
                RoleRequirement.host_organisation_id == placement.host_organisation_id,
            ),
            func.coalesce(latest_valid, 0) == 0,
        )
        .correlate(volunteer, placement)
    )


def cleared_clause(volunteer: Any = Volunteer, dialect: str | None = None) -> ColumnElement[bool]:
    """True for a volunteer cleared on the date bound as `clearance_today` (see `params`)."""
    dialect = dialect or db.engine.dialect.name
    active = aliased(Placement)
    blocked = aliased(Placement)
    is_active = PlacementStatus.ACTIVE.value
    return and_(
        volunteer.paused_at.is_(None),
        volunteer.stage.in_(sorted(ACCOMPANYING_STAGES)),
        exists(
            select(1)
            .where(active.volunteer_id == volunteer.id, active.status == is_active)
            .correlate(volunteer)
        ),
        ~exists(
            select(1)
            .where(
                blocked.volunteer_id == volunteer.id,
                blocked.status == is_active,
                _requirement_unmet(volunteer, blocked) | _supervision_overdue(blocked, dialect),
            )
            .correlate(volunteer)
        ),
    )


def params(today: date) -> dict[str, date]:
    """The values `cleared_clause` needs."""
    return {TODAY: today}


def cleared_ids(volunteer_ids: Iterable[int], today: date) -> set[int]:
    """Those of these volunteers who may go with a client today: one query however many."""
    wanted = sorted(set(volunteer_ids))
    if not wanted:
        return set()
    dialect = db.engine.dialect.name
    stmt = select(Volunteer.id).where(
        one_of(Volunteer.id, "clearance_ids", dialect), cleared_clause(dialect=dialect)
    )
    # SQLite takes at most 32,766 values in one statement; PostgreSQL one array of any size.
    step = SQLITE_MOST if dialect == "sqlite" else len(wanted)
    found: set[int] = set()
    for start in range(0, len(wanted), step):
        values = {"clearance_ids": wanted[start : start + step], **params(today)}
        found.update(row[0] for row in plain_rows(stmt, values))
    return found
