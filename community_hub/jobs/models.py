"""The outbox: every email is a row here first, so none is lost while SMTP is down."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from community_hub.auth.models import utcnow
from community_hub.extensions import Model


class MailStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting to be sent (now, or at next_attempt_at after a failure)
    HELD = "held"  # waiting for the recipient's daily digest
    SENDING = "sending"  # claimed by one `flask send-mail` run
    SENT = "sent"
    DIGESTED = "digested"  # folded into a digest, which is sent instead
    FAILED = "failed"  # gave up after MAIL_MAX_ATTEMPTS tries
    CANCELLED = "cancelled"  # what it pointed to went away first (a revoked invitation)


class OutboxMessage(Model):
    """One email: rendered when queued, in the recipient's language, sent by `flask send-mail`.

    Links that carry a secret (invitations, password resets) are stored as a placeholder and
    worked out only at the moment of sending, so the table never holds a usable token.
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=MailStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    # The digest this message was folded into, when it was.
    digest_id: Mapped[int | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


class ReminderSent(Model):
    """One row per reminder queued, so each goes once per cycle (e.g. per expiry date)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int]
    cycle: Mapped[str] = mapped_column(String(40))  # e.g. the expiry date being warned about
    offset_days: Mapped[int]
    recipient: Mapped[str] = mapped_column(String(254))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    on: Mapped[date]

    __table_args__ = (
        UniqueConstraint(
            "kind", "subject_id", "cycle", "offset_days", "recipient", name="uq_reminder_once"
        ),
    )
