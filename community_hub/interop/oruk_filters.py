"""The filters of the Open Referral UK list endpoints, as SQL conditions per kind of listing.

Every filter is a condition on the listing's own row (subqueries, never joins), so counting,
paging and the spatial search all use the same conditions. Resources, meetings and peers
each say how they hold a day, a time, an age or a change time:

- day, start_time, end_time: a resource's opening times (one schedule row must match all
  three), a meeting's weekday and local start and end; peers have no schedule, so any of
  these leaves them out.
- minimum_age, maximum_age: as the profile says, the service's own minimum age is at least
  the value, its maximum age at most the value. Only resources state ages; a listing with no
  minimum counts as 0, one with no maximum never matches a maximum_age.
- modified_after: the listing's `updated_at`, or its organisation's (the organisation's name
  and description are part of every record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select

from community_hub.auth.models import Organisation
from community_hub.interop.oruk_search import matches
from community_hub.interop.oruk_taxonomies import Taxonomy, Term, where_taxonomy, where_term
from community_hub.meetings.models import Meeting
from community_hub.people.models import PeerSupporter
from community_hub.resources.models import Schedule, Service

BYDAY = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # Meeting.day: 0 is Sunday
OWNER: dict[str, Any] = {"resource": Service, "meeting": Meeting, "peer": PeerSupporter}


@dataclass(frozen=True)
class Filters:
    words: tuple[str, ...] = ()
    term: Term | None = None
    taxonomy: Taxonomy | None = None
    organisation_id: int | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    days: frozenset[int] = frozenset()  # 0 is Sunday
    start_time: time | None = None
    end_time: time | None = None
    modified_after: datetime | None = None  # naive UTC, like every stored time
    nothing: bool = False  # an id that names nothing we publish was asked for

    @property
    def timed(self) -> bool:
        return bool(self.days or self.start_time or self.end_time)


def _schedule(filters: Filters) -> ColumnElement[bool]:
    """One of the resource's opening times is on a chosen day and within the times."""
    conditions: list[ColumnElement[bool]] = [Schedule.service_id == Service.id]
    if filters.days:
        conditions.append(or_(*(Schedule.byday.contains(BYDAY[d]) for d in sorted(filters.days))))
    if filters.start_time:
        conditions.append(Schedule.opens_at >= filters.start_time)
    if filters.end_time:
        conditions.append(Schedule.closes_at <= filters.end_time)
    return exists(select(Schedule.id).where(*conditions))


def _meeting_times(filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.days:
        conditions.append(Meeting.day.in_(sorted(filters.days)))
    if filters.start_time:
        conditions.append(Meeting.start_time >= filters.start_time)
    if filters.end_time:
        conditions.append(Meeting.end_time <= filters.end_time)
    return conditions


def _ages(kind: str, filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if kind != "resource":
        # No stated ages: a minimum of 0, and no maximum.
        if (filters.minimum_age is not None and filters.minimum_age > 0) or (
            filters.maximum_age is not None
        ):
            conditions.append(false())
        return conditions
    if filters.minimum_age is not None and filters.minimum_age > 0:
        conditions.append(Service.minimum_age >= filters.minimum_age)
    if filters.maximum_age is not None:
        conditions.append(Service.maximum_age <= filters.maximum_age)
    return conditions


def _changed(kind: str, since: datetime) -> ColumnElement[bool]:
    owner = OWNER[kind]
    renamed = select(Organisation.id).where(Organisation.updated_at >= since)
    return or_(owner.updated_at >= since, owner.organisation_id.in_(renamed))


def conditions(kind: str, filters: Filters) -> list[ColumnElement[bool]]:
    """The conditions one kind of listing ("resource", "meeting", "peer") must meet."""
    if filters.nothing:
        return [false()]
    owner = OWNER[kind]
    found: list[ColumnElement[bool]] = []
    if filters.words:
        found.append(matches(kind, filters.words))
    taxonomic = [where_term(kind, filters.term)] if filters.term else []
    taxonomic += [where_taxonomy(kind, filters.taxonomy)] if filters.taxonomy else []
    for clause in taxonomic:
        if clause is None:  # this kind never carries that taxonomy
            return [false()]
        found.append(clause)
    if filters.organisation_id is not None:
        found.append(owner.organisation_id == filters.organisation_id)
    found += _ages(kind, filters)
    if filters.timed:
        if kind == "resource":
            found.append(_schedule(filters))
        elif kind == "meeting":
            found += _meeting_times(filters)
        else:
            found.append(false())
    if filters.modified_after is not None:
        found.append(_changed(kind, filters.modified_after))
    return [and_(*found)] if found else []
