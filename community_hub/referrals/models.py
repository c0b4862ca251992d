"""Pseudonymous clients, consent per purpose, referrals, follow-ups and the audit log."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community_hub.auth.models import Organisation, User, utcnow
from community_hub.extensions import Model
from community_hub.meetings.models import Fellowship, Meeting

if TYPE_CHECKING:
    from community_hub.people.models import PeerSupporter
    from community_hub.resources.models import Service


class Client(Model):
    """Only what a referral needs: no name, full address or date of birth, ever."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40))  # chosen by the worker's organisation
    birth_decade: Mapped[str] = mapped_column(String(10), default="")  # e.g. "1980s"
    gender: Mapped[str] = mapped_column(String(60), default="")  # self-described, optional
    preferred_language: Mapped[str] = mapped_column(String(10), default="en")
    preferred_contact: Mapped[str] = mapped_column(String(10), default="phone")
    do_not_contact: Mapped[bool] = mapped_column(default=False)
    postcode_district: Mapped[str] = mapped_column(String(4), default="")  # outward code: DN4
    substances: Mapped[str] = mapped_column(String(10), default="")  # drugs, alcohol, both
    goal: Mapped[str] = mapped_column(String(24), default="")  # abstinence, medication_assisted
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    consents: Mapped[list[Consent]] = relationship(back_populates="client", order_by="Consent.id")

    __table_args__ = (UniqueConstraint("organisation_id", "reference", name="uq_client_reference"),)
    # What erasure does with each text column (community_hub/referrals/personal.py).
    __personal__ = {
        "reference": lambda client: f"erased-{client.id}",
        "birth_decade": "",
        "gender": "",
        "preferred_language": "en",
    }
    __kept__ = ("preferred_contact", "postcode_district", "substances", "goal")


class Purpose(enum.StrEnum):
    SHARE_WITH_PEER = "share_with_peer"
    FOLLOW_UP = "follow_up"
    OUTCOME_TO_REFERRER = "outcome_to_referrer"


class Consent(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(24))
    given_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(40))  # e.g. verbal in session, written form
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    expires_on: Mapped[date | None]
    withdrawn_on: Mapped[date | None]
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")

    client: Mapped[Client] = relationship(back_populates="consents")

    __personal__ = {"method": "", "withdrawn_reason": ""}
    __kept__ = ("purpose",)

    def current_on(self, today: date) -> bool:
        if self.given_on > today or (self.withdrawn_on is not None and self.withdrawn_on <= today):
            return False
        return self.expires_on is None or self.expires_on >= today


class Referral(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The target: exactly one of a meeting, a peer supporter, a resource, or a named group.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    peer_id: Mapped[int | None] = mapped_column(ForeignKey("peer_supporter.id"), index=True)
    service_id: Mapped[str | None] = mapped_column(ForeignKey("service.id"), index=True)
    group_name: Mapped[str] = mapped_column(String(200), default="")
    link_method: Mapped[str] = mapped_column(String(20))  # signpost, call, handover, accompanied
    made_by: Mapped[str] = mapped_column(String(10), default="worker")  # worker or peer
    peer_gender_preference: Mapped[str] = mapped_column(String(60), default="")
    planned_first_meeting: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(24), default="draft", index=True)
    held_from: Mapped[str] = mapped_column(String(24), default="")
    closed_reason: Mapped[str] = mapped_column(String(24), default="")
    matched_volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer.id"))
    first_meeting_attended_on: Mapped[date | None]
    # Where the peer meets the client ("outside the main door at 18:50"): free text entered by
    # the worker or the peer's coordinator, erased with the client (subject.py).
    meeting_point: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    client: Mapped[Client] = relationship()
    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    peer: Mapped[PeerSupporter | None] = relationship()
    service: Mapped[Service | None] = relationship()
    messages: Mapped[list[ReferralMessage]] = relationship(
        back_populates="referral", order_by="ReferralMessage.id"
    )
    history: Mapped[list[ReferralChange]] = relationship(
        back_populates="referral", order_by="ReferralChange.id"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="referral", order_by="FollowUp.due_on"
    )

    # The offers each peer holds (matching's fourth key), from the index alone.
    __table_args__ = (Index("ix_referral_matched_status", "matched_volunteer_id", "status"),)

    # A group named instead of a listing is free text too: it can say who the client is with.
    __personal__ = {
        "group_name": "",
        "peer_gender_preference": "",
        "note": "",
        "meeting_point": "",
    }
    __kept__ = ("link_method", "made_by", "status", "held_from", "closed_reason")


class ReferralChange(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")

    referral: Mapped[Referral] = relationship(back_populates="history")
    changed_by: Mapped[User | None] = relationship()

    __personal__ = {"reason": ""}
    __kept__ = ("from_status", "to_status")


class FollowUp(Model):
    """A check-in at about 7, 30 and 90 days after the planned first meeting."""

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    day_offset: Mapped[int]
    due_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(12), default="due")  # due, done, cancelled
    completed_on: Mapped[date | None]
    attended_first_meeting: Mapped[bool | None]
    first_meeting_on: Mapped[date | None]
    meetings_since: Mapped[int | None]
    attending_weekly: Mapped[bool | None]
    has_sponsor_or_mentor: Mapped[bool | None]
    doing_service: Mapped[bool | None]
    satisfaction: Mapped[int | None]  # 1-5
    barriers: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    referral: Mapped[Referral] = relationship(back_populates="follow_ups")
    attempts: Mapped[list[ContactAttempt]] = relationship(
        back_populates="follow_up", order_by="ContactAttempt.id"
    )

    __personal__ = {"barriers": ""}
    __kept__ = ("status",)


class ReferralMessage(Model):
    """A short note between the worker and the peer (or their coordinator): no client fields."""

    __tablename__ = "referral_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    side: Mapped[str] = mapped_column(String(10))  # worker or peer
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    referral: Mapped[Referral] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()

    __personal__ = {"body": ""}
    __kept__ = ("side",)


class RecoveryCapital(Model):
    """One BARC-10 (Vilsaint et al. 2017): ten items scored 1 to 6, and their total (10 to 60).

    Taken at referral (point 0) and at the 30- and 90-day follow-ups, with outcome consent.
    Erasing the client empties the ten answers and keeps the total the reports count.
    """

    __tablename__ = "recovery_capital"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("follow_up.id"))
    point: Mapped[int]  # days after the planned first meeting: 0 (baseline), 30 or 90
    taken_on: Mapped[date]
    item_1: Mapped[int | None]
    item_2: Mapped[int | None]
    item_3: Mapped[int | None]
    item_4: Mapped[int | None]
    item_5: Mapped[int | None]
    item_6: Mapped[int | None]
    item_7: Mapped[int | None]
    item_8: Mapped[int | None]
    item_9: Mapped[int | None]
    item_10: Mapped[int | None]
    total: Mapped[int]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("referral_id", "point", name="uq_recovery_capital_point"),)
    # The answers go with the client; the total stays for the reports.
    __personal__ = {f"item_{n}": None for n in range(1, 11)}

    @property
    def items(self) -> list[int | None]:
        return [getattr(self, f"item_{n}") for n in range(1, 11)]


class ContactAttempt(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(ForeignKey("follow_up.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    method: Mapped[str] = mapped_column(String(10))
    reached: Mapped[bool] = mapped_column(default=False)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    follow_up: Mapped[FollowUp] = relationship(back_populates="attempts")

    __personal__: dict[str, str] = {}
    __kept__ = ("method",)  # phone, text, email...: a code


class StaffMeetingAttendance(Model):
    """A worker went to an open mutual aid meeting themselves (the Bradford measure)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    attended_on: Mapped[date]
    fellowship_id: Mapped[int | None] = mapped_column(ForeignKey("fellowship.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))

    fellowship: Mapped[Fellowship | None] = relationship()


class AuditEvent(Model):
    """Who viewed or changed a client or referral, and when. Append-only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    action: Mapped[str] = mapped_column(String(20))  # view, create, update, transition, consent
    subject_type: Mapped[str] = mapped_column(String(20))  # client, referral
    subject_id: Mapped[int] = mapped_column(index=True)
    detail: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse(_mapper: object, _connection: object, _target: AuditEvent) -> None:
    raise AuditLogIsAppendOnly("The audit log cannot be changed or deleted.")
