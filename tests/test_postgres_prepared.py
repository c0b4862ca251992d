"""A transaction that only read ends with COMMIT on PostgreSQL, so psycopg keeps its prepared
statements from one request to the next (community_hub/postgres.py); one that wrote, or
failed, is still rolled back, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.postgres import PLAN_EACH_TIME
from tests.conftest import make_app


def names() -> list[str]:
    db.session.remove()
    return sorted(db.session.scalars(db.select(Organisation.name)))


def test_a_flushed_write_is_rolled_back_at_the_request_end(app, make_org):
    make_org(name="Kept", slug="kept")
    db.session.commit()
    db.session.add(Organisation(name="Dropped", slug="dropped"))
    db.session.flush()  # sent to the database, never committed
    db.session.remove()  # what the end of a request does
    assert names() == ["Kept"]


def test_a_write_after_reads_is_rolled_back(app, make_org):
    make_org(name="Kept", slug="kept")
    db.session.commit()
    for _ in range(6):  # enough reads for psycopg to prepare the statement
        assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 1
    db.session.execute(text("UPDATE organisation SET name = 'Changed'"))
    db.session.rollback()
    assert names() == ["Kept"]


def test_a_failed_transaction_is_rolled_back(app, make_org):
    make_org(name="Kept", slug="kept")
    db.session.commit()
    db.session.add(Organisation(name="Twin", slug="kept"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Organisation(name="After", slug="after"))
    db.session.commit()  # the connection is usable again
    assert names() == ["After", "Kept"]


def prepared(start: str) -> list[str]:
    query = text("SELECT statement FROM pg_prepared_statements WHERE statement LIKE :s")
    return list(db.session.scalars(query, {"s": start + "%"}))


def test_read_only_requests_keep_their_prepared_statements(postgres_url):
    app = make_app(postgres_url)
    kept = text("SELECT 41 + :n AS answer")
    planned = text("SELECT 40 + :n AS answer").execution_options(**PLAN_EACH_TIME)
    with app.app_context():
        for _request in range(8):  # each ends as a request does, with session.remove()
            assert db.session.scalar(kept, {"n": 1}) == 42
            assert db.session.scalar(planned, {"n": 2}) == 42
            db.session.remove()
        assert len(prepared("SELECT 41 + ")) == 1
        assert prepared("SELECT 40 + ") == []  # planned with its values each time
        db.session.execute(text("SET LOCAL statement_timeout = '5s'"))  # not a SELECT
        db.session.remove()  # a real rollback: psycopg forgets what it prepared
        assert prepared("SELECT 41 + ") == []
        db.session.remove()
        db.engine.dispose()


def test_nothing_is_prepared_when_turned_off(postgres_url):
    app = make_app(postgres_url, DATABASE_PREPARE=False)  # behind PgBouncer in transaction mode
    statement = text("SELECT 39 + :n AS answer")
    with app.app_context():
        for _request in range(8):
            assert db.session.scalar(statement, {"n": 3}) == 42
            db.session.remove()
        assert prepared("SELECT 39 + ") == []
        db.session.remove()
        db.engine.dispose()


def plans(start: str) -> tuple[int, int]:
    """How many times the statement prepared on this connection was run with its generic
    plan, and how many with a plan made for its values."""
    query = text(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE :s"
    )
    generic, custom = db.session.execute(query, {"s": start + "%"}).one()
    return generic, custom


@pytest.mark.parametrize("generic", [True, False])
def test_prepared_statements_keep_one_generic_plan_unless_turned_off(postgres_url, generic):
    """With the setting on (the default), a prepared statement is never planned again for
    its values; off, PostgreSQL chooses (plan_cache_mode auto)."""
    app = make_app(postgres_url, DATABASE_GENERIC_PLANS=generic)
    statement = text("SELECT count(*) FROM organisation WHERE slug = ANY(:slugs) AND 38 = 38")
    with app.app_context():
        mode = db.session.scalar(text("SHOW plan_cache_mode"))
        assert mode == ("force_generic_plan" if generic else "auto")
        for _request in range(8):  # psycopg prepares it on the fifth run
            assert db.session.scalar(statement, {"slugs": ["none", "either"]}) == 0
            db.session.remove()
        generic_plans, custom_plans = plans("SELECT count(*) FROM organisation WHERE slug")
        assert generic_plans + custom_plans >= 2  # run prepared from then on
        if generic:
            assert custom_plans == 0
        else:  # PostgreSQL plans the first five runs for their values before it may choose
            assert generic_plans == 0
        db.session.remove()
        db.engine.dispose()


def test_a_statement_planned_each_time_is_sent_with_its_values(postgres_url):
    """Under force_generic_plan a statement sent with its values apart would still get the
    generic plan: one marked PLAN_EACH_TIME reaches the server with them written in, quoted."""
    app = make_app(postgres_url)
    asked = text("SELECT current_query() AS sent, :word AS word, :n AS n")
    awkward = "O'Brien's %(n)s; DROP TABLE organisation --"
    with app.app_context():
        sent, word, n = db.session.execute(
            asked.execution_options(**PLAN_EACH_TIME), {"word": awkward, "n": 7}
        ).one()
        assert (word, n) == (awkward, 7)  # the value itself, not SQL
        assert "O''Brien''s" in sent and "$1" not in sent
        sent, _word, _n = db.session.execute(asked, {"word": awkward, "n": 7}).one()
        assert "$1" in sent  # the others are sent apart from their values
        assert db.session.scalar(text("SELECT count(*) FROM organisation")) == 0
        db.session.remove()
        db.engine.dispose()
