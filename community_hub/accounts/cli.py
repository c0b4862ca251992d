"""`flask init-site --admin-email E`: the first administrator of a new, empty site."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from community_hub.accounts import invitations
from community_hub.auth.models import Role, User
from community_hub.extensions import db
from community_hub.meetings import fellowships
from community_hub.meetings.services import ValidationFailed


@click.command("init-site")
@click.option("--admin-email", required=True, help="The first administrator's email address.")
@with_appcontext
def init_site_command(admin_email: str) -> None:
    """Invite the first administrator (only while the site has none); prints the link too."""
    if db.session.scalar(select(User.id).where(User.role == Role.ADMIN.value).limit(1)):
        raise click.ClickException(
            "This site already has an administrator. They can invite others from /admin/people."
        )
    try:
        invitation, link = invitations.invite(admin_email, Role.ADMIN.value, None, None)
    except ValidationFailed as failed:
        db.session.rollback()
        raise click.ClickException(" ".join(failed.errors.values())) from failed
    added = fellowships.ensure_standard()
    db.session.commit()
    if added:
        click.echo(f"Added the standard fellowships: {', '.join(added)}.")
    click.echo(f"Invitation for {invitation.email} queued; `flask send-mail` sends it.")
    click.echo(f"It works once, until {invitation.expires_at:%Y-%m-%d %H:%M} UTC. The link:")
    click.echo(link)
