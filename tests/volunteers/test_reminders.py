"""`flask reminders` queues through the outbox and sends to a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from community_hub.dates import long_date
from community_hub.extensions import db
from community_hub.jobs.cli import reminders_command
from community_hub.jobs.models import MailStatus, OutboxMessage, ReminderSent
from community_hub.volunteers.placement_models import PlacementStatus as S
from community_hub.volunteers.reminders import offset_reached, parse_offsets
from community_hub.volunteers.services import start_renewal
from tests.mail_fixtures import Inbox, free_port
from tests.volunteers.factories import TODAY, expiring_in, record, supervise


@pytest.fixture
def app_config(smtp: tuple[Inbox, int]) -> dict[str, Any]:
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp[1],
        "MAIL_FROM": "hub@example.org",
        "MAIL_RETRY_SECONDS": 0,  # a failed send is due again at once
    }


def run(runner: Any, day: Any) -> Any:
    result = runner.invoke(reminders_command, ["--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def dbs_expiring(make_requirement, make_volunteer):
    """Pip's enhanced DBS, expiring 100 days from today."""
    dbs = make_requirement(name="DBS check")
    volunteer = make_volunteer(first_name="Pip", email="pip@example.org")
    check = record(volunteer, dbs, expiring_in(dbs, 100))
    return volunteer, check


def test_offsets_send_on_the_right_days_only(runner, inbox, dbs_expiring):
    _volunteer, check = dbs_expiring
    expires = check.expires_on
    expected = [
        ("jo@example.org", "Pip: DBS check expires on " + long_date(expires)),
        ("pip@example.org", "Your DBS check expires on " + long_date(expires)),
    ]
    for days_before, sends in [
        (61, False),
        (60, True),
        (59, False),
        (31, False),
        (30, True),
        (29, False),
        (8, False),
        (7, True),
        (1, False),
        (0, False),
        (-1, False),
    ]:
        result = run(runner, expires - timedelta(days=days_before))
        assert inbox.take() == (expected if sends else []), days_before
        assert f"{2 if sends else 0} reminders queued" in result.output
        assert f"{2 if sends else 0} emails sent" in result.output
    offsets = sorted(r.offset_days for r in db.session.scalars(db.select(ReminderSent)))
    assert offsets == [7, 7, 30, 30, 60, 60]


def test_running_twice_the_same_day_sends_nothing_new(runner, inbox, dbs_expiring):
    _volunteer, check = dbs_expiring
    day = check.expires_on - timedelta(days=30)
    first = run(runner, day)
    assert len(inbox.take()) == 2 and "Sent: pip@example.org" in first.output
    second = run(runner, day)
    assert inbox.take() == [] and "0 reminders queued" in second.output


def test_a_missed_day_still_sends_the_reminder_once(runner, inbox, dbs_expiring):
    _volunteer, check = dbs_expiring
    run(runner, check.expires_on - timedelta(days=28))  # the cron job missed day 30
    assert len(inbox.take()) == 2
    run(runner, check.expires_on - timedelta(days=27))
    assert inbox.take() == []


def test_a_renewal_in_progress_gets_no_reminders(runner, inbox, dbs_expiring):
    _volunteer, check = dbs_expiring
    start_renewal(check, TODAY)
    db.session.commit()
    for days_before in (60, 30, 7):
        run(runner, check.expires_on - timedelta(days=days_before))
    assert inbox.take() == []


def test_contact_preference_none_means_only_the_coordinator_hears(
    runner, inbox, make_requirement, make_volunteer
):
    dbs = make_requirement(name="DBS check")
    volunteer = make_volunteer(first_name="Quin", email="quin@example.org")
    volunteer.contact_preference = "none"
    db.session.commit()
    check = record(volunteer, dbs, expiring_in(dbs, 100))
    run(runner, check.expires_on - timedelta(days=7))
    assert [to for to, _subject in inbox.take()] == ["jo@example.org"]


def test_overdue_supervision_reaches_the_coordinator_once_per_cycle(
    runner, inbox, make_volunteer, make_placement, programme
):
    volunteer = make_volunteer(first_name="Rae", email="rae@example.org")
    placement = make_placement(
        volunteer, S.ACTIVE.value, started_on=TODAY - timedelta(days=90), supervision_every_days=28
    )
    supervise(placement, 40)  # due 12 days ago

    result = run(runner, TODAY)
    assert inbox.take() == [("jo@example.org", "Supervision overdue: Rae at Beacon Recovery Café")]
    assert "was due" not in result.output  # the body is in the email, not the log
    run(runner, TODAY + timedelta(days=1))
    assert inbox.take() == []

    supervise(placement, 0)  # a new session starts a new cycle
    run(runner, TODAY + timedelta(days=29))
    assert [to for to, _s in inbox.take()] == ["jo@example.org"]


def test_holds_are_made_and_reported(
    runner, inbox, make_requirement, make_volunteer, make_placement
):
    dbs = make_requirement(name="DBS check")
    volunteer = make_volunteer(first_name="Sol")
    record(volunteer, dbs, expiring_in(dbs, -2))
    placement = make_placement(volunteer, S.ACTIVE.value)
    result = run(runner, TODAY)
    assert "On hold: Sol at Beacon Recovery Café (Automatic hold: DBS check: expired on" in (
        result.output
    )
    assert "1 placements put on hold" in result.output
    db.session.refresh(placement)
    assert placement.status == S.ON_HOLD.value


def test_a_message_that_cannot_be_sent_waits_and_goes_next_time(app, runner, smtp, dbs_expiring):
    _volunteer, check = dbs_expiring
    day = check.expires_on - timedelta(days=7)
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    result = run(runner, day)  # not a failure: the emails wait in the outbox
    assert "Not sent yet, will try again: pip@example.org" in result.output
    waiting = db.session.scalars(db.select(OutboxMessage)).all()
    assert [(m.status, m.attempts) for m in waiting] == [(MailStatus.QUEUED.value, 1)] * 2

    inbox, port = smtp
    app.config["MAIL_PORT"] = port
    result = run(runner, day)
    assert len(inbox.take()) == 2 and "0 reminders queued" in result.output


def test_offsets_come_from_the_configuration():
    assert parse_offsets("14, 90,3") == (90, 14, 3)
    assert parse_offsets([60, 30, 7]) == (60, 30, 7)
    assert offset_reached(45, (60, 30, 7)) == 60
    assert offset_reached(61, (60, 30, 7)) is None
    assert offset_reached(-1, (60, 30, 7)) is None
    with pytest.raises(ValueError, match="whole numbers"):
        parse_offsets("sixty")
