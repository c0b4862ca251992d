"""Placements at host organisations, their history, supervision and logged hours."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community_hub.auth.models import Organisation, User, utcnow
from community_hub.extensions import Model
from community_hub.volunteers.models import Volunteer


class PlacementStatus(enum.StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    INDUCTION = "induction"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    ENDED = "ended"
    CANCELLED = "cancelled"


class EndReason(enum.StrEnum):
    COMPLETED = "completed"
    VOLUNTEER_LEFT = "volunteer_left"
    HOST_ENDED = "host_ended"
    ENDED_BY_COORDINATOR = "ended_by_coordinator"


class Placement(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    # The organisation running the volunteer programme (scoping), and the host placed with.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    host_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(60))
    supervisor_name: Mapped[str] = mapped_column(String(100), default="")
    supervision_every_days: Mapped[int] = mapped_column(default=28)
    status: Mapped[str] = mapped_column(String(12), default=PlacementStatus.PROPOSED.value)
    end_reason: Mapped[str] = mapped_column(String(24), default="")
    hold_reason: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[date | None]
    ended_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    volunteer: Mapped[Volunteer] = relationship()
    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    host: Mapped[Organisation] = relationship(foreign_keys=[host_organisation_id])
    history: Mapped[list[PlacementChange]] = relationship(
        back_populates="placement", order_by="PlacementChange.changed_at"
    )
    supervisions: Mapped[list[SupervisionSession]] = relationship(
        back_populates="placement", order_by="SupervisionSession.held_on"
    )

    # A volunteer's active placements (clearance asks for hundreds of volunteers at once).
    __table_args__ = (Index("ix_placement_volunteer_status", "volunteer_id", "status"),)


class PlacementChange(Model):
    """Who moved a placement, when, and why (every change, automatic holds included)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: the system
    reason: Mapped[str] = mapped_column(Text, default="")

    placement: Mapped[Placement] = relationship(back_populates="history")
    changed_by: Mapped[User | None] = relationship()


class SupervisionSession(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    held_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20), default="one_to_one")  # group, observation
    notes: Mapped[str] = mapped_column(Text, default="")  # staff only
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    placement: Mapped[Placement] = relationship(back_populates="supervisions")

    # The last session of a placement, from the index alone.
    __table_args__ = (Index("ix_supervision_session_held", "placement_id", "held_on"),)


class HoursStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    DECLINED = "declined"


class HoursLog(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    worked_on: Mapped[date]
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=HoursStatus.SUBMITTED.value)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None]
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    volunteer: Mapped[Volunteer] = relationship()
    placement: Mapped[Placement] = relationship()
