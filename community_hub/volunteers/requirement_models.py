"""What a role or host requires (training, DBS, references...) and each volunteer's record."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community_hub.auth.models import Organisation, User, utcnow
from community_hub.extensions import Model
from community_hub.volunteers.models import Volunteer


class RequirementKind(enum.StrEnum):
    COURSE = "course"
    DBS = "dbs"
    REFERENCES = "references"
    ID_SEEN = "id_seen"
    AGREEMENT = "agreement"
    SAFEGUARDING_ADULTS = "safeguarding_adults"
    SAFEGUARDING_CHILDREN = "safeguarding_children"
    OTHER = "other"


class DbsLevel(enum.StrEnum):
    BASIC = "basic"
    STANDARD = "standard"
    ENHANCED = "enhanced"
    ENHANCED_BARRED = "enhanced_barred"


class RequirementType(Model):
    """A kind of check or training an organisation asks for, and how long it stays valid."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30), default=RequirementKind.OTHER.value)
    validity_days: Mapped[int | None]  # None: never expires (e.g. ID seen)
    renewal_window_days: Mapped[int] = mapped_column(default=60)

    organisation: Mapped[Organisation] = relationship()

    @property
    def shown_name(self) -> str:
        """The name in the reader's language, for the usual requirements; else as written."""
        return shown_requirement_name(self.name)


class RoleRequirement(Model):
    """A requirement that applies to a volunteer role, a host organisation, or both.

    A blank role applies to every role; a blank host applies at every host.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    requirement_type_id: Mapped[int] = mapped_column(ForeignKey("requirement_type.id"), index=True)
    role: Mapped[str] = mapped_column(String(60), default="")
    host_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))

    requirement_type: Mapped[RequirementType] = relationship()
    host: Mapped[Organisation | None] = relationship()


class CheckStatus(enum.StrEnum):
    CURRENT = "current"
    DUE_FOR_RENEWAL = "due_for_renewal"  # inside the renewal window, still valid
    RENEWAL_IN_PROGRESS = "renewal_in_progress"  # valid or not, reminders are paused
    EXPIRED = "expired"
    MISSING = "missing"


class Check(Model):
    """One volunteer's record of meeting a requirement (a DBS certificate, a course...)."""

    __tablename__ = "volunteer_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    requirement_type_id: Mapped[int] = mapped_column(ForeignKey("requirement_type.id"), index=True)
    completed_on: Mapped[date]
    expires_on: Mapped[date | None]
    renewal_started_on: Mapped[date | None]  # "renewal in progress": pauses reminders
    dbs_level: Mapped[str] = mapped_column(String(20), default="")
    certificate_number: Mapped[str] = mapped_column(String(40), default="")
    update_service: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    volunteer: Mapped[Volunteer] = relationship()
    requirement_type: Mapped[RequirementType] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    # Each requirement's latest check and whether it has expired, from the index alone
    # (volunteers/clearance.py asks it for hundreds of volunteers at once).
    __table_args__ = (
        Index(
            "ix_volunteer_check_latest",
            *("volunteer_id", "requirement_type_id", "completed_on", "id", "expires_on"),
        ),
    )

    def status(self, today: date) -> CheckStatus:
        if self.renewal_started_on is not None:
            return CheckStatus.RENEWAL_IN_PROGRESS
        if self.expires_on is None:
            return CheckStatus.CURRENT
        if self.expires_on < today:
            return CheckStatus.EXPIRED
        window = timedelta(days=self.requirement_type.renewal_window_days)
        if self.expires_on - today <= window:
            return CheckStatus.DUE_FOR_RENEWAL
        return CheckStatus.CURRENT

    def valid_on(self, today: date) -> bool:
        """Still valid: a renewal in flight does not make an expired check valid again."""
        return self.expires_on is None or self.expires_on >= today


def _known_requirement_names() -> dict[str, object]:
    from community_hub.catalogue import lazy_gettext as _l

    return {
        "Accredited peer support course (Open College Network)": _l(
            "Accredited peer support course (Open College Network)"
        ),
        "Enhanced DBS check": _l("Enhanced DBS check"),
        "DBS check": _l("DBS check"),
        "Two references": _l("Two references"),
        "ID seen": _l("ID seen"),
        "Signed volunteer agreement": _l("Signed volunteer agreement"),
        "Safeguarding adults": _l("Safeguarding adults"),
        "Safeguarding children": _l("Safeguarding children"),
        "Naloxone training": _l("Naloxone training"),
        "First aid": _l("First aid"),
        "Boundaries": _l("Boundaries"),
    }


def shown_requirement_name(name: str) -> str:
    """A requirement's name in the reader's language when it is one of the usual ones."""
    known = _known_requirement_names().get(name)
    return str(known) if known is not None else name
