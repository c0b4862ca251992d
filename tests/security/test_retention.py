"""Retention: old contact requests lose the person's name and contact details."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from community_hub.extensions import db
from community_hub.people.models import ContactRequest, PeerSupporter, RequestStatus
from community_hub.people.retention import (
    ERASED_NAME,
    due_for_erasure,
    purge_contact_requests,
)

NOW = datetime(2027, 3, 1, 9, 0)


@pytest.fixture
def make_request(make_org: Callable[..., Any]) -> Callable[..., ContactRequest]:
    organisation = make_org()
    peer = PeerSupporter(
        slug="peer-jo", display_name="Jo", area="Doncaster", organisation=organisation
    )
    peer.place_at(53.5228, -1.1285)
    db.session.add(peer)

    def build(age_days: int, handled_days_ago: int | None = None) -> ContactRequest:
        request = ContactRequest(
            peer=peer,
            organisation_id=organisation.id,
            first_name="Sam",
            contact_method="phone",
            reply_phone="07700 900123",
            reply_email="",
            message="I'd like someone to come with me to my first meeting.",
            consent_to_contact=True,
            created_at=NOW - timedelta(days=age_days),
        )
        if handled_days_ago is not None:
            request.status = RequestStatus.HANDLED.value
            request.handled_at = NOW - timedelta(days=handled_days_ago)
            request.handled_note = "Called Sam back; meeting Tuesday."
        db.session.add(request)
        db.session.commit()
        return request

    return build


def assert_erased(request: ContactRequest) -> None:
    assert request.first_name == ERASED_NAME
    assert request.reply_phone == request.reply_email == ""
    assert request.message == request.handled_note == ""
    assert request.erased_at == NOW


def test_old_handled_requests_lose_their_personal_details(make_request):
    old = make_request(age_days=200, handled_days_ago=91)
    recent = make_request(age_days=200, handled_days_ago=89)

    report = purge_contact_requests(90, now=NOW)
    db.session.commit()

    assert (report.handled, report.expired) == (1, 0)
    assert_erased(old)
    assert old.status == RequestStatus.HANDLED.value
    assert old.handled_at is not None and old.contact_method == "phone"  # counts still work
    assert recent.first_name == "Sam" and recent.reply_phone == "07700 900123"


def test_unanswered_requests_expire_after_the_period(make_request):
    stale = make_request(age_days=91)
    waiting = make_request(age_days=10)

    report = purge_contact_requests(90, now=NOW)

    assert (report.handled, report.expired) == (0, 1)
    assert_erased(stale)
    assert stale.status == RequestStatus.EXPIRED.value
    assert waiting.status == RequestStatus.NEW.value and waiting.first_name == "Sam"


def test_purging_twice_changes_nothing_more(make_request):
    make_request(age_days=300, handled_days_ago=200)
    purge_contact_requests(90, now=NOW)

    assert due_for_erasure(90, now=NOW + timedelta(days=1)) == []
    assert purge_contact_requests(90, now=NOW).total == 0


def test_the_period_must_be_at_least_a_day(app):
    with pytest.raises(ValueError, match="at least 1 day"):
        purge_contact_requests(0)


def test_the_command_uses_the_configured_period(app, runner, make_request):
    app.config["CONTACT_REQUEST_RETENTION_DAYS"] = 30
    now = datetime.now()
    request = make_request(age_days=0)
    request.created_at = now - timedelta(days=31)
    db.session.commit()

    dry = runner.invoke(args=["purge-contact-requests", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "1 contact requests older than 30 days would be erased" in dry.output
    db.session.refresh(request)
    assert request.first_name == "Sam"

    done = runner.invoke(args=["purge-contact-requests"])

    assert done.exit_code == 0, done.output
    assert "Erased 1 contact requests older than 30 days" in done.output
    db.session.refresh(request)
    assert request.first_name == ERASED_NAME
    assert request.status == RequestStatus.EXPIRED.value


def test_the_command_refuses_a_period_under_a_day(runner):
    result = runner.invoke(args=["purge-contact-requests", "--days", "0"])

    assert result.exit_code != 0
    assert "--days" in result.output


def test_the_daily_reminders_job_applies_the_retention_rule(app, runner, make_request):
    app.config["CONTACT_REQUEST_RETENTION_DAYS"] = 30
    request = make_request(age_days=0)
    request.created_at = datetime.now() - timedelta(days=31)
    db.session.commit()

    done = runner.invoke(args=["reminders"])

    assert done.exit_code == 0, done.output
    assert "Erased the details of 1 old contact requests" in done.output
    db.session.refresh(request)
    assert request.first_name == ERASED_NAME
