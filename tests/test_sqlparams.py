"""`named_rows` gives what SQLAlchemy gives: the same rows, in the same order, with the same
types, whether SQLite's statements run on the driver itself or through SQLAlchemy; and
`plain_rows` the driver's rows, on both databases, whichever way it runs."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
from sqlalchemy import bindparam, case, column, event, select, table
from sqlalchemy.exc import DBAPIError

from community_hub.extensions import db
from community_hub.meetings.models import Fellowship, Meeting
from community_hub.meetings.venue_models import Venue
from community_hub.postgres import PLAN_EACH_TIME
from community_hub.sqlparams import named_rows, one_of, plain_rows


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
    assert named_rows(statement, values) == expected  # the first run, through SQLAlchemy
    rows: list[Any] = []
    assert _seen_by_the_engine(lambda: rows.extend(named_rows(statement, values))) == []
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


def _seen_by_the_engine(run: Any) -> list[str]:
    """The statements SQLAlchemy's engine sees while `run()` runs."""
    seen: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    db.session.connection()  # the transaction's own statements, if any, go first
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return seen


def test_a_statement_run_again_runs_on_the_driver(meetings):
    """SQLAlchemy sees a statement's first run only (that is the point): a statement built
    afresh for each run is never compiled twice."""
    first = meetings[0].id
    statement = _statement(db.engine.dialect.name)
    values = {"ids": [first], "day": 1}
    assert len(_seen_by_the_engine(lambda: named_rows(statement, values))) == 1
    rows: list[Any] = []
    seen = _seen_by_the_engine(lambda: rows.extend(named_rows(statement, values)))
    assert [row.id for row in rows] == [first]
    assert seen == []
    kept = select(Meeting.id).where(Meeting.day == bindparam("day"))
    assert len(_seen_by_the_engine(lambda: plain_rows(kept, {"day": 2}))) == 1
    again: list[Any] = []
    assert _seen_by_the_engine(lambda: again.extend(plain_rows(kept, {"day": 2}))) == []
    assert again == [(meetings[4].id,)]


def test_plain_rows_are_the_drivers_rows_with_lists_held_and_bound(meetings):
    """A list the statement holds (spread into placeholders), one bound at each run (an
    array on PostgreSQL) and whole numbers the statement holds (written into its SQL for
    psycopg), on the driver and through SQLAlchemy alike."""
    dialect = db.engine.dialect.name
    statement = (
        select(Meeting.id, Meeting.day, Meeting.start_time, case((Meeting.day == 1, -1), else_=2))
        .where(Meeting.day.in_([1, 2]), one_of(Meeting.id, "ids", dialect))
        .order_by(Meeting.id)
    )
    ids = [m.id for m in meetings[1:]]
    connection = db.session.connection()
    expected = [tuple(row) for row in connection.execute(statement, {"ids": ids}).cursor.fetchall()]
    for _run in range(3):  # through SQLAlchemy, then on the driver twice
        assert plain_rows(statement, {"ids": ids}) == expected
    assert [row[0] for row in expected] == ids
    assert [row[3] for row in expected] == [-1, -1, -1, 2]
    assert plain_rows(statement, {"ids": ids[:1]}) == expected[:1]
    assert _seen_by_the_engine(lambda: plain_rows(statement, {"ids": ids})) == []


def test_a_statement_planned_for_its_values_stays_with_sqlalchemy(meetings):
    """postgres.PLAN_EACH_TIME: the value is written in for PostgreSQL to plan with."""
    statement = select(Meeting.id).where(Meeting.day == bindparam("day"))
    statement = statement.execution_options(**PLAN_EACH_TIME)
    for _run in range(3):
        seen = _seen_by_the_engine(lambda: plain_rows(statement, {"day": 2}))
        assert len(seen) == 1


def test_a_failure_on_the_driver_is_sqlalchemys_error(meetings):
    """The app answers a database error (a lost one with a 503 page) by SQLAlchemy's
    exceptions: a statement run on the driver raises them too."""
    nowhere = table("no_such_table", column("id"))
    statement = select(nowhere.c.id).where(nowhere.c.id == bindparam("id"))
    with pytest.raises(DBAPIError):  # the first run, through SQLAlchemy
        plain_rows(statement, {"id": 1})
    db.session.rollback()
    raised: list[DBAPIError] = []

    def again() -> None:
        try:
            plain_rows(statement, {"id": 1})
        except DBAPIError as error:
            raised.append(error)

    assert _seen_by_the_engine(again) == []  # on the driver
    assert "no_such_table" in str(raised[0].orig)
    db.session.rollback()


def test_a_number_the_statement_holds_can_still_be_given_at_a_run(meetings):
    """A value bound with a default (written into the SQL for psycopg) still takes a value
    given at the run, whichever way the run goes."""
    statement = select(Meeting.id).where(Meeting.day == bindparam("day", 1)).order_by(Meeting.id)
    ones = [m.id for m in meetings[:4]]
    for _run in range(2):  # through SQLAlchemy, then on the driver
        assert [row[0] for row in plain_rows(statement)] == ones
        assert plain_rows(statement, {"day": 2}) == [(meetings[4].id,)]
