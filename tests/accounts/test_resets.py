"""Forgotten passwords: the same answer either way, a one-hour single-use link, sessions end."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from sqlalchemy import select

from community_hub.accounts.models import PasswordReset
from community_hub.auth.models import utcnow
from community_hub.auth.totp import new_secret
from community_hub.extensions import db
from community_hub.referrals.models import AuditEvent
from tests.accounts.conftest import link_in, queued
from tests.conftest import PASSWORD
from tests.helpers import page

NEW_PASSWORD = "a brand new pass phrase"


def ask(client, email: str):
    return client.post("/login/forgot", data={"email": email})


def reset(client, link_path: str, password: str = NEW_PASSWORD):
    token = link_path.split("token=", 1)[1]
    return client.post(
        "/login/reset", data={"token": token, "password": password, "confirm": password}
    )


def test_the_answer_is_the_same_whether_or_not_the_account_exists(app, client, make_user):
    user = make_user("worker")
    app.config["PASSWORD_RESET_RESPONSE_SECONDS"] = 0.3
    answers, timings = [], []
    for email in (user.email, "nobody@example.org", user.email.upper(), "nobody2@example.org"):
        started = time.monotonic()
        response = ask(client, email)
        timings.append(time.monotonic() - started)
        answers.append((response.status_code, page(response)))
    assert all(answer == answers[0] for answer in answers)
    assert answers[0][0] == 200 and "Check your email" in answers[0][1]
    # Every answer waits out the same floor, so the lookup's work does not show.
    assert min(timings) >= 0.3
    assert [m.recipient for m in queued(kind="password_reset")] == [user.email, user.email]


def test_a_reset_link_works_once_and_ends_every_other_session(app, client, make_user, path_of):
    user = make_user("volunteer")
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": user.email, "password": PASSWORD})
    assert elsewhere.get("/account").status_code == 200

    ask(client, user.email)
    link = path_of(link_in(queued(kind="password_reset")[0]))
    form = client.get(link)
    assert form.status_code == 200 and form.headers["Referrer-Policy"] == "no-referrer"
    done = reset(client, link)
    assert done.status_code == 302 and done.location.endswith("/login")

    assert elsewhere.get("/account").status_code == 302  # signed out there
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 400
    )
    assert (
        client.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code
        == 302
    )
    client.post("/logout")
    assert reset(client, link, "another new pass phrase").status_code == 404
    # The person is told their password changed, in case it was not them.
    assert [m.recipient for m in queued(kind="password_changed")] == [user.email]


def test_a_link_lasts_an_hour(app, client, make_user, path_of):
    user = make_user("worker")
    ask(client, user.email)
    found = db.session.scalars(select(PasswordReset)).one()
    assert found.expires_at - found.created_at == timedelta(minutes=60)
    link = path_of(link_in(queued(kind="password_reset")[0]))
    found.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(link).status_code == 404
    gone = reset(client, link)
    assert gone.status_code == 404 and "Send me a new link" in page(gone)


def test_a_weak_new_password_is_explained_and_the_link_still_works(client, make_user, path_of):
    user = make_user("worker")
    ask(client, user.email)
    link = path_of(link_in(queued(kind="password_reset")[0]))
    weak = reset(client, link, "short")
    assert weak.status_code == 400 and "Use at least 12 characters." in page(weak)
    assert reset(client, link).status_code == 302


def test_staff_with_two_step_sign_in_still_need_their_code(client, make_user, path_of):
    user = make_user("coordinator")
    secret = new_secret()
    user.totp_secret, user.totp_enabled_at = secret, utcnow()
    db.session.commit()
    ask(client, user.email)
    reset(client, path_of(link_in(queued(kind="password_reset")[0])))
    signing_in = client.post("/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert signing_in.status_code == 302
    assert "Code from your authenticator app" in page(client.get(signing_in.location))
    code = pyotp.TOTP(secret).now()
    assert client.post("/login", data={"code": code}).status_code == 302


def test_a_deactivated_account_gets_no_link(client, make_user):
    user = make_user("worker", active=False)
    assert ask(client, user.email).status_code == 200
    assert queued(kind="password_reset") == []


def test_resets_are_audited(client, make_user, path_of):
    user = make_user("worker")
    ask(client, user.email)
    reset(client, path_of(link_in(queued(kind="password_reset")[0])))
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.subject_type == "user", AuditEvent.subject_id == user.id
        )
    ).all()
    assert actions == ["reset_asked", "password_reset"]


class TestRateLimits:
    """Asking is slowed per account (across addresses) and per address (across accounts)."""

    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {
            "RATELIMIT_ENABLED": True,
            "PASSWORD_RESET_RESPONSE_SECONDS": 0,
            "PASSWORD_RESET_ACCOUNT_RATE_LIMIT": "3 per hour",
            "PASSWORD_RESET_RATE_LIMIT": "5 per hour",
        }

    @staticmethod
    def ask_from(client: Any, email: str, address: str) -> int:
        response = client.post(
            "/login/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": address}
        )
        return int(response.status_code)

    def test_one_account_is_limited_across_addresses(self, client, make_user):
        user = make_user("worker")
        answers = [self.ask_from(client, user.email, f"192.0.2.{n}") for n in range(1, 5)]
        assert answers == [200, 200, 200, 429]
        assert len(queued(kind="password_reset")) == 3
        assert self.ask_from(client, "someone.else@example.org", "192.0.2.50") == 200

    def test_one_address_is_limited_across_accounts(self, client):
        answers = [self.ask_from(client, f"p{n}@example.org", "192.0.2.7") for n in range(6)]
        assert answers == [200] * 5 + [429]
