"""`flask reminders`: run daily (by cron) to email expiry and supervision reminders."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from community_hub.mail import send_mail
from community_hub.volunteers.reminders import DEFAULT_OFFSETS, parse_offsets, run_reminders


def _local_today() -> date:
    """Today where the programmes run (a cron job at 00:30 must not act on yesterday)."""
    return datetime.now(ZoneInfo(current_app.config.get("DEFAULT_TIMEZONE") or "UTC")).date()


@click.command("reminders")
@click.option(
    "--today",
    "today_text",
    default="",
    metavar="YYYY-MM-DD",
    help="Run as if it were this day (for testing); default: today.",
)
@with_appcontext
def reminders_command(today_text: str) -> None:
    """Daily: check and supervision reminders, follow-ups due, and contact-request retention."""
    try:
        today = date.fromisoformat(today_text) if today_text else _local_today()
    except ValueError as error:
        raise click.BadParameter("Use a date like 2026-11-23.", param_hint="--today") from error
    offsets = parse_offsets(current_app.config.get("REMINDER_OFFSETS_DAYS", DEFAULT_OFFSETS))
    report = run_reminders(today, offsets, send_mail)
    # The daily job also applies the contact-request retention rule, so it is never forgotten.
    from community_hub.extensions import db
    from community_hub.people.retention import purge_contact_requests

    purged = purge_contact_requests(int(current_app.config["CONTACT_REQUEST_RETENTION_DAYS"]))
    db.session.commit()
    for placement in report.held:
        click.echo(
            f"On hold: {placement.volunteer.first_name} at {placement.host.name} "
            f"({placement.hold_reason})"
        )
    for line in report.sent:
        click.echo(f"Sent: {line}")
    for line in report.failed:
        click.echo(f"Not sent: {line}", err=True)
    click.echo(
        f"{today.isoformat()}: {len(report.sent)} reminders sent, {len(report.failed)} failed, "
        f"{len(report.held)} placements put on hold (offsets: "
        f"{', '.join(str(o) for o in offsets)} days)."
    )
    if purged.total:
        click.echo(f"Erased the details of {purged.total} old contact requests.")
    if report.failed:
        raise SystemExit(1)
