"""The outbox: features enqueue emails; `flask send-mail` delivers them, retrying with backoff.

Enqueueing is part of the caller's transaction, so an email exists exactly when the change it
tells about was saved. Delivery claims each message (so two runs never send one twice),
sends it, and commits at once. While SMTP is down, messages wait and are tried again after
MAIL_RETRY_SECONDS, doubling each time, until MAIL_MAX_ATTEMPTS; nothing is lost.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select, update

from community_hub.auth.models import Organisation, Role, User, utcnow
from community_hub.extensions import db
from community_hub.jobs import emails
from community_hub.jobs.mailer import Mailer
from community_hub.jobs.models import MailStatus, OutboxMessage, ReminderSent

Builder = Callable[..., emails.Email]
# A claimed message whose run died is claimed again after this long.
CLAIM_TIMEOUT = timedelta(minutes=10)
# "[[link:invitation:12]]": a link with a secret in it, worked out when the email is sent.
PLACEHOLDER = re.compile(r"\[\[link:([a-z_]+):(\d+)\]\]")
# Each resolver returns the link, or None when what it pointed to is no longer valid.
LINK_RESOLVERS: dict[str, Callable[[int], str | None]] = {}


def placeholder(kind: str, row_id: int) -> str:
    """A link that is worked out at sending time by LINK_RESOLVERS[kind]."""
    return f"[[link:{kind}:{row_id}]]"


def _render(email: emails.Email) -> tuple[str, str]:
    """The plain-text and HTML bodies of an email."""
    text = "\n\n".join(email.paragraphs)
    if email.action_url:
        text += f"\n\n{email.action_label}:\n{email.action_url}"
    text += "\n\n-- \n" + str(current_app.config["SITE_NAME"]) + "\n"
    html = render_template("email/message.html", email=email)
    return text, html


def _locale_of(recipient: User | str, locale: str | None) -> str:
    if locale:
        return locale
    return (recipient.language or "en") if isinstance(recipient, User) else "en"


def enqueue(
    recipient: User | str, build: Builder, /, *, locale: str | None = None, **context: Any
) -> OutboxMessage:
    """Queue one email, written in the recipient's language, in the current transaction.

    A signed-in person who chose a daily digest gets it held for the digest instead, unless
    the email is about their own account (an invitation or a reset is never held).
    """
    language = _locale_of(recipient, locale)
    with force_locale(language):
        email = build(**context)
        text, html = _render(email)
    address = recipient.email if isinstance(recipient, User) else recipient
    held = isinstance(recipient, User) and recipient.email_digest and build in DIGESTIBLE
    message = OutboxMessage(
        kind=build.__name__,
        recipient=address.strip().lower(),
        locale=language,
        subject=email.subject[:300],
        body_text=text,
        body_html=html,
        status=(MailStatus.HELD if held else MailStatus.QUEUED).value,
    )
    db.session.add(message)
    db.session.flush()
    return message


def enqueue_once(
    key: tuple[str, int, str, int],
    recipient: User | str,
    build: Builder,
    today: date,
    **context: Any,
) -> OutboxMessage | None:
    """Queue a reminder unless this one (kind, subject, cycle, offset, recipient) already was.

    The cycle is what is being warned about (an expiry date, say), so a missed day still
    sends the reminder once, and a new cycle (a renewed check) starts afresh.
    """
    kind, subject_id, cycle, offset = key
    address = (recipient.email if isinstance(recipient, User) else recipient).strip().lower()
    already = db.session.scalar(
        select(ReminderSent.id).where(
            ReminderSent.kind == kind,
            ReminderSent.subject_id == subject_id,
            ReminderSent.cycle == cycle,
            ReminderSent.offset_days == offset,
            ReminderSent.recipient == address,
        )
    )
    if already is not None:
        return None
    db.session.add(
        ReminderSent(
            kind=kind, subject_id=subject_id, cycle=cycle, offset_days=offset,
            recipient=address, on=today,
        )
    )  # fmt: skip
    return enqueue(recipient, build, **context)


def coordinators_of(organisation_id: int) -> list[User]:
    """The active coordinators of an organisation, who hear about its listings and people."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == organisation_id,
                User.role == Role.COORDINATOR.value,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def notify_organisation(
    organisation: Organisation, build: Builder, /, **context: Any
) -> list[OutboxMessage]:
    """Tell an organisation's coordinators; with none, its contact address hears instead.

    `name` in the context is filled with each coordinator's own name.
    """
    coordinators = coordinators_of(organisation.id)
    if coordinators:
        return [enqueue(c, build, **{**context, "name": c.display_name}) for c in coordinators]
    if organisation.contact_email:
        return [enqueue(organisation.contact_email, build, **{**context, "name": ""})]
    return []


# Notifications a coordinator may take as one email a day; account emails are never held.
DIGESTIBLE: set[Builder] = {
    emails.contact_request,
    emails.change_suggestion,
    emails.volunteering_application,
    emails.check_expiring_coordinator,
    emails.supervision_overdue,
    emails.referral_offer,
    emails.feed_sync_failed,
}


def make_digests(link: str) -> int:
    """Fold each person's held notifications into one digest email; returns how many."""
    held = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == MailStatus.HELD.value)
        .order_by(OutboxMessage.recipient, OutboxMessage.id)
    ).all()
    by_recipient: dict[str, list[OutboxMessage]] = {}
    for message in held:
        by_recipient.setdefault(message.recipient, []).append(message)
    for address, messages in by_recipient.items():
        user = db.session.scalar(select(User).where(User.email == address))
        name = user.display_name if user is not None else ""
        digest = enqueue(
            address,
            emails.digest,
            locale=messages[0].locale,
            name=name,
            subjects=[m.subject for m in messages],
            link=link,
        )
        for message in messages:
            message.status = MailStatus.DIGESTED.value
            message.digest_id = digest.id
    db.session.commit()
    return len(by_recipient)


@dataclass
class Delivery:
    sent: list[str] = field(default_factory=list)  # "recipient: subject"
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # gave up in this run
    cancelled: int = 0


def _claim(now: datetime, limit: int) -> list[int]:
    """Mark due messages as being sent by this run, and return their ids."""
    stale = now - CLAIM_TIMEOUT
    candidates = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            ((OutboxMessage.status == MailStatus.QUEUED.value)
             & (OutboxMessage.next_attempt_at <= now))
            | ((OutboxMessage.status == MailStatus.SENDING.value)
               & (OutboxMessage.claimed_at < stale))
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()  # fmt: skip
    claimed = []
    for message_id in candidates:
        # Only one run can move a row out of its current state: the update tells who won.
        won = db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                (OutboxMessage.status == MailStatus.QUEUED.value)
                | (OutboxMessage.claimed_at < stale),
            )
            .values(status=MailStatus.SENDING.value, claimed_at=now)
        )
        if won.rowcount:  # type: ignore[attr-defined]
            claimed.append(message_id)
    db.session.commit()
    return claimed


def _fill_links(body: str) -> str | None:
    """The body with every placeholder link worked out; None if one is no longer valid."""
    missing = False

    def fill(match: re.Match[str]) -> str:
        nonlocal missing
        resolver = LINK_RESOLVERS.get(match.group(1))
        link = resolver(int(match.group(2))) if resolver else None
        if link is None:
            missing = True
            return ""
        return link

    filled = PLACEHOLDER.sub(fill, body)
    return None if missing else filled


def deliver_due(now: datetime | None = None, limit: int = 500) -> Delivery:
    """Send every message that is due, each committed as soon as the server accepts it."""
    now = now or utcnow()
    config = current_app.config
    retry = int(config["MAIL_RETRY_SECONDS"])
    most = int(config["MAIL_MAX_ATTEMPTS"])
    report = Delivery()
    ids = _claim(now, limit)
    if not ids:
        return report
    with Mailer(config) as mailer:
        for message_id in ids:
            message = db.session.get(OutboxMessage, message_id)
            assert message is not None
            text, html = _fill_links(message.body_text), _fill_links(message.body_html)
            if text is None or html is None:
                message.status = MailStatus.CANCELLED.value
                report.cancelled += 1
                db.session.commit()
                continue
            line = f"{message.recipient}: {message.subject}"
            try:
                mailer.send(message.recipient, message.subject, text, html)
            except (smtplib.SMTPException, OSError) as error:
                message.attempts += 1
                message.last_error = f"{error.__class__.__name__}: {error}"[:500]
                if message.attempts >= most:
                    message.status = MailStatus.FAILED.value
                    report.failed.append(line)
                else:
                    message.status = MailStatus.QUEUED.value
                    delay = retry * 2 ** (message.attempts - 1)
                    message.next_attempt_at = now + timedelta(seconds=delay)
                    report.retrying.append(line)
            else:
                message.attempts += 1
                message.status = MailStatus.SENT.value
                message.sent_at = utcnow()
                report.sent.append(line)
            db.session.commit()
    return report
