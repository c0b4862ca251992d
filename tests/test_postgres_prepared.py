"""A transaction that only read ends with COMMIT on PostgreSQL, so psycopg keeps the
statements marked PREPARE prepared from one request to the next (community_hub/postgres.py);
one that wrote, or failed, is still rolled back, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.postgres import PREPARE
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
    marked = text("SELECT 41 + :n AS answer").execution_options(**PREPARE)
    plain = text("SELECT 40 + :n AS answer")
    with app.app_context():
        for _request in range(8):  # each ends as a request does, with session.remove()
            assert db.session.scalar(marked, {"n": 1}) == 42
            assert db.session.scalar(plain, {"n": 2}) == 42
            db.session.remove()
        assert len(prepared("SELECT 41 + ")) == 1
        assert prepared("SELECT 40 + ") == []  # not marked: planned with its values each time
        db.session.execute(text("SET LOCAL statement_timeout = '5s'"))  # not a SELECT
        db.session.remove()  # a real rollback: psycopg forgets what it prepared
        assert prepared("SELECT 41 + ") == []
        db.session.remove()
        db.engine.dispose()
