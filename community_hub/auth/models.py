"""Organisations and staff/volunteer accounts."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from flask_babel import gettext as _
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from community_hub.extensions import Model


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"  # runs a group's listings and volunteers
    WORKER = "worker"  # treatment staff
    VOLUNTEER = "volunteer"
    COMMISSIONER = "commissioner"  # read-only aggregate reporting


# Roles that see other people's records: idle timeout and the optional second factor apply.
STAFF_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.WORKER, Role.COMMISSIONER})


class OrganisationKind(enum.StrEnum):
    PEER_GROUP = "peer_group"  # a peer-led group: listings and volunteers
    TREATMENT = "treatment"  # a treatment service: its workers make referrals
    FELLOWSHIP = "fellowship"  # a listing body: an intergroup or area service body
    COMMUNITY = "community"  # a host organisation: volunteers are placed there
    COMMISSIONER = "commissioner"  # funds and runs services: reads the reports


class Organisation(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=OrganisationKind.COMMUNITY.value)
    area: Mapped[str] = mapped_column(String(120), default="")
    # Where notifications go when the organisation has no active coordinator.
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    # The organisation's duty line: how a peer reaches its staff about a referral (never a
    # worker's own number).
    duty_phone: Mapped[str] = mapped_column(String(40), default="")
    # When a person who asked to be put in touch will hear back, in the organisation's words
    # ("We reply within two working days."): shown on the thank-you page.
    response_time: Mapped[str] = mapped_column(String(200), default="")
    # Pre-fills the time zone of its new meetings.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Its name and description are part of every listing it publishes (Open Referral UK's
    # modified_after follows this too).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Archived: kept with everything it recorded, but nobody new joins it.
    archived_at: Mapped[datetime | None] = mapped_column(default=None)

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class User(UserMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # When a leaver's account was switched off (active is then False); their records stay.
    deactivated_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Emails to this person are written in this language (en or cy).
    language: Mapped[str] = mapped_column(String(10), default="en")
    # Coordinators may take notifications as one email a day instead of one each.
    email_digest: Mapped[bool] = mapped_column(default=False)
    # Part of the login token: raising it ends every session and remember-me cookie at once.
    session_version: Mapped[int] = mapped_column(default=0)
    # Optional second factor (RFC 6238 TOTP): the shared secret, set only once confirmed.
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(default=None)
    # The last time step accepted, so one code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(default=None)
    # A secret being set up, kept here (never in the session cookie) until its first code
    # confirms it.
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64), default=None)

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def shown_name(self) -> str:
        """The name shown beside what they recorded; a leaver is marked as a former member."""
        if self.active:
            return self.display_name
        return _("%(name)s (former member of staff)", name=self.display_name)

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None

    def get_id(self) -> str:
        """The login token: id and session version, so a bump signs out every device."""
        return f"{self.id}-{self.session_version}"

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt, a memory-hard modern algorithm.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
