"""One outbox for every email: queued with the change it tells about, sent by `flask send-mail`,
retried while SMTP is down, held for a daily digest when a coordinator asks for one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from community_hub.auth.models import utcnow
from community_hub.extensions import db
from community_hub.jobs import emails
from community_hub.jobs.models import MailStatus, OutboxMessage
from community_hub.jobs.outbox import deliver_due, enqueue, make_digests, notify_organisation
from tests.mail_fixtures import Inbox, free_port


class Server:
    """A real SMTP server (aiosmtpd) on a fixed port that can be stopped and started again."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    running.start()
    yield running
    running.stop()


@pytest.fixture
def app_config(server: Server) -> dict[str, Any]:
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": server.port,
        "MAIL_FROM": "hub@example.org",
        "MAIL_RETRY_SECONDS": 60,
        "MAIL_MAX_ATTEMPTS": 3,
    }


def queue(n: int, to: str = "kim@example.org") -> list[OutboxMessage]:
    messages = [
        enqueue(to, emails.follow_ups_due, name="Kim", due=i + 1, overdue=0, link="https://x/")
        for i in range(n)
    ]
    db.session.commit()
    return messages


def test_each_email_has_plain_text_and_html(app, server):
    queue(1)
    report = deliver_due()
    assert report.sent == ["kim@example.org: Follow-ups: 1 due today"]
    ((_tos, message),) = server.inbox.received
    kinds = sorted(part.get_content_type() for part in message.walk())
    assert kinds == ["multipart/alternative", "text/html", "text/plain"]
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "You have follow-ups to make: 1 due today." in plain
    assert "<p>You have follow-ups to make: 1 due today.</p>" in html


def test_nothing_is_lost_while_smtp_is_down_and_each_email_goes_exactly_once(app, runner, server):
    queue(3)
    server.stop()
    down = runner.invoke(args=["send-mail"])
    assert down.exit_code == 0, down.output  # waiting is not failing
    assert "3 to try again" in down.output
    waiting = db.session.scalars(select(OutboxMessage)).all()
    assert {(m.status, m.attempts) for m in waiting} == {(MailStatus.QUEUED.value, 1)}

    server.start()
    early = runner.invoke(args=["send-mail"])
    assert "0 emails sent" in early.output  # not due again until the backoff has passed
    for message in waiting:
        message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    up = runner.invoke(args=["send-mail"])
    assert "3 emails sent" in up.output
    assert runner.invoke(args=["send-mail"]).output.startswith("0 emails sent")
    assert sorted(s for _to, s in server.inbox.take()) == [
        "Follow-ups: 1 due today", "Follow-ups: 2 due today", "Follow-ups: 3 due today"
    ]  # fmt: skip


def test_retries_back_off_and_give_up_after_the_last_try(app, runner, server):
    (message,) = queue(1)
    server.stop()
    started = utcnow()
    gaps = []
    for attempt in range(1, 4):
        report = deliver_due(now=started)
        db.session.refresh(message)
        assert message.attempts == attempt
        if attempt < 3:
            assert report.retrying and message.status == MailStatus.QUEUED.value
            gaps.append((message.next_attempt_at - started).total_seconds())
            message.next_attempt_at = started  # let the next run try at once
            db.session.commit()
    assert gaps == [60, 120]  # MAIL_RETRY_SECONDS, doubling
    assert message.status == MailStatus.FAILED.value and "Connection" in message.last_error
    message.status, message.next_attempt_at = MailStatus.QUEUED.value, started
    message.attempts = 2
    db.session.commit()
    gave_up = runner.invoke(args=["send-mail"])
    assert gave_up.exit_code == 1 and "Failed for good" in gave_up.output


def test_a_message_claimed_by_another_run_is_not_sent_twice(app, server):
    first, _second = queue(2)
    first.status, first.claimed_at = MailStatus.SENDING.value, utcnow()  # another run has it
    db.session.commit()
    assert deliver_due().sent == ["kim@example.org: Follow-ups: 2 due today"]
    # A run that died holding it: after CLAIM_TIMEOUT the message is claimed again and sent.
    first.claimed_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    assert deliver_due().sent == ["kim@example.org: Follow-ups: 1 due today"]
    assert len(server.inbox.take()) == 2


def test_a_coordinator_who_chose_a_digest_gets_one_email_a_day(make_user, server):
    coordinator = make_user("coordinator", email_digest=True, display_name="Jo")
    for peer in ("Dean", "Kerry"):
        enqueue(coordinator, emails.contact_request, name="Jo", peer=peer, link="https://x/")
    enqueue(coordinator, emails.password_changed, name="Jo", link="https://x/")  # never held
    db.session.commit()
    assert deliver_due().sent == [
        f"{coordinator.email}: Your password for Community Hub was changed"
    ]
    assert make_digests("https://hub.example.org/login") == 1
    assert deliver_due().sent == [f"{coordinator.email}: Community Hub: 2 updates today"]
    _tos, digest = server.inbox.received[1]
    body = digest.get_body(preferencelist=("plain",)).get_content()
    assert "New request to talk to Dean" in body and "New request to talk to Kerry" in body
    statuses = db.session.scalars(
        select(OutboxMessage.status).where(OutboxMessage.kind == "contact_request")
    ).all()
    assert statuses == [MailStatus.DIGESTED.value] * 2
    assert make_digests("https://hub.example.org/login") == 0


def test_an_organisation_hears_through_its_coordinators_or_else_its_contact_address(
    make_user, make_org
):
    with_coordinators = make_org(contact_email="office@peers.example.org")
    jo = make_user("coordinator", organisation=with_coordinators, display_name="Jo")
    make_user("coordinator", organisation=with_coordinators, active=False)
    without = make_org(contact_email="Office@Other.example.org")
    silent = make_org()
    sent = notify_organisation(with_coordinators, emails.contact_request, peer="Dean", link="x")
    assert [(m.recipient, "Hello Jo," in m.body_text) for m in sent] == [(jo.email, True)]
    sent = notify_organisation(without, emails.contact_request, peer="Dean", link="x")
    assert [m.recipient for m in sent] == ["office@other.example.org"]
    assert notify_organisation(silent, emails.contact_request, peer="Dean", link="x") == []


def test_each_email_is_written_in_its_recipients_language(make_user):
    welsh = make_user("worker", language="cy", display_name="Rhys")
    english = make_user("worker", display_name="Sam")
    for person in (welsh, english):
        enqueue(person, emails.follow_ups_due, name=person.display_name, due=2, overdue=0,
                link="https://x/")  # fmt: skip
    by_person = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
    assert by_person[welsh.email].subject == "Dilyniannau: 2 yn ddyledus heddiw"
    assert "Helo Rhys," in by_person[welsh.email].body_text
    assert 'lang="cy"' in by_person[welsh.email].body_html
    assert by_person[english.email].subject == "Follow-ups: 2 due today"
