"""Sessions: renewed at sign-in, ended everywhere at sign-out, staff signed out when idle."""

from __future__ import annotations

import time
from html import unescape
from typing import Any

import pytest
from flask import Flask

from community_hub import create_app
from community_hub.auth.models import Organisation
from community_hub.auth.services import create_user
from community_hub.auth.sessions import LAST_SEEN
from community_hub.extensions import db
from tests.conftest import PASSWORD

IDLE = "You were signed out after 30 minutes without activity"


def session_cookie(client: Any) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def set_last_seen(client: Any, seconds_ago: float) -> None:
    with client.session_transaction() as session:
        session[LAST_SEEN] = int(time.time() - seconds_ago)


def login(client: Any, user: Any, **extra: Any) -> Any:
    return client.post("/login", data={"email": user.email, "password": PASSWORD, **extra})


# ---- renewed at sign-in ----------------------------------------------------------------------


def test_sign_in_starts_a_fresh_session(client, make_user):
    user = make_user("coordinator")
    with client.session_transaction() as session:
        session["planted"] = "by someone else before sign-in"
    before = session_cookie(client)

    login(client, user)

    after = session_cookie(client)
    assert after is not None and after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_fresh"] is True
        assert session["_user_id"] == f"{user.id}-{user.session_version}"


def test_a_cookie_from_before_sign_in_does_not_become_signed_in(app: Flask, client, make_user):
    user = make_user("coordinator")
    with client.session_transaction() as session:
        session["planted"] = "fixation attempt"
    planted = session_cookie(client)
    login(client, user)

    attacker = app.test_client()
    attacker.set_cookie("session", planted or "")

    assert attacker.get("/manage/").status_code == 302
    assert client.get("/manage/").status_code == 200


def test_sign_out_ends_a_copied_session_too(app: Flask, client, make_user):
    login(client, make_user("coordinator"))
    copy = app.test_client()
    copy.set_cookie("session", session_cookie(client) or "")
    assert copy.get("/manage/").status_code == 200

    client.post("/logout")

    assert copy.get("/manage/").status_code == 302


def test_sign_out_clears_a_volunteers_remember_me_cookie(client, make_user):
    volunteer = make_user("volunteer")
    login(client, volunteer, remember="y")
    assert client.get_cookie("remember_token") is not None

    client.post("/logout")

    assert client.get_cookie("remember_token") is None
    assert client.get("/account").status_code == 302


def test_a_volunteers_remember_me_cookie_keeps_them_signed_in(app: Flask, client, make_user):
    login(client, make_user("volunteer"), remember="y")
    token = client.get_cookie("remember_token")
    assert token is not None

    browser_reopened = app.test_client()
    browser_reopened.set_cookie("remember_token", token.value)

    assert browser_reopened.get("/account").status_code == 200


def test_an_old_remember_me_cookie_stops_working_after_sign_out(app: Flask, client, make_user):
    volunteer = make_user("volunteer")
    login(client, volunteer, remember="y")
    token = client.get_cookie("remember_token")
    assert token is not None
    client.post("/logout")

    thief = app.test_client()
    thief.set_cookie("remember_token", token.value)

    assert thief.get("/account").status_code == 302


@pytest.mark.parametrize("role", ["coordinator", "worker", "admin", "commissioner"])
def test_staff_get_no_remember_me_cookie(client, make_user, role):
    login(client, make_user(role), remember="y")

    assert client.get_cookie("remember_token") is None


# ---- idle timeout for staff ------------------------------------------------------------------


def test_staff_idle_too_long_are_signed_out_with_a_friendly_message(client, make_user):
    login(client, make_user("coordinator"))
    set_last_seen(client, 31 * 60)

    response = client.get("/manage/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/manage/")
    page = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert IDLE in page
    assert client.get("/manage/").status_code == 302  # still signed out


def test_activity_keeps_staff_signed_in(client, make_user):
    login(client, make_user("coordinator"))
    set_last_seen(client, 29 * 60)

    assert client.get("/manage/").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session[LAST_SEEN] < 5  # the clock restarted


def test_volunteers_are_not_timed_out(client, make_user):
    login(client, make_user("volunteer"))
    set_last_seen(client, 8 * 3600)

    assert client.get("/account").status_code == 200


def test_a_public_page_still_shows_after_an_idle_sign_out(client, make_user):
    login(client, make_user("worker"))
    set_last_seen(client, 2 * 3600)

    response = client.get("/help")

    assert response.status_code == 200
    assert IDLE in unescape(response.get_data(as_text=True))
    assert client.get("/manage/").status_code == 302


def test_staff_session_without_an_idle_clock_must_sign_in_again(client, make_user):
    login(client, make_user("coordinator"))
    with client.session_transaction() as session:
        del session[LAST_SEEN]

    assert client.get("/manage/").status_code == 302


class TestShorterIdleLimit:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"STAFF_IDLE_MINUTES": 5}

    def test_the_limit_is_configurable(self, client, make_user):
        login(client, make_user("coordinator"))
        set_last_seen(client, 6 * 60)

        response = client.get("/manage/", follow_redirects=True)

        assert "You were signed out after 5 minutes without activity" in unescape(
            response.get_data(as_text=True)
        )


# ---- cookies ---------------------------------------------------------------------------------


def test_production_cookies_are_secure_httponly_and_samesite():
    app = create_app(
        {
            "APP_ENV": "production",
            "SECRET_KEY": "x" * 40,
            "SITE_URL": "https://hub.example.org",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        organisation = Organisation(name="Peers", slug="peers")
        create_user("vol@example.org", PASSWORD, "volunteer", "Vol", organisation)
        db.session.commit()
        response = app.test_client().post(
            "/login",
            base_url="https://localhost",
            data={"email": "vol@example.org", "password": PASSWORD, "remember": "y"},
        )
        db.session.remove()
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=")[0] for c in cookies} == {"session", "remember_token"}
    for cookie in cookies:
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
