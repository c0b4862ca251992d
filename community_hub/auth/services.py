"""Account operations: create users, check passwords, decide who may manage what."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from community_hub.auth.models import Organisation, Role, User, utcnow
from community_hub.extensions import db

MIN_PASSWORD_LENGTH = 12
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COMMON_PASSWORDS = frozenset(
    {
        "password1234",
        "passwordpassword",
        "123456789012",
        "qwertyuiopas",
        "iloveyou1234",
        "letmeinletmein",
        "welcome12345",
        "changeme1234",
    }
)
# Checked with the same cost as a real hash so a missing account takes as long as a wrong password.
_DUMMY_HASH = "scrypt:32768:8:1$dummy$" + "0" * 128  # a plain string: no model built at import


class AccountError(ValueError):
    """A user-facing reason an account could not be created or changed."""


def password_problem(password: str, email: str = "") -> str | None:
    """Explain why a password is too weak, or None when it is acceptable.

    Length is what matters most, so the rules stay few: at least 12 characters not counting
    any part of the person's own email address, not a well-known password, and not one
    character repeated.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(num)d characters.", num=MIN_PASSWORD_LENGTH)
    if password.lower() in COMMON_PASSWORDS:
        return _("That password is too common.")
    if len(set(password)) < 5:
        return _("Use a mix of different characters.")
    if len(_without_email_parts(password, email)) < MIN_PASSWORD_LENGTH:
        return _(
            "Your email address does not count: use at least %(num)d other characters.",
            num=MIN_PASSWORD_LENGTH,
        )
    return None


def _without_email_parts(password: str, email: str) -> str:
    """The password with the email's name and first domain label taken out."""
    local, _at, domain = email.strip().lower().partition("@")
    remaining = password.lower()
    for part in (local, domain.split(".")[0]):
        if len(part) >= 3:
            remaining = remaining.replace(part, "")
    return remaining


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user for these credentials, or None."""
    user = find_user(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def record_login(user: User) -> None:
    """Note a completed sign-in (after the second factor, when there is one)."""
    user.last_login_at = utcnow()


def end_all_sessions(user: User) -> None:
    """Invalidate every session and remember-me cookie of this user, on every device."""
    user.session_version = (user.session_version or 0) + 1


def create_user(
    email: str,
    password: str,
    role: str,
    display_name: str,
    organisation: Organisation | None = None,
) -> User:
    """Add a user to the session after validating every field."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise AccountError("Enter an email address like name@example.org.")
    if role not in {r.value for r in Role}:
        raise AccountError(f"Role must be one of: {', '.join(r.value for r in Role)}.")
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem)
    if find_user(email):
        raise AccountError(f"An account for {email} already exists.")
    if role in (Role.COORDINATOR, Role.WORKER, Role.VOLUNTEER) and organisation is None:
        raise AccountError(f"A {role} must belong to an organisation.")
    user = User(email=email, role=role, display_name=display_name.strip() or email.split("@")[0])
    user.organisation = organisation
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def can_manage_organisation(user: User, organisation_id: int | None) -> bool:
    """Admins manage everything; coordinators manage their own organisation's listings."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.COORDINATOR and user.organisation_id == organisation_id
