"""Fellowships, weekly meetings and public change suggestions (Meeting Guide model).

Venues have their own module (venue_models.py); `Venue` is imported here, and stays importable
from here, because meetings are held at one and many modules take both from this one.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    JSON,
    Connection,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    event,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community_hub.auth.models import Organisation, User, utcnow
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import Model
from community_hub.fulltext import index_table
from community_hub.geo.spatial import lat_band
from community_hub.meetings.types import canonical
from community_hub.meetings.venue_models import Venue

if TYPE_CHECKING:
    from community_hub.meetings.one_offs import OneOffChange

DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def encode_types(codes: list[str]) -> str:
    """Type codes as stored: ",O,D,X," so a code can be matched with LIKE '%,O,%'."""
    unique = list(dict.fromkeys(canonical(c) for c in codes if c.strip()))
    return "," + ",".join(unique) + "," if unique else ""


def decode_types(stored: str) -> list[str]:
    """The type codes of a stored ",O,D,X," string."""
    return [c for c in stored.split(",") if c]


class Attendance(enum.StrEnum):
    """How a person can attend: derived from the data, never typed in."""

    IN_PERSON = "in_person"
    HYBRID = "hybrid"
    ONLINE = "online"
    INACTIVE = "inactive"  # temporarily closed (TC) with no online option


# Fellowships whose names describe rather than name them, so they are translated.
_GENERIC_NAMES = {
    "local": (_l("Local recovery groups and recovery cafés"), _l("Local")),
}


def shown_meeting_name(name: str, name_cy: str, locale: str) -> str:
    """The Welsh name for a Welsh reader when the group gave one, else the name."""
    return name_cy if name_cy and locale == "cy" else name


def shown_fellowship_names(slug: str, name: str, short_name: str) -> tuple[str, str]:
    """(name, short name) in the reader's language where they describe rather than name."""
    generic = _GENERIC_NAMES.get(slug)
    return (str(generic[0]), str(generic[1])) if generic else (name, short_name)


class Fellowship(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    short_name: Mapped[str] = mapped_column(String(20))
    # The type codes this fellowship's meetings may use, comma-separated.
    type_codes: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")

    @property
    def shown_name(self) -> str:
        """The name in the reader's language where it is a description, not a proper name."""
        return shown_fellowship_names(self.slug, self.name, self.short_name)[0]

    @property
    def shown_short_name(self) -> str:
        return shown_fellowship_names(self.slug, self.name, self.short_name)[1]

    @property
    def allowed_types(self) -> list[str]:
        return [c for c in self.type_codes.split(",") if c]


# ix_meeting_geo_day's columns (see Meeting's indexes) and the rows searches ever read.
GEO_DAY = (
    "lat_band", "day", "longitude", "fellowship_id", "latitude", "attendance", "start_time",
    "end_time", "timezone", "id", "archived_at", "monthly_week", "changes_until",
)  # fmt: skip
SEARCHED: dict[str, Any] = {
    "postgresql_where": text("archived_at IS NULL"),
    "sqlite_where": text("archived_at IS NULL"),
}


class Meeting(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_cy: Mapped[str] = mapped_column(String(200), default="")
    fellowship_id: Mapped[int] = mapped_column(ForeignKey("fellowship.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"), index=True)
    day: Mapped[int]  # 0 = Sunday ... 6 = Saturday, local to `timezone`
    # None: every week. 1-4: the first to fourth `day` of the month; -1: the last one.
    monthly_week: Mapped[int | None] = mapped_column(default=None)
    start_time: Mapped[time]
    # Before start_time: the meeting runs past midnight into the next day (23:00-00:30).
    end_time: Mapped[time | None]
    timezone: Mapped[str] = mapped_column(String(64))
    types: Mapped[str] = mapped_column(String(400), default="")  # ",O,D,X," for indexed LIKE
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_cy: Mapped[str] = mapped_column(Text, default="")
    group_name: Mapped[str] = mapped_column(String(200), default="")
    group_notes: Mapped[str] = mapped_column(Text, default="")
    conference_url: Mapped[str] = mapped_column(String(500), default="")
    conference_url_notes: Mapped[str] = mapped_column(Text, default="")
    # Long enough for a one-tap number with its meeting id and passcode.
    conference_phone: Mapped[str] = mapped_column(String(200), default="")
    conference_phone_notes: Mapped[str] = mapped_column(Text, default="")
    # Group contact: private unless the group chose to publish it (first name only).
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(60), default="")
    contact_2_name: Mapped[str] = mapped_column(String(60), default="")
    contact_2_email: Mapped[str] = mapped_column(String(254), default="")
    contact_2_phone: Mapped[str] = mapped_column(String(60), default="")
    contact_3_name: Mapped[str] = mapped_column(String(60), default="")
    contact_3_email: Mapped[str] = mapped_column(String(254), default="")
    contact_3_phone: Mapped[str] = mapped_column(String(60), default="")
    contact_public: Mapped[bool] = mapped_column(default=False)  # all three contacts
    # 7th Tradition: where to give online (Meeting Guide venmo, square, paypal).
    venmo: Mapped[str] = mapped_column(String(120), default="")
    square: Mapped[str] = mapped_column(String(120), default="")
    paypal: Mapped[str] = mapped_column(String(120), default="")
    # Regions from general to specific (Meeting Guide `regions`), and the service district.
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    sub_region: Mapped[str] = mapped_column(String(120), default="")
    district: Mapped[str] = mapped_column(String(120), default="")
    # The entity_* fields a source feed gave (the body responsible for the listing there).
    entity: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # Where an imported meeting came from, and its slug there (unique within that source).
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("feed_source.id"), index=True, default=None
    )
    source_slug: Mapped[str] = mapped_column(String(120), default="")
    # Fetches in a row the source's feed has left this meeting out (archived at two).
    source_missing: Mapped[int] = mapped_column(default=0)
    # The last date any one-off change touches (kept by meetings/one_offs.py): the search
    # looks those changes up only for meetings whose date has not passed.
    changes_until: Mapped[date | None] = mapped_column(default=None)
    # Derived from venue + online details + TC, kept in step by `refresh_derived`.
    attendance: Mapped[str] = mapped_column(String(12), default=Attendance.IN_PERSON.value)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    lat_band: Mapped[int | None]
    region: Mapped[str] = mapped_column(String(120), default="")
    last_confirmed: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Indexed for Open Referral UK's modified_after (a council's incremental sync).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    archived_at: Mapped[datetime | None]
    # The words the keyword search looks in (names, place name, notes), kept by
    # `refresh_derived`; the database's full-text index covers it (see community_hub/fulltext.py).
    search_text: Mapped[str] = mapped_column(Text, default="")

    fellowship: Mapped[Fellowship] = relationship()
    organisation: Mapped[Organisation] = relationship()
    venue: Mapped[Venue | None] = relationship(back_populates="meetings")
    one_offs: Mapped[list[OneOffChange]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="OneOffChange.on_date"
    )

    __table_args__ = (
        # The spatial index: a few latitude bands, each a longitude range (see geo/spatial.py).
        Index("ix_meeting_geo", "lat_band", "longitude"),
        # Searches for a day (the finder's usual question): one short range per band and day,
        # with fellowship and latitude checked in the index. It also holds every column the
        # search ranks by (see meetings/search.py, _CANDIDATE_COLUMNS), so a search reads the
        # index alone and never the table: an index-only scan on PostgreSQL, a covering index
        # on SQLite. Archived meetings are never searched and are left out of it (SQLite still
        # wants archived_at in the index to call it covering; always NULL there, it is free).
        Index("ix_meeting_geo_day", *GEO_DAY, **SEARCHED),
        # The same columns with the fellowship before the longitude, for searches that name
        # one: where meetings are dense they read only that fellowship's entries (central
        # London: 12,000 AA among 27,000). A search for any fellowship keeps the first.
        Index(
            "ix_meeting_geo_day_fellowship",
            *GEO_DAY[:2],
            "fellowship_id",
            "longitude",
            *GEO_DAY[4:],
            **SEARCHED,
        ),
    )

    @property
    def shown_name(self) -> str:
        """The meeting's name in the reader's language, when the group gave a Welsh one."""
        from flask_babel import get_locale

        return shown_meeting_name(self.name, self.name_cy, str(get_locale() or "en"))

    @property
    def type_list(self) -> list[str]:
        return decode_types(self.types)

    @type_list.setter
    def type_list(self, codes: list[str]) -> None:
        self.types = encode_types(codes)

    @property
    def is_monthly(self) -> bool:
        return self.monthly_week is not None

    @property
    def crosses_midnight(self) -> bool:
        return self.end_time is not None and self.end_time < self.start_time

    @property
    def contacts(self) -> list[tuple[str, str, str]]:
        """The group's contacts 1-3 that have a name: (name, email, phone)."""
        found = [
            (self.contact_name, self.contact_email, self.contact_phone),
            (self.contact_2_name, self.contact_2_email, self.contact_2_phone),
            (self.contact_3_name, self.contact_3_email, self.contact_3_phone),
        ]
        return [c for c in found if c[0]]

    @property
    def is_online(self) -> bool:
        return bool(self.conference_url or self.conference_phone)

    @property
    def day_name(self) -> str:
        return DAY_NAMES[self.day]

    def derive_attendance(self) -> Attendance:
        closed = "TC" in self.type_list
        physical = self.venue is not None and not self.venue.approximate and not closed
        if physical and self.is_online:
            return Attendance.HYBRID
        if self.is_online:
            return Attendance.ONLINE
        if physical:
            return Attendance.IN_PERSON
        return Attendance.INACTIVE

    def refresh_derived(self) -> None:
        """Recompute the columns that follow from other data (attendance, location)."""
        self.attendance = self.derive_attendance().value
        self.search_text = meeting_search_text(self, self.venue.name if self.venue else "")
        if self.venue is not None:
            self.latitude, self.longitude = self.venue.latitude, self.venue.longitude
            self.lat_band = (
                lat_band(self.venue.latitude) if self.venue.latitude is not None else None
            )
            self.region = self.venue.region or self.venue.city
            if not self.timezone:
                self.timezone = self.venue.timezone
        else:
            self.latitude = self.longitude = self.lat_band = None


def meeting_search_text(meeting: Meeting, venue_name: str) -> str:
    """What a keyword search matches for a meeting: its names, its place's name, its notes."""
    parts = (meeting.name, meeting.name_cy, meeting.group_name, venue_name)
    notes = (meeting.notes, meeting.notes_cy, meeting.group_notes)
    return "\n".join(p for p in (*parts, *notes) if p)


index_table(Meeting.__table__)


@event.listens_for(Venue, "after_update")
def _venue_renamed(_mapper: object, connection: Connection, venue: Venue) -> None:
    """A venue's new name reaches its meetings' search words (they are not flushed with it)."""
    if not inspect(venue).attrs.name.history.has_changes():
        return
    table = cast("Table", Meeting.__table__)
    fields = ("id", "name", "name_cy", "group_name", "notes", "notes_cy", "group_notes")
    rows = connection.execute(
        select(*(table.c[f] for f in fields)).where(table.c.venue_id == venue.id)
    )
    for row in rows.all():
        words = meeting_search_text(SimpleNamespace(**row._mapping), venue.name)  # type: ignore[arg-type]
        connection.execute(update(table).where(table.c.id == row.id).values(search_text=words))


@event.listens_for(Meeting, "before_insert")
@event.listens_for(Meeting, "before_update")
def _keep_derived(_mapper: object, _connection: object, meeting: Meeting) -> None:
    meeting.refresh_derived()


class SuggestionStatus(enum.StrEnum):
    PENDING = "pending"
    APPLIED = "applied"
    DISMISSED = "dismissed"
    EXPIRED = "expired"  # never reviewed within the retention period; message erased


class ChangeSuggestion(Model):
    """A member of the public's suggested correction to any listing, queued for its owners."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # The organisation that keeps the listing: whose coordinators see the suggestion.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # Exactly one of these names the listing.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    peer_id: Mapped[int | None] = mapped_column(ForeignKey("peer_supporter.id"), index=True)
    champion_id: Mapped[int | None] = mapped_column(ForeignKey("recovery_champion.id"), index=True)
    service_id: Mapped[str | None] = mapped_column(ForeignKey("service.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # what is wrong: time, place, closed, online...
    message: Mapped[str] = mapped_column(Text)
    reply_email: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[str] = mapped_column(String(12), default=SuggestionStatus.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str] = mapped_column(Text, default="")
    # When the retention rule erased the message and reply address (suggestion_retention.py).
    erased_at: Mapped[datetime | None] = mapped_column(default=None)

    meeting: Mapped[Meeting | None] = relationship()
    peer: Mapped[Any] = relationship("PeerSupporter")
    champion: Mapped[Any] = relationship("RecoveryChampion")
    service: Mapped[Any] = relationship("Service")
    reviewed_by: Mapped[User | None] = relationship()

    @property
    def target(self) -> Any:
        return self.meeting or self.peer or self.champion or self.service

    @property
    def target_kind(self) -> str:
        for kind in ("meeting", "peer", "champion", "service"):
            if getattr(self, kind) is not None:
                return kind
        return ""

    @property
    def target_name(self) -> str:
        target = self.target
        return str(getattr(target, "name", None) or getattr(target, "display_name", ""))


@event.listens_for(ChangeSuggestion, "before_insert")
def _owned_by_the_listings_organisation(
    _mapper: object, _connection: object, suggestion: ChangeSuggestion
) -> None:
    if suggestion.organisation_id is None and suggestion.target is not None:
        suggestion.organisation_id = suggestion.target.organisation_id
