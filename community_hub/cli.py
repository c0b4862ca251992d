"""Command-line tasks: `flask create-user`, `flask seed`."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from community_hub.auth.models import Organisation
from community_hub.auth.services import AccountError, create_user
from community_hub.extensions import db


@click.command("create-user")
@click.option("--email", prompt=True)
@click.option(
    "--role", type=click.Choice(["admin", "coordinator", "worker", "volunteer", "commissioner"])
)
@click.option("--name", "display_name", default="", help="First name or display name.")
@click.option("--organisation", "organisation_slug", default="", help="Organisation slug.")
@click.password_option()
def create_user_command(
    email: str, role: str, display_name: str, organisation_slug: str, password: str
) -> None:
    """Create an account (passwords are hashed; nothing is echoed)."""
    organisation = None
    if organisation_slug:
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.slug == organisation_slug)
        )
        if organisation is None:
            raise click.UsageError(f"No organisation with slug {organisation_slug!r}.")
    try:
        user = create_user(email, password, role, display_name, organisation)
    except AccountError as error:
        db.session.rollback()
        raise click.UsageError(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")


@click.command("seed")
def seed_command() -> None:
    """Load the demo region from seed/ (idempotent: safe to run again)."""
    from community_hub.seed import load_seed

    counts = load_seed()
    db.session.commit()
    click.echo(", ".join(f"{n} {name}" for name, n in counts.items()))


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_command)
