"""What a report covers: a period, and optionally one organisation, area or fellowship.

An *area* is the `area` of the organisation responsible for a record: the referring
organisation for a referral, the programme's organisation for a volunteer, the listing
organisation for a meeting, peer, champion or resource. Every record has exactly one, so the
areas of a report always add up to its total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, select, true

from community_hub.auth.models import Organisation
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship

MAX_DAYS = 3 * 366 + 1  # three years at most: longer periods are slow and rarely useful


class BadFilter(ValueError):
    """A filter the user typed could not be understood; the message says why."""


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    organisation_id: int | None = None
    area: str | None = None
    fellowship_id: int | None = None

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def end_before(self) -> datetime:
        """The first moment after the period (timestamps are compared with <)."""
        return datetime.combine(self.end + timedelta(days=1), time.min)

    def organisations(self, column: Any) -> ColumnElement[bool]:
        """A condition keeping records whose organisation is in scope (true when no filter)."""
        conditions: list[ColumnElement[bool]] = []
        if self.organisation_id is not None:
            conditions.append(column == self.organisation_id)
        if self.area is not None:
            conditions.append(
                column.in_(select(Organisation.id).where(Organisation.area == self.area))
            )
        return and_(true(), *conditions)

    def scoped(self, stmt: Select[Any], column: Any) -> Select[Any]:
        return stmt.where(self.organisations(column))


def last_twelve_months(today: date) -> tuple[date, date]:
    """The default period: the twelve months up to and including today."""
    try:
        start = today.replace(year=today.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28) + timedelta(days=1)
    return start, today


def _date(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadFilter(
            _l("%(label)s must be a date written like 2026-04-30.", label=label)
        ) from None


def known_areas() -> list[str]:
    """Every area an organisation names, for the area filter."""
    rows = db.session.scalars(
        select(Organisation.area).where(Organisation.area != "").distinct().order_by("area")
    )
    return list(rows)


def parse_filters(args: Mapping[str, str], today: date, own: int | None = None) -> Filters:
    """Filters from a query string; `own` fixes the organisation for staff of one organisation."""
    default_start, default_end = last_twelve_months(today)
    start = _date(args["from"], _l("From")) if args.get("from") else default_start
    end = _date(args["to"], _l("To")) if args.get("to") else default_end
    if start > end:
        raise BadFilter(_l("The start of the period must be on or before its end."))
    if (end - start).days > MAX_DAYS:
        raise BadFilter(_l("Choose a period of three years or less."))
    organisation_id = own
    raw_org = (args.get("organisation") or "").strip()
    if raw_org:
        if not raw_org.isdigit() or db.session.get(Organisation, int(raw_org)) is None:
            raise BadFilter(_l("Choose an organisation from the list."))
        if own is not None and int(raw_org) != own:
            raise PermissionError(raw_org)
        organisation_id = int(raw_org)
    area = (args.get("area") or "").strip() or None
    if own is not None:
        area = None  # one organisation is already one area
    elif area is not None and area not in known_areas():
        raise BadFilter(_l("Choose an area from the list."))
    fellowship_id = None
    slug = (args.get("fellowship") or "").strip()
    if slug:
        fellowship_id = db.session.scalar(select(Fellowship.id).where(Fellowship.slug == slug))
        if fellowship_id is None:
            raise BadFilter(_l("Choose a fellowship from the list."))
    return Filters(start, end, organisation_id, area, fellowship_id)
