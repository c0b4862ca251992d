"""Volunteers and their progression; each change of stage is kept as history."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community_hub.auth.models import Organisation, User, utcnow
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import Model


class Stage(enum.StrEnum):
    """The pathway: service user -> peer trainee -> volunteer/mentor -> champion -> paid work."""

    ENQUIRY = "enquiry"
    APPLICANT = "applicant"
    IN_TRAINING = "in_training"
    ACTIVE = "active_volunteer"
    PEER_MENTOR = "peer_mentor"
    RECOVERY_CHAMPION = "recovery_champion"
    PAID_WORK = "paid_work"
    LEFT = "left"


class Source(enum.StrEnum):
    """How a volunteer's record began (kept for reports on where volunteers come from)."""

    STAFF = ""  # added by a coordinator
    IMPORT = "import"  # from a spreadsheet (volunteers/importing.py)
    APPLICATION = "application"  # applied online for an opportunity (volunteering/)


STAGE_LABELS = {
    Stage.ENQUIRY: _l("Enquiry"),
    Stage.APPLICANT: _l("Applicant"),
    Stage.IN_TRAINING: _l("In training"),
    Stage.ACTIVE: _l("Active volunteer"),
    Stage.PEER_MENTOR: _l("Peer mentor"),
    Stage.RECOVERY_CHAMPION: _l("Recovery champion"),
    Stage.PAID_WORK: _l("Moved on to paid work"),
    Stage.LEFT: _l("Left"),
}


class Volunteer(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), unique=True)
    first_name: Mapped[str] = mapped_column(String(60))
    stage: Mapped[str] = mapped_column(String(20), default=Stage.ENQUIRY.value)
    # A volunteer's own recovery comes first: pausing keeps everything and stops matching.
    paused_at: Mapped[datetime | None]
    pause_reason: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    contact_preference: Mapped[str] = mapped_column(String(10), default="email")
    availability: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[str] = mapped_column(String(200), default="en")  # comma ISO codes
    skills: Mapped[str] = mapped_column(Text, default="")
    gender: Mapped[str] = mapped_column(String(60), default="")  # self-described, optional
    # Staff only, never shown to the volunteer's peers or the public.
    emergency_contact_name: Mapped[str] = mapped_column(String(100), default="")
    emergency_contact_phone: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # Derived, kept by volunteers/cleared_until.py: the last day they may go with a client.
    cleared_until: Mapped[date | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User | None] = relationship()
    history: Mapped[list[StageChange]] = relationship(
        back_populates="volunteer", order_by="StageChange.changed_at"
    )

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def stage_label(self) -> str:
        return str(STAGE_LABELS.get(Stage(self.stage), self.stage))

    @property
    def language_list(self) -> list[str]:
        return [c for c in self.languages.split(",") if c]


class StageChange(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(Text, default="")

    volunteer: Mapped[Volunteer] = relationship(back_populates="history")
    changed_by: Mapped[User | None] = relationship()
