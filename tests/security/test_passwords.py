"""Password rules: long, not well known, not made of the person's own email address."""

from __future__ import annotations

import pytest

from community_hub.auth.services import AccountError, create_user, password_problem


@pytest.mark.parametrize(
    ("password", "email"),
    [
        ("correct-horse-battery", "sam@example.org"),
        ("demo-password-admin", "admin@example.org"),  # the rest is still 14 characters
        ("Tea at the Basement 4pm", ""),
    ],
)
def test_long_unusual_passwords_are_accepted(password, email):
    assert password_problem(password, email) is None


@pytest.mark.parametrize(
    ("password", "email", "reason"),
    [
        ("short", "", "Use at least 12 characters."),
        ("PASSWORD1234", "", "That password is too common."),
        ("aaaaaaaaaaaaaaaa", "", "Use a mix of different characters."),
        ("sam.jones2024!", "sam.jones@example.org", "Your email address does not count"),
        ("SAM.JONES-sam.jones", "Sam.Jones@example.org", "Your email address does not count"),
        ("pathways-pathways!", "jo@pathways.org", "Your email address does not count"),
    ],
)
def test_weak_passwords_are_explained(password, email, reason):
    problem = password_problem(password, email)

    assert problem is not None
    assert problem.startswith(reason)


def test_create_user_checks_the_password_against_the_email(app):
    with pytest.raises(AccountError, match="Your email address does not count"):
        create_user("robin.hood@example.org", "robin.hood-1234", "admin", "Robin")
