"""`flask reminders` tells each worker, once a day, how many follow-ups are due and overdue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from community_hub.extensions import db
from community_hub.referrals import consent, services
from community_hub.referrals.models import Purpose
from community_hub.referrals.services import ClientData, ReferralData
from community_hub.referrals.states import Status
from tests.helpers import today
from tests.mail_fixtures import Inbox
from tests.volunteers.test_reminders import run


@pytest.fixture
def app_config(smtp: tuple[Inbox, int]) -> dict[str, Any]:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp[1], "MAIL_FROM": "hub@example.org"}


def referral_with_follow_ups(worker, meeting, reference, planned):
    client = services.add_client(ClientData(reference=reference), worker)
    given = today() - timedelta(days=120)
    consent.give(client, "follow_up", given, "written form", worker, today())
    referral = services.make_referral(
        client,
        ReferralData(link_method="warm_handover", meeting_id=meeting.id),
        worker,
        today(),
    )
    referral.planned_first_meeting = planned
    services.move(referral, Status.FIRST_MEETING_PLANNED, worker, today())
    return client, referral


def test_workers_hear_counts_of_follow_ups_due_once_a_day(runner, inbox, worker, meeting):
    day = today()
    referral_with_follow_ups(worker, meeting, "DV-1", day - timedelta(days=7))  # day 7 due today
    referral_with_follow_ups(worker, meeting, "DV-2", day - timedelta(days=10))  # day 7 overdue
    withdrawn, _r = referral_with_follow_ups(worker, meeting, "DV-3", day - timedelta(days=12))
    consent.withdraw(withdrawn, Purpose.FOLLOW_UP, worker, day)
    db.session.commit()

    run(runner, day)
    bodies = inbox.bodies()
    assert len(bodies) == 2  # plain text and HTML
    assert not any("DV-" in body for body in bodies)  # counts only, no references
    assert inbox.take() == [(worker.email, "Follow-ups: 1 due today and 1 overdue")]

    run(runner, day)
    assert inbox.take() == []  # once a day
    run(runner, day + timedelta(days=1))
    assert inbox.take() == [(worker.email, "Follow-ups: 2 overdue")]


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("14,28", (14, 28)), ([90, 7, 30], (7, 30, 90)), ("0, 10", (10,))],
)
def test_follow_up_days_come_from_the_configuration(app, setting, expected):
    from community_hub.referrals.followups import offsets

    app.config["FOLLOW_UP_OFFSETS_DAYS"] = setting
    assert offsets() == expected
