"""`flask backup PATH` and `flask restore PATH`: the whole database to a file and back."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from community_hub.backup import BackupError, backup_database, database_label, restore_database


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path: str) -> None:
    """Copy the whole database to a new file at PATH (readable by you only)."""
    try:
        result = backup_database(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Backed up {database_label()} to {result.path} ({result.size_bytes:,} bytes). "
        "It holds personal data: store it encrypted, with the same care as the database."
    )


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace the data without asking first.")
@with_appcontext
def restore_command(path: str, yes: bool) -> None:
    """Replace EVERYTHING in the database with the backup at PATH."""
    if not yes:
        click.confirm(
            f"This replaces every record in {database_label()} with the backup {path}. Continue?",
            default=False,
            abort=True,
        )
    try:
        backend = restore_database(path)
    except BackupError as error:
        raise click.ClickException(f"{error} Nothing was changed.") from error
    click.echo(
        f"Restored {database_label()} ({backend}) from {path}. "
        "If the backup came from an older version, run `flask db upgrade` next."
    )
