"""`named_rows` gives what SQLAlchemy gives: the same rows, in the same order, with the same
types, whether SQLite's statements run on the driver itself or through SQLAlchemy."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
from sqlalchemy import bindparam, event, select

from community_hub.extensions import db
from community_hub.meetings.models import Fellowship, Meeting
from community_hub.meetings.venue_models import Venue
from community_hub.sqlparams import named_rows, one_of


def _statement(dialect: str) -> Any:
    """A list of ids, a value of each kind the driver converts (a time, a date, a true or
    false, a date and time), a value written into the statement (the LIMIT), a join."""
    return (
        select(
            Meeting.id,
            Meeting.start_time,
            Meeting.end_time,
            Meeting.last_confirmed,
            Meeting.updated_at,
            Venue.approximate.label("venue_approximate"),
            Fellowship.slug.label("fellowship"),
        )
        .join(Fellowship, Fellowship.id == Meeting.fellowship_id)
        .outerjoin(Venue, Venue.id == Meeting.venue_id)
        .where(one_of(Meeting.id, "ids", dialect), Meeting.day == bindparam("day"))
        .order_by(Meeting.id)
        .limit(3)
    )


@pytest.fixture
def meetings(make_meeting, make_venue):
    return [
        make_meeting(day=1, start_time=time(7, 5), end_time=None, last_confirmed=None),
        make_meeting(day=1, venue=make_venue(approximate=True), start_time=time(23, 30)),
        make_meeting(day=1, updated_at=datetime(2026, 11, 2, 9, 30, 15)),
        make_meeting(day=1),
        make_meeting(day=2),
    ]


def test_rows_are_sqlalchemys_with_their_types_by_name_and_position(meetings):
    statement = _statement(db.engine.dialect.name)
    values = {"ids": [m.id for m in meetings], "day": 1}
    expected = db.session.connection().execute(statement, values).all()
    rows = named_rows(statement, values)
    assert [tuple(row) for row in rows] == [tuple(row) for row in expected]
    assert len(rows) == 3  # the LIMIT the statement holds
    first, second = rows[0], rows[1]
    assert first.start_time == time(7, 5) and isinstance(first.start_time, time)
    assert first.end_time is None and first.last_confirmed is None
    assert isinstance(second.last_confirmed, date) and isinstance(second.updated_at, datetime)
    assert first.venue_approximate is False and second.venue_approximate is True
    assert first.fellowship == "aa" and first._asdict()["id"] == first[0] == meetings[0].id
    # Again with a list of another length: its own placeholders, the same answers.
    again = named_rows(statement, {"ids": [meetings[1].id, meetings[4].id], "day": 1})
    assert [row.id for row in again] == [meetings[1].id]


def test_an_empty_list_matches_nothing(meetings):
    statement = _statement(db.engine.dialect.name)
    assert named_rows(statement, {"ids": [], "day": 1}) == []


def test_a_quote_in_a_value_is_a_value(meetings):
    statement = select(Meeting.id).where(
        one_of(Meeting.slug, "slugs", db.engine.dialect.name), Meeting.name == bindparam("name")
    )
    meetings[0].name = "Robert's group'); DROP TABLE meeting; --"
    db.session.commit()
    rows = named_rows(statement, {"slugs": [meetings[0].slug, "x'y"], "name": meetings[0].name})
    assert [row.id for row in rows] == [meetings[0].id]
    assert db.session.scalar(select(Meeting.id).where(Meeting.id == meetings[4].id))


def test_sqlite_runs_the_statement_on_the_driver(meetings):
    """SQLAlchemy never sees the statement on SQLite (that is the point); on PostgreSQL it
    does, where community_hub/postgres.py prepares it."""
    first = meetings[0].id
    seen: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        db.session.connection()  # the transaction's own statements, if any, go first
        seen.clear()
        statement = _statement(db.engine.dialect.name)
        rows = named_rows(statement, {"ids": [first], "day": 1})
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert [row.id for row in rows] == [first]
    assert len(seen) == (0 if db.engine.dialect.name == "sqlite" else 1)
