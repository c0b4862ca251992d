"""Public searches run without a transaction on PostgreSQL (web.reads_only)."""

from __future__ import annotations

from community_hub.extensions import db
from community_hub.web import reads_only


def autocommit() -> bool:
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        return bool(connection.connection.dbapi_connection.autocommit)  # type: ignore[union-attr]
    return connection.connection.dbapi_connection.isolation_level is None  # type: ignore[union-attr]


@reads_only
def autocommit_in_view() -> bool:
    return autocommit()


def test_a_read_only_view_runs_in_autocommit_on_postgresql_only(app):
    on_postgresql = db.engine.dialect.name == "postgresql"
    with app.test_request_context("/"):
        db.session.close()
        assert autocommit_in_view() is on_postgresql
        if on_postgresql:  # the connection goes back as it came, and the next one is ordinary
            assert not db.session().in_transaction()
        assert autocommit() is False


def test_a_request_that_already_used_the_database_keeps_its_transaction(app, make_org):
    make_org()
    with app.test_request_context("/"):
        db.session.close()
        db.session.execute(db.select(1))  # a signed-in user's lookup, say
        assert autocommit_in_view() is False
        assert db.session().in_transaction()


def test_searches_still_answer_in_autocommit(client, make_meeting):
    make_meeting(name="Found", venue_latitude=53.52, venue_longitude=-1.13)
    db.session.close()
    body = client.get("/api/v1/meetings?lat=53.52&lng=-1.13&radius_km=5").get_json()
    assert [m["name"] for m in body["meetings"]] == ["Found"]
    page = client.get("/?lat=53.52&lng=-1.13&radius=5km").get_data(as_text=True)
    assert "Found" in page
