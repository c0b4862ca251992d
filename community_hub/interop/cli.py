"""`flask import-feed` (a file or URL, by hand) and `flask sync-feeds` (subscriptions, cron)."""

from __future__ import annotations

import click
from sqlalchemy import select

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.meetings.schedule import is_valid_timezone


def describe(report: object) -> str:
    counts = report.counts()  # type: ignore[attr-defined]
    return (
        f"add {counts['added']}, change {counts['changed']}, archive {counts['archived']}, "
        f"missing once {counts['missing']}, unchanged {counts['unchanged']}, "
        f"rejected rows {counts['rejected']}, warnings {counts['warnings']}"
    )


@click.command("import-feed")
@click.argument("location")
@click.option("--organisation", "organisation_slug", required=True, help="Organisation slug.")
@click.option("--fellowship", "fellowship_slug", default="aa", show_default=True)
@click.option("--timezone", default="", help="For rows without one (default: the organisation's).")
@click.option("--strict", is_flag=True, help="Save nothing if any row is rejected.")
@click.option("--apply", is_flag=True, help="Save the changes (default: a dry run).")
def import_feed_command(
    location: str,
    organisation_slug: str,
    fellowship_slug: str,
    timezone: str,
    strict: bool,
    apply: bool,
) -> None:
    """Import a Meeting Guide feed (.json) or meetings CSV from a FILE or URL (dry run default).

    One organisation is one source: a meeting of this organisation that the feed no longer
    lists is archived. To import several feeds, give each its own
    organisation.

    A rejected row is reported (row, slug, field, reason) and skipped while the others apply;
    with --strict nothing is saved unless every row is good.
    """
    from community_hub.interop.feed_import import FeedError, import_feed, read_upload
    from community_hub.interop.fetch import FetchFailed, fetch_once
    from community_hub.meetings import fellowships
    from community_hub.meetings.models import Fellowship

    organisation = db.session.scalar(
        select(Organisation).where(Organisation.slug == organisation_slug)
    )
    if organisation is None:
        known = db.session.scalars(select(Organisation.slug).order_by(Organisation.slug)).all()
        raise click.UsageError(
            f"No organisation has the slug {organisation_slug!r}. "
            + (f"Known: {', '.join(known)}." if known else "Create one at /admin first.")
        )
    fellowships.ensure_standard()  # saved with the import; a dry run leaves no trace
    fellowship = db.session.scalar(select(Fellowship).where(Fellowship.slug == fellowship_slug))
    if fellowship is None:
        raise click.UsageError(
            f"No fellowship has the slug {fellowship_slug!r}. "
            f"Known: {', '.join(fellowships.known_slugs())}."
        )
    if timezone and not is_valid_timezone(timezone):
        raise click.UsageError(f"{timezone!r} is not an IANA time zone such as America/Chicago.")
    try:
        if location.startswith(("https://", "http://")):
            content = fetch_once(location)
        else:
            with open(location, "rb") as handle:
                content = handle.read()
        rows = read_upload(location, content)
    except (FeedError, FetchFailed, OSError) as error:
        raise click.ClickException(str(error)) from error
    with click.progressbar(length=len(rows), label="Checking rows") as bar:
        report = import_feed(
            rows, organisation, fellowship, apply=apply, progress=bar.update,
            strict=strict, timezone=timezone,
        )  # fmt: skip
    for problem in report.errors:
        click.echo(f"  rejected: {problem}", err=True)
    for problem in report.warnings:
        click.echo(f"  warning: {problem}", err=True)
    click.echo(describe(report))
    if report.applied:
        db.session.commit()
        click.echo(
            "Applied." if report.ok else "Applied the good rows; the rejected rows were skipped."
        )
    else:
        db.session.rollback()
        if strict and report.errors:
            click.echo("Nothing was saved (--strict): fix the rows above and run again.")
        else:
            click.echo("Dry run: nothing saved. Add --apply to save.")
    if report.errors:
        raise SystemExit(1)


@click.command("sync-feeds")
@click.option("--source", "source_key", default="", help="Only this subscription (its key).")
def sync_feeds_command(source_key: str) -> None:
    """Fetch every subscribed feed (cron): one transaction per source, a report for each.

    Exits 1 when any source failed; that source is left exactly as it was.
    """
    from community_hub.interop.sync import sync_all

    results = sync_all(source_key or None)
    if not results:
        click.echo("No feed subscriptions to fetch.")
    for result in results:
        click.echo(result.line())
    if any(result.failed for result in results):
        raise SystemExit(1)
