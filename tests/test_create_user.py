"""`flask create-user`: working accounts, clear refusals, nothing saved on failure."""

from __future__ import annotations

from sqlalchemy import func, select

from community_hub.auth.models import User
from community_hub.extensions import db


def create_user_args(
    email: str, role: str = "coordinator", organisation: str = "", password: str = ""
) -> list[str]:
    """Arguments for `flask create-user`; without a password the command prompts for one."""
    args = ["create-user", "--email", email, "--role", role]
    if organisation:
        args += ["--organisation", organisation]
    if password:
        args += ["--password", password]
    return args


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


# ---- flask create-user -----------------------------------------------------------------------


def test_create_user_command_makes_a_working_account(client, runner, make_org):
    org = make_org()
    db.session.commit()

    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "New.Person@example.org",
            "--role",
            "coordinator",
            "--name",
            "Ann",
            "--organisation",
            org.slug,
            "--password",
            "a-long-unusual-password",
        ]
    )

    assert result.exit_code == 0, result.output
    assert "Created coordinator new.person@example.org." in result.output
    user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert user is not None
    assert user.organisation_id == org.id
    assert user.role == "coordinator"
    assert user.display_name == "Ann"
    assert user.password_hash.startswith("scrypt:")
    assert "a-long-unusual-password" not in result.output
    response = client.post(
        "/login", data={"email": "new.person@example.org", "password": "a-long-unusual-password"}
    )
    assert response.status_code == 302


def test_create_user_command_asks_twice_for_the_password(runner, make_org):
    org = make_org()
    db.session.commit()
    password = "typed-at-the-prompt-123"

    result = runner.invoke(
        args=create_user_args("prompted@example.org", organisation=org.slug),
        input=f"{password}\n{password}\n",
    )

    assert result.exit_code == 0, result.output
    assert password not in result.output  # the prompt hides what is typed
    user = db.session.scalar(select(User).where(User.email == "prompted@example.org"))
    assert user is not None
    assert user.check_password(password)


def test_create_user_command_refuses_a_short_password(runner, make_org):
    org = make_org()
    db.session.commit()
    before = user_count()

    result = runner.invoke(
        args=create_user_args("short@example.org", organisation=org.slug, password="short")
    )

    assert result.exit_code != 0
    assert "Use at least 12 characters." in result.output
    assert user_count() == before


def test_create_user_command_refuses_an_unknown_organisation(runner):
    before = user_count()

    result = runner.invoke(
        args=create_user_args(
            "lost@example.org", organisation="no-such-org", password="a-long-unusual-password"
        )
    )

    assert result.exit_code != 0
    assert "No organisation with slug 'no-such-org'." in result.output
    assert user_count() == before


def test_create_user_command_refuses_a_duplicate_email(runner, make_user):
    existing = make_user("admin")
    before = user_count()

    result = runner.invoke(
        args=create_user_args(
            existing.email.upper(), role="admin", password="a-long-unusual-password"
        )
    )

    assert result.exit_code != 0
    assert f"An account for {existing.email} already exists." in result.output
    assert user_count() == before
