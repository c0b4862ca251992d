"""`flask reset-2fa EMAIL`: for someone who has lost the phone with their authenticator app."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from community_hub.auth.services import find_user
from community_hub.auth.totp import disable
from community_hub.extensions import db


@click.command("reset-2fa")
@click.argument("email")
@with_appcontext
def reset_2fa_command(email: str) -> None:
    """Turn off a user's two-step sign-in and sign them out everywhere."""
    user = find_user(email)
    if user is None:
        raise click.UsageError(f"No account for {email.strip().lower()}.")
    if not user.has_second_factor:
        click.echo(f"{user.email} does not use two-step sign-in: nothing to reset.")
        return
    disable(user)
    db.session.commit()
    click.echo(
        f"Two-step sign-in is off for {user.email} and they are signed out everywhere. "
        "Check who asked before telling them; they can set it up again from their account page."
    )
