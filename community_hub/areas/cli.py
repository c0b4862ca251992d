"""`flask areas sync`: make areas for places new to the directory (pages also do it)."""

from __future__ import annotations

import click

from community_hub.areas.services import sync
from community_hub.extensions import db


@click.group("areas")
def areas_group() -> None:
    """The area hierarchy made from the listings' places."""


@areas_group.command("sync")
def sync_command() -> None:
    """Make an area for every level of every listed place not yet in one."""
    made = sync()
    db.session.commit()
    click.echo(f"{made} new areas.")
