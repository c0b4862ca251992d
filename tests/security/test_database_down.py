"""When the database goes away: a kind 503 (HTML or JSON), and recovery when it comes back."""

from __future__ import annotations

from html import unescape
from pathlib import Path

from sqlalchemy import create_engine, text

from community_hub.auth.services import create_user
from community_hub.extensions import db
from tests.conftest import PASSWORD, make_app

CLOSED_PORT = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
MESSAGE = "We cannot reach our database just now"


def test_a_page_answers_503_with_a_friendly_page():
    client = make_app(CLOSED_PORT).test_client()

    response = client.get("/meetings/some-meeting")

    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "30"
    page = unescape(response.get_data(as_text=True))
    assert "Temporarily unavailable" in page
    assert MESSAGE in page
    assert "116 123" in page  # crisis lines still shown
    assert "Traceback" not in page


def test_the_api_answers_503_in_json():
    client = make_app(CLOSED_PORT).test_client()

    response = client.get("/api/v1/meetings")

    assert response.status_code == 503
    body = response.get_json()
    assert body["error"] == "service_unavailable"
    assert MESSAGE in body["message"]


def test_a_signed_in_member_of_staff_gets_the_page_too(tmp_path: Path):
    """Loading the user is the first query of a request: it must fail kindly as well."""
    folder = tmp_path / "data"
    folder.mkdir()
    app = make_app(f"sqlite:///{folder / 'hub.sqlite3'}")
    with app.app_context():
        db.create_all()
        create_user("admin@example.org", PASSWORD, "admin", "Admin")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    client = app.test_client()
    client.post("/login", data={"email": "admin@example.org", "password": PASSWORD})
    assert client.get("/manage/").status_code == 200
    with app.app_context():
        db.engine.dispose()

    folder.rename(tmp_path / "unmounted")
    response = client.get("/manage/")

    assert response.status_code == 503
    assert MESSAGE in unescape(response.get_data(as_text=True))
    (tmp_path / "unmounted").rename(folder)
    assert client.get("/manage/").status_code == 200  # still signed in once it is back


def test_sqlite_file_gone_then_back(tmp_path: Path):
    folder = tmp_path / "data"
    folder.mkdir()
    app = make_app(f"sqlite:///{folder / 'hub.sqlite3'}")
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    client = app.test_client()
    assert client.get("/api/v1/meetings").status_code == 200

    with app.app_context():
        db.engine.dispose()  # drop open connections, as a restart or failover would
    folder.rename(tmp_path / "unmounted")
    assert client.get("/api/v1/meetings").status_code == 503
    assert client.get("/healthz").status_code == 503

    (tmp_path / "unmounted").rename(folder)
    assert client.get("/api/v1/meetings").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_postgresql_connections_killed_under_the_app_are_replaced(postgres_url: str):
    """A database restart kills every pooled connection; pool_pre_ping reconnects silently."""
    app = make_app(postgres_url)
    with app.app_context():
        db.create_all()
    client = app.test_client()
    assert client.get("/api/v1/meetings").status_code == 200

    admin = create_engine(postgres_url)
    with admin.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    admin.dispose()
    assert killed >= 1

    assert client.get("/api/v1/meetings").status_code == 200
    assert client.get("/healthz").status_code == 200
    with app.app_context():
        db.engine.dispose()
