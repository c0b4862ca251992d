"""Which volunteers are cleared to accompany a client today, for many at once.

The same answer as `requirements.may_accompany` (which also says why not, for one volunteer),
read from each volunteer's stored "cleared until" date (volunteers/cleared_until.py): a plain
column comparison, so matching can filter, count and rank thousands of peers in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select

from community_hub.extensions import db
from community_hub.sqlparams import chunks, one_of, plain_rows
from community_hub.volunteers.models import Volunteer


def cleared_clause(
    today: date | ColumnElement[date], volunteer: Any = Volunteer
) -> ColumnElement[bool]:
    """True for a volunteer cleared on `today` (a date, or a parameter bound to one)."""
    return volunteer.cleared_until >= today


def cleared_ids(volunteer_ids: Iterable[int], today: date) -> set[int]:
    """Those of these volunteers who may go with a client today: one query however many."""
    wanted = sorted(set(volunteer_ids))
    if not wanted:
        return set()
    dialect = db.engine.dialect.name
    stmt = select(Volunteer.id).where(
        one_of(Volunteer.id, "clearance_ids", dialect), cleared_clause(today)
    )
    found: set[int] = set()
    for some in chunks(wanted, dialect):
        found.update(row[0] for row in plain_rows(stmt, {"clearance_ids": some}))
    return found
