"""`flask reminders` (daily) and `flask send-mail` (every few minutes), both for cron."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from community_hub.jobs.daily import run_daily
from community_hub.jobs.outbox import Delivery, deliver_due
from community_hub.volunteers.hold_reasons import describe as describe_hold
from community_hub.volunteers.reminders import DEFAULT_OFFSETS, parse_offsets


def _local_today() -> date:
    """Today where the programmes run (a cron job at 00:30 must not act on yesterday)."""
    return datetime.now(ZoneInfo(current_app.config.get("DEFAULT_TIMEZONE") or "UTC")).date()


def _report_delivery(delivery: Delivery) -> None:
    for line in delivery.sent:
        click.echo(f"Sent: {line}")
    for line in delivery.retrying:
        click.echo(f"Not sent yet, will try again: {line}", err=True)
    for line in delivery.failed:
        click.echo(f"Failed for good: {line}", err=True)
    click.echo(
        f"{len(delivery.sent)} emails sent, {len(delivery.retrying)} to try again, "
        f"{len(delivery.failed)} failed, {delivery.cancelled} no longer needed."
    )
    if delivery.failed:
        raise SystemExit(1)


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
    """Daily: holds, reminders, follow-ups due, retention, digests, then send the mail."""
    try:
        today = date.fromisoformat(today_text) if today_text else _local_today()
    except ValueError as error:
        raise click.BadParameter("Use a date like 2026-11-23.", param_hint="--today") from error
    offsets = parse_offsets(current_app.config.get("REMINDER_OFFSETS_DAYS", DEFAULT_OFFSETS))
    report = run_daily(today, offsets)
    for placement in report.held:
        click.echo(
            f"On hold: {placement.volunteer.first_name} at {placement.host.name} "
            f"({describe_hold(placement.hold_reason)})"
        )
    for message in report.queued:
        click.echo(f"Queued: {message.recipient}: {message.subject}")
    click.echo(
        f"{today.isoformat()}: {len(report.queued)} reminders queued, "
        f"{len(report.held)} placements put on hold (offsets: "
        f"{', '.join(str(o) for o in offsets)} days), {report.digests} daily digests."
    )
    for what, count in report.erased.items():
        if count:
            click.echo(f"Erased the details of {count} {what}.")
    _report_delivery(report.delivery)


@click.command("send-mail")
@with_appcontext
def send_mail_command() -> None:
    """Send every queued email that is due (retrying failures with backoff)."""
    _report_delivery(deliver_due())
