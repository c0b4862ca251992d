"""Signing in and out, safe redirects, rate limits, deny-by-default and creating accounts."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest

from community_hub.extensions import db
from tests.conftest import PASSWORD

WRONG_PASSWORD = "wrong-password"
NO_MATCH = "That email address and password do not match an account."
TOO_MANY = "Too many attempts. Please wait a minute and try again."


def signed_in_user_id(client: Any) -> str | None:
    """The id of the user this client is signed in as (the login token is "id-version")."""
    with client.session_transaction() as session:
        token = session.get("_user_id")
    return token.partition("-")[0] if token else None


def location_path(response: Any) -> str:
    """The path a redirect points to, refusing any redirect that leaves this site."""
    parts = urlsplit(response.headers["Location"])
    assert parts.scheme in ("", "http")
    assert parts.netloc in ("", "localhost")
    return parts.path


# ---- signing in and out ----------------------------------------------------------------------


def test_sign_in_sets_the_session_and_opens_the_dashboard(client, auth, make_user):
    coordinator = make_user("coordinator")

    response = auth.login(coordinator)

    assert response.status_code == 302
    assert location_path(response) == "/manage/"
    assert signed_in_user_id(client) == str(coordinator.id)
    assert client.get("/manage/").status_code == 200
    db.session.refresh(coordinator)
    assert coordinator.last_login_at is not None


def test_sign_in_ignores_the_case_of_the_email_address(client, make_user):
    coordinator = make_user("coordinator", email="sam@example.org")

    response = client.post("/login", data={"email": " SAM@Example.org ", "password": PASSWORD})

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(coordinator.id)


def test_wrong_password_is_refused_without_a_session(client, auth, make_user):
    coordinator = make_user("coordinator")

    response = auth.login(coordinator, password="not-the-password")

    assert response.status_code == 400
    assert NO_MATCH in unescape(response.get_data(as_text=True))
    assert signed_in_user_id(client) is None
    assert client.get("/manage/").status_code == 302


def test_unknown_email_gets_the_same_message(client, make_user):
    make_user("coordinator", email="known@example.org")

    response = client.post("/login", data={"email": "nobody@example.org", "password": PASSWORD})

    assert response.status_code == 400
    assert NO_MATCH in unescape(response.get_data(as_text=True))
    assert signed_in_user_id(client) is None


def test_inactive_user_cannot_sign_in(client, auth, make_user):
    former = make_user("coordinator", active=False)

    response = auth.login(former)

    assert response.status_code == 400
    assert NO_MATCH in unescape(response.get_data(as_text=True))
    assert signed_in_user_id(client) is None


def test_empty_form_explains_what_is_missing(client):
    response = client.post("/login", data={"email": "", "password": ""})

    assert response.status_code == 400
    page = unescape(response.get_data(as_text=True))
    assert "Enter your email address." in page
    assert "Enter your password." in page


def test_logout_is_post_only(client, auth, make_user):
    auth.login(make_user("coordinator"))

    assert client.get("/logout").status_code == 405
    assert signed_in_user_id(client) is not None


def test_logout_ends_the_session(client, auth, make_user):
    auth.login(make_user("coordinator"))

    response = auth.logout()

    assert response.status_code == 302
    assert location_path(response) == "/home"
    assert signed_in_user_id(client) is None
    after = client.get("/manage/")
    assert after.status_code == 302
    assert location_path(after) == "/login"


# ---- where sign-in leads ---------------------------------------------------------------------


def test_next_is_followed_for_a_local_path(client, make_user):
    volunteer = make_user("volunteer")

    response = client.post(
        "/login?next=/manage/", data={"email": volunteer.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert location_path(response) == "/manage/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "manage/",
    ],
)
def test_next_is_ignored_when_it_leaves_the_site(client, make_user, target):
    volunteer = make_user("volunteer")

    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": volunteer.email, "password": PASSWORD},
    )

    assert response.status_code == 302
    assert location_path(response) == "/volunteers/me"  # a volunteer's start page
    assert "evil" not in response.headers["Location"]


def test_login_page_redirects_someone_already_signed_in(client, auth, make_user):
    auth.login(make_user("coordinator"))

    response = client.get("/login")

    assert response.status_code == 302
    assert location_path(response) == "/manage/"


# ---- deny by default -------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/manage/")

    assert response.status_code == 302
    parts = urlsplit(response.headers["Location"])
    assert parts.path == "/login"
    assert "next=" in parts.query


def test_public_pages_need_no_account(client):
    assert client.get("/login").status_code == 200
    assert client.get("/help").status_code == 200
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("role", ["volunteer", "worker", "commissioner"])
def test_other_roles_cannot_manage_listings(client, auth, make_user, role):
    auth.login(make_user(role))

    assert client.get("/manage/").status_code == 403
    assert client.get("/manage/meetings/new").status_code == 403


def test_admin_can_open_the_dashboard(client, auth, make_user):
    auth.login(make_user("admin"))

    assert client.get("/manage/").status_code == 200


# ---- passwords -------------------------------------------------------------------------------


def test_passwords_are_stored_hashed(make_user):
    user = make_user("coordinator")

    assert user.password_hash != PASSWORD
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD.upper())


# ---- rate limits -----------------------------------------------------------------------------


class TestLoginRateLimits:
    """Guessing is slowed per address (many accounts) and per account (many addresses)."""

    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "5 per minute",
            "LOGIN_ACCOUNT_RATE_LIMIT": "3 per minute",
        }

    @staticmethod
    def attempt(client: Any, email: str, address: str, password: str = WRONG_PASSWORD) -> Any:
        return client.post(
            "/login",
            data={"email": email, "password": password},
            environ_base={"REMOTE_ADDR": address},
        )

    def test_one_account_is_limited_across_addresses(self, client, make_user):
        user = make_user("coordinator")

        codes = [self.attempt(client, user.email, f"192.0.2.{n}").status_code for n in range(1, 4)]
        blocked = self.attempt(client, user.email, "192.0.2.99", password=PASSWORD)

        assert codes == [400, 400, 400]
        assert blocked.status_code == 429
        assert TOO_MANY in unescape(blocked.get_data(as_text=True))
        assert signed_in_user_id(client) is None  # even the right password waits

    def test_the_account_limit_ignores_case_and_spaces(self, client, make_user):
        user = make_user("coordinator", email="case@example.org")

        for n, spelling in enumerate(["case@example.org", "CASE@example.org", " Case@Example.org"]):
            assert self.attempt(client, spelling, f"192.0.2.{n + 1}").status_code == 400
        assert self.attempt(client, user.email.upper(), "192.0.2.50").status_code == 429

    def test_other_accounts_are_not_locked_out(self, client, make_user):
        target = make_user("coordinator")
        bystander = make_user("coordinator")
        for n in range(1, 5):
            self.attempt(client, target.email, f"192.0.2.{n}")

        response = self.attempt(client, bystander.email, "198.51.100.1", password=PASSWORD)

        assert response.status_code == 302
        assert signed_in_user_id(client) == str(bystander.id)

    def test_one_address_is_limited_across_accounts(self, client, make_user):
        users = [make_user("coordinator") for _ in range(6)]

        codes = [self.attempt(client, u.email, "203.0.113.7").status_code for u in users[:5]]
        blocked = self.attempt(client, users[5].email, "203.0.113.7", password=PASSWORD)

        assert codes == [400] * 5
        assert blocked.status_code == 429
        assert TOO_MANY in unescape(blocked.get_data(as_text=True))
        assert signed_in_user_id(client) is None
        elsewhere = self.attempt(client, users[5].email, "203.0.113.8", password=PASSWORD)
        assert elsewhere.status_code == 302

    def test_viewing_the_form_is_not_limited(self, client):
        for _ in range(8):
            assert client.get("/login").status_code == 200


def test_rate_limits_are_off_unless_enabled(client, make_user):
    user = make_user("coordinator")
    codes = {
        client.post("/login", data={"email": user.email, "password": "wrong"}).status_code
        for _ in range(12)
    }
    assert codes == {400}


# ---- CSRF ------------------------------------------------------------------------------------


class TestLoginCsrf:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": True}

    def test_post_without_a_token_is_refused(self, client, make_user):
        user = make_user("coordinator")

        response = client.post("/login", data={"email": user.email, "password": PASSWORD})

        assert response.status_code == 400
        assert "This form has expired" in unescape(response.get_data(as_text=True))
        assert signed_in_user_id(client) is None

    def test_post_with_the_page_token_signs_in(self, client, make_user):
        user = make_user("coordinator")
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token is not None

        response = client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token[1]}
        )

        assert response.status_code == 302
        assert signed_in_user_id(client) == str(user.id)


def test_a_second_client_is_not_signed_in(app, client, auth, make_user):
    """Each browser is its own session: signing in on one does not sign in another."""
    auth.login(make_user("coordinator"))
    assert client.get("/manage/").status_code == 200
    assert app.test_client().get("/manage/").status_code == 302


def test_backslash_next_is_not_followed(client, make_user):
    user = make_user("coordinator")
    response = client.post(
        "/login?next=/%5Cevil.example",
        data={"email": user.email, "password": "correct-horse-battery"},
    )
    assert "evil" not in response.headers["Location"]
