"""Peer supporters, recovery champions and the public's requests to be put in touch."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from community_hub.auth.models import Organisation, User, utcnow
from community_hub.extensions import Model
from community_hub.geo.nearby import Located
from community_hub.people.vocab import from_column

LISTED = "consent_at IS NOT NULL AND hidden_at IS NULL AND archived_at IS NULL"


def listed_where(model: Any) -> tuple[ColumnElement[bool], ...]:
    """LISTED as a query's conditions, for peers and champions (the partial indexes' own)."""
    return (model.consent_at.is_not(None), model.hidden_at.is_(None), model.archived_at.is_(None))


# The box, then what matching's hard rules and ranking read (short codes: within PostgreSQL's
# limit for an index entry), then the listing columns.
PEER_INDEX_COLUMNS = (
    *("lat_band", "longitude", "latitude", "cleared_until", "id", "volunteer_id"),
    *("gender", "pathways", "languages", "consent_at", "hidden_at", "archived_at"),
)
PEER_COUNT_COLUMNS = (
    *("gender", "pathways", "cleared_until", "volunteer_id"),
    *("consent_at", "hidden_at", "archived_at"),
)


class ChampionLevel(enum.StrEnum):
    STRATEGIC = "strategic"  # changing the system
    THERAPEUTIC = "therapeutic"  # supporting individuals in services
    COMMUNITY = "community"  # visible recovery in the neighbourhood


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"  # signed-in staff of any organisation only


class Listing(Located):
    """What peers and champions share: who lists them, consent, freshness, private contact.

    A person appears by first (or chosen) name and the area they cover; the position is the
    centre of that area, never a home. Contact details are for the coordinator only.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(60))
    area: Mapped[str] = mapped_column(String(120))  # "Doncaster and Mexborough"
    centre_place: Mapped[str] = mapped_column(String(120), default="")  # what was geocoded
    bio: Mapped[str] = mapped_column(Text, default="")
    bio_cy: Mapped[str] = mapped_column(Text, default="")  # the profile in Welsh, if given
    # Staff only: never rendered on public pages or in public APIs.
    private_phone: Mapped[str] = mapped_column(String(40), default="")
    private_email: Mapped[str] = mapped_column(String(254), default="")
    # Listed publicly only with the person's agreement, recorded on their behalf for now.
    consent_at: Mapped[datetime | None] = mapped_column(default=None)
    consent_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), default=None)
    consent_note: Mapped[str] = mapped_column(Text, default="")  # how consent was given
    # A separate agreement to be findable by search engines; without it the profile page is
    # marked noindex. Off unless the person says yes (recorded with the listing consent).
    search_engines_consent_at: Mapped[datetime | None] = mapped_column(default=None)
    hidden_at: Mapped[datetime | None] = mapped_column(default=None)
    last_confirmed: Mapped[date | None] = mapped_column(default=None)
    archived_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @declared_attr
    def organisation(cls) -> Mapped[Organisation]:
        return relationship(Organisation)

    @declared_attr
    def consent_recorded_by(cls) -> Mapped[User | None]:
        return relationship(User)

    @property
    def has_consent(self) -> bool:
        return self.consent_at is not None

    @property
    def findable_by_search_engines(self) -> bool:
        return self.is_listed and self.search_engines_consent_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_listed(self) -> bool:
        """Consented, not hidden and not archived: shown wherever its visibility allows."""
        return self.consent_at is not None and self.hidden_at is None and self.archived_at is None

    @property
    def is_public(self) -> bool:
        return self.is_listed


class PeerSupporter(Listing, Model):
    """Someone with lived experience offering support through an organisation."""

    __tablename__ = "peer_supporter"

    # The volunteer record behind the profile: its checks decide whether the peer is cleared
    # to accompany a client (community_hub/volunteers/requirements.py may_accompany).
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteer.id"), unique=True, default=None
    )
    languages: Mapped[str] = mapped_column(String(200), default=",en,")  # ",en,cy,"
    gender: Mapped[str] = mapped_column(String(60), default="")  # self-described, optional
    pathways: Mapped[str] = mapped_column(String(300), default="")  # ",aa,alcohol,"
    offers: Mapped[str] = mapped_column(String(200), default="")  # ",accompany,phone,"
    availability: Mapped[str] = mapped_column(String(200), default="")
    paid: Mapped[bool] = mapped_column(default=False)
    # A copy of the volunteer's cleared-until date (volunteers/cleared_until.py keeps it), so
    # matching filters the box from one index without visiting each volunteer.
    cleared_until: Mapped[date | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_peer_supporter_geo", "lat_band", "longitude"),
        # Listed peers near a place (public search, matching's box): the box and the distance
        # from the index alone. The listing columns are always the same there; SQLite needs
        # them in the index to call it covering.
        Index(
            "ix_peer_supporter_listed_geo",
            *PEER_INDEX_COLUMNS,
            postgresql_where=text(LISTED),
            sqlite_where=text(LISTED),
        ),
        # Matching's counts when nobody can go (listed, cleared, of the right gender and
        # fellowship): read in (gender, pathways) order, a few hundred groups with no sort.
        Index(
            "ix_peer_supporter_listed_gender",
            *PEER_COUNT_COLUMNS,
            postgresql_where=text(LISTED),
            sqlite_where=text(LISTED),
        ),
        # Open Referral UK's modified_after (a council's incremental sync).
        Index("ix_peer_supporter_updated_at", "updated_at"),
    )

    @property
    def language_list(self) -> list[str]:
        return from_column(self.languages)

    @property
    def pathway_list(self) -> list[str]:
        return from_column(self.pathways)

    @property
    def offer_list(self) -> list[str]:
        return from_column(self.offers)

    def __repr__(self) -> str:
        return f"<PeerSupporter {self.slug}>"


class PeerCode(Model):
    """One code a peer lists, a pathway it knows ("p:aa") or a language it speaks ("l:cy"),
    with the peer's position: matching reads the peers of a code few list near a meeting from
    ix_peer_code_geo rather than checking every peer in the radius (people/codes.py keeps it).
    """

    __tablename__ = "peer_code"

    peer_id: Mapped[int] = mapped_column(
        ForeignKey("peer_supporter.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(300), primary_key=True)
    lat_band: Mapped[int | None] = mapped_column(default=None)
    longitude: Mapped[float | None] = mapped_column(default=None)
    latitude: Mapped[float | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_peer_code_geo", "code", "lat_band", "longitude", "latitude", "peer_id"),
    )


class RecoveryChampion(Listing, Model):
    """A recovery champion at one of three levels, public or listed for staff only."""

    __tablename__ = "recovery_champion"

    level: Mapped[str] = mapped_column(String(20))
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.PUBLIC.value)

    __table_args__ = (Index("ix_recovery_champion_geo", "lat_band", "longitude"),)

    @property
    def is_public(self) -> bool:
        return self.is_listed and self.visibility == Visibility.PUBLIC.value

    def __repr__(self) -> str:
        return f"<RecoveryChampion {self.slug} {self.level}>"


class ContactMethod(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"


class RequestStatus(enum.StrEnum):
    NEW = "new"
    HANDLED = "handled"
    EXPIRED = "expired"  # not answered within the retention period; details erased


class ContactRequest(Model):
    """A member of the public asking to be put in touch with a peer, via the organisation."""

    __tablename__ = "contact_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("peer_supporter.id"), index=True)
    # The organisation whose coordinators answer: fixed when the request is made.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(60))
    contact_method: Mapped[str] = mapped_column(String(10))
    reply_phone: Mapped[str] = mapped_column(String(40), default="")
    reply_email: Mapped[str] = mapped_column(String(254), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    consent_to_contact: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default=RequestStatus.NEW.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(default=None)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), default=None)
    handled_note: Mapped[str] = mapped_column(Text, default="")
    # When the retention rule erased the personal details (community_hub/people/retention.py).
    erased_at: Mapped[datetime | None] = mapped_column(default=None)

    peer: Mapped[PeerSupporter] = relationship()
    organisation: Mapped[Organisation] = relationship()
    handled_by: Mapped[User | None] = relationship()

    @property
    def reply_to(self) -> str:
        return self.reply_phone if self.contact_method == ContactMethod.PHONE else self.reply_email
