"""Optional two-step sign-in for staff: enrol with a code, then every sign-in asks for one."""

from __future__ import annotations

import re
import time
from html import unescape
from typing import Any

import pyotp
import pytest

from community_hub.auth import totp
from community_hub.extensions import db
from tests.conftest import PASSWORD

NO_MATCH = "That code did not match"


def code_for(secret: str, at: float | None = None, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(int((at or time.time()) + steps * 30))


def text(response: Any) -> str:
    return unescape(response.get_data(as_text=True))


def signed_in(client: Any) -> bool:
    return client.get("/account").status_code == 200


@pytest.fixture
def enrolled(make_user):
    """A coordinator with two-step sign-in on; returns (user, secret)."""
    user = make_user("coordinator")
    secret = totp.new_secret()
    totp.enable(user, secret, code_for(secret, steps=-1))  # an older step, so "now" is unused
    db.session.commit()
    return user, secret


def start_sign_in(client: Any, user: Any, **extra: Any) -> Any:
    return client.post("/login", data={"email": user.email, "password": PASSWORD, **extra})


# ---- the service -----------------------------------------------------------------------------


def test_a_code_is_accepted_one_step_either_side_of_now():
    secret = totp.new_secret()
    now = 1_800_000_000.0

    for steps in (-1, 0, 1):
        assert totp.matching_step(secret, code_for(secret, now, steps), now) is not None
    for steps in (-3, -2, 2, 3):
        assert totp.matching_step(secret, code_for(secret, now, steps), now) is None


@pytest.mark.parametrize("typed", ["12345", "1234567", "abcdef", "", "12 34 5"])
def test_malformed_codes_never_match(typed):
    assert totp.matching_step(totp.new_secret(), typed) is None


def test_a_code_can_be_typed_with_a_space(make_user):
    secret = totp.new_secret()
    code = code_for(secret)

    assert totp.matching_step(secret, f"{code[:3]} {code[3:]}") is not None


def test_a_code_cannot_be_used_twice(enrolled):
    user, secret = enrolled
    code = code_for(secret)

    assert totp.check_code(user, code) is True
    assert totp.check_code(user, code) is False


def test_volunteers_cannot_turn_it_on(make_user):
    volunteer = make_user("volunteer")
    secret = totp.new_secret()

    with pytest.raises(totp.SecondFactorError):
        totp.enable(volunteer, secret, code_for(secret))


# ---- signing in ------------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_after_the_password(client, enrolled):
    user, secret = enrolled

    response = start_sign_in(client, user)

    assert response.status_code == 302
    assert not signed_in(client)
    page = client.get("/login")
    assert "Enter your code" in text(page)

    response = client.post("/login", data={"code": code_for(secret)})

    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/"
    assert signed_in(client)


def test_a_wrong_code_is_refused_clearly(client, enrolled):
    user, _secret = enrolled
    start_sign_in(client, user)

    response = client.post("/login", data={"code": "000000"})

    assert response.status_code == 400
    assert NO_MATCH in text(response)
    assert not signed_in(client)


def test_the_code_step_expires(client, enrolled):
    user, secret = enrolled
    start_sign_in(client, user)
    with client.session_transaction() as session:
        session["_second_step"] = {**session["_second_step"], "since": time.time() - 600}

    response = client.post("/login", data={"code": code_for(secret)}, follow_redirects=True)

    assert "That took too long. Please sign in again." in text(response)
    assert not signed_in(client)


def test_next_survives_the_code_step(client, enrolled):
    user, secret = enrolled
    client.post("/login?next=/account", data={"email": user.email, "password": PASSWORD})

    response = client.post("/login", data={"code": code_for(secret)})

    assert response.headers["Location"] == "/account"


def test_start_again_forgets_the_half_finished_sign_in(client, enrolled, make_user):
    user, _secret = enrolled
    other = make_user("coordinator")
    start_sign_in(client, user)

    client.get("/login?restart=1")
    start_sign_in(client, other)

    assert signed_in(client)


class TestCodeThrottling:
    """Codes count against the same per-account limit as passwords."""

    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "50 per minute",
            "LOGIN_ACCOUNT_RATE_LIMIT": "3 per minute",
        }

    def test_guessing_codes_is_throttled(self, client, enrolled):
        user, secret = enrolled
        start_sign_in(client, user)  # 1
        assert client.post("/login", data={"code": "000000"}).status_code == 400  # 2
        assert client.post("/login", data={"code": "111111"}).status_code == 400  # 3

        blocked = client.post("/login", data={"code": code_for(secret)})

        assert blocked.status_code == 429
        assert not signed_in(client)

    def test_a_planted_email_field_does_not_escape_the_limit(self, client, enrolled):
        user, secret = enrolled
        start_sign_in(client, user)
        for n in range(2):
            client.post("/login", data={"code": "000000", "email": f"other{n}@example.org"})

        blocked = client.post("/login", data={"code": code_for(secret), "email": "x@example.org"})

        assert blocked.status_code == 429


# ---- enrolling and turning off ---------------------------------------------------------------


def test_staff_enrol_from_their_account_page(client, auth, make_user):
    user = make_user("worker")
    auth.login(user)
    assert "Set up two-step sign-in" in text(client.get("/account"))

    client.post("/account/two-step/start")
    page = text(client.get("/account/two-step/setup"))
    uri = re.search(r"otpauth://totp/[^<\s]+", page)
    assert uri is not None
    secret = pyotp.parse_uri(uri[0].replace("&amp;", "&")).secret
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in page
    assert "http" not in page.split("otpauth://")[0].split("<main")[-1]  # no QR service

    wrong = client.post("/account/two-step/setup", data={"code": "000000"})
    assert wrong.status_code == 400
    assert NO_MATCH in text(wrong)

    done = client.post("/account/two-step/setup", data={"code": code_for(secret)})

    assert done.status_code == 302
    assert signed_in(client)  # this session carries on
    db.session.refresh(user)
    assert user.totp_secret == secret
    assert "On since" in text(client.get("/account"))
    auth.logout()
    start_sign_in(client, user)
    assert not signed_in(client)


def test_turning_it_on_signs_out_other_devices(app, client, auth, make_user):
    user = make_user("coordinator")
    auth.login(user)
    laptop = app.test_client()
    laptop.post("/login", data={"email": user.email, "password": PASSWORD})
    assert signed_in(laptop)

    client.post("/account/two-step/start")
    db.session.refresh(user)
    secret = user.totp_pending_secret
    with client.session_transaction() as session:
        assert secret not in str(dict(session))  # kept on the server, not in the cookie
    client.post("/account/two-step/setup", data={"code": code_for(secret)})

    assert signed_in(client)
    assert not signed_in(laptop)


def test_a_second_factor_cannot_be_replaced_without_the_old_one(client, enrolled):
    user, secret = enrolled
    start_sign_in(client, user)
    client.post("/login", data={"code": code_for(secret)})

    client.post("/account/two-step/start")
    db.session.refresh(user)
    assert user.totp_pending_secret is None
    sneaked = totp.new_secret()
    user.totp_pending_secret = sneaked  # even a pending secret cannot replace the one in use
    db.session.commit()
    client.post("/account/two-step/setup", data={"code": code_for(sneaked)})

    db.session.refresh(user)
    assert user.totp_secret == secret


def test_volunteers_are_not_offered_it(client, auth, make_user):
    auth.login(make_user("volunteer"))

    assert "two-step" not in text(client.get("/account")).lower()
    assert client.post("/account/two-step/start").status_code == 403


def test_turning_it_off_needs_a_current_code(client, enrolled):
    user, secret = enrolled
    start_sign_in(client, user)
    client.post("/login", data={"code": code_for(secret)})

    refused = client.post("/account/two-step/off", data={"code": "000000"}, follow_redirects=True)
    assert "still on" in text(refused)
    db.session.refresh(user)
    assert user.has_second_factor

    client.post("/account/two-step/off", data={"code": code_for(secret, steps=1)})

    db.session.refresh(user)
    assert not user.has_second_factor
    assert signed_in(client)


# ---- the admin's reset -----------------------------------------------------------------------


def test_reset_2fa_turns_it_off_and_signs_the_user_out(app, runner, enrolled):
    user, secret = enrolled
    phone = app.test_client()
    start_sign_in(phone, user)
    phone.post("/login", data={"code": code_for(secret)})
    assert signed_in(phone)

    result = runner.invoke(args=["reset-2fa", user.email.upper()])

    assert result.exit_code == 0, result.output
    assert "Two-step sign-in is off" in result.output
    db.session.refresh(user)
    assert not user.has_second_factor
    assert not signed_in(phone)
    start_sign_in(phone, user)
    assert signed_in(phone)  # password alone works again


def test_reset_2fa_explains_an_unknown_or_unenrolled_account(runner, make_user):
    user = make_user("coordinator")

    unknown = runner.invoke(args=["reset-2fa", "nobody@example.org"])
    plain = runner.invoke(args=["reset-2fa", user.email])

    assert unknown.exit_code != 0
    assert "No account for nobody@example.org" in unknown.output
    assert plain.exit_code == 0
    assert "nothing to reset" in plain.output
