"""Forgotten passwords: a single-use link valid for PASSWORD_RESET_MINUTES, stored hashed.

Asking gives nothing away: the answer is the same, in words and in time, whether or not the
address has an account (the view pads its answer to a fixed time). A new password ends every
other session; staff who use two-step sign-in still need their code to sign in.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update

from community_hub.accounts import tokens
from community_hub.accounts.models import PasswordReset
from community_hub.auth.models import User, utcnow
from community_hub.auth.services import end_all_sessions, find_user, password_problem
from community_hub.extensions import db
from community_hub.jobs import emails
from community_hub.jobs.outbox import LINK_RESOLVERS, enqueue, placeholder
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import audit
from community_hub.urls import site_url

PURPOSE = "reset"


def request_reset(email: str) -> None:
    """Queue a reset link for an active account with this address; otherwise do nothing."""
    user = find_user(email)
    if user is None or not user.active:
        return
    minutes = int(current_app.config["PASSWORD_RESET_MINUTES"])
    now = utcnow()
    reset = PasswordReset(
        user=user,
        nonce=tokens.new_nonce(),
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    db.session.add(reset)
    db.session.flush()
    reset.token_hash = tokens.hashed(tokens.token_for(PURPOSE, reset.id, reset.nonce))
    enqueue(
        user,
        emails.password_reset,
        link=placeholder(PURPOSE, reset.id),
        name=user.display_name,
        minutes=minutes,
    )
    audit.record(None, "reset_asked", "user", user.id)


def _link(reset_id: int) -> str | None:
    reset = db.session.get(PasswordReset, reset_id)
    if reset is None or not reset.usable() or not reset.user.active:
        return None
    return site_url("accounts.reset", token=tokens.token_for(PURPOSE, reset.id, reset.nonce))


LINK_RESOLVERS[PURPOSE] = _link


def find_usable(token: str) -> PasswordReset | None:
    """The open reset this link belongs to, or None (unknown, used or expired)."""
    reset = tokens.row_for(PasswordReset, token)
    if reset is None or not reset.usable() or not reset.user.active:
        return None
    return reset


def complete_reset(reset: PasswordReset, password: str) -> User:
    """Set the new password, once; every other session and reset link stops working."""
    user = reset.user
    problem = password_problem(password, user.email)
    if problem:
        raise ValidationFailed({"password": problem})
    now = utcnow()
    claimed = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        raise ValidationFailed({"token": _("This link has already been used.")})
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    user.set_password(password)
    end_all_sessions(user)
    enqueue(user, emails.password_changed, name=user.display_name, link=site_url("accounts.forgot"))
    audit.record(user, "password_reset", "user", user.id)
    return user
