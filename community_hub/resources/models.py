"""Community resources shaped like Open Referral HSDS 3: services, locations, schedules, phones.

Tables and field names follow HSDS so the export is a mapping, not a translation; every id is a
UUID string, as HSDS requires. A "resource" on our pages is one service at one location.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, time

from sqlalchemy import (
    Connection,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community_hub.auth.models import Organisation, utcnow
from community_hub.extensions import Model
from community_hub.fulltext import index_table
from community_hub.geo.nearby import Located
from community_hub.geo.privacy import coarsen


def new_id() -> str:
    return str(uuid.uuid4())


class ServiceStatus(enum.StrEnum):
    """HSDS service statuses, spelt as the standard spells them."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    DEFUNCT = "defunct"
    TEMPORARILY_CLOSED = "temporarily closed"


# Defunct services stay in the database (and the HSDS export) but never on public pages.
PUBLIC_STATUSES = (
    ServiceStatus.ACTIVE.value,
    ServiceStatus.INACTIVE.value,
    ServiceStatus.TEMPORARILY_CLOSED.value,
)


class LocationType(enum.StrEnum):
    PHYSICAL = "physical"
    VIRTUAL = "virtual"


class TaxonomyTerm(Model):
    """A kind of resource ("recovery_cafe"), from our own small taxonomy."""

    __tablename__ = "taxonomy_term"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    term: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    taxonomy: Mapped[str] = mapped_column(String(60), default="community_hub")

    @property
    def name(self) -> str:
        """HSDS 3 calls the term `name`."""
        return self.term

    @property
    def shown_term(self) -> str:
        """The term in the reader's language, where it is one of ours; else as stored."""
        from community_hub.resources.labels import CATEGORY_NAMES

        known = CATEGORY_NAMES.get(self.code)
        return str(known) if known is not None else self.term

    def __repr__(self) -> str:
        return f"<TaxonomyTerm {self.code}>"


class Service(Located, Model):
    """What is offered: a recovery café, a course, a sober-living house, a family group.

    Its position is its place's (Located: kept equal by resources/services.py, as a meeting
    keeps its venue's), so "near a postcode" reads one covering index of this table.
    """

    __tablename__ = "service"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(120), unique=True)  # stable key for the seed
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_cy: Mapped[str] = mapped_column(String(200), default="")
    alternate_name: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_cy: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[str] = mapped_column(String(20), default=ServiceStatus.ACTIVE.value)
    taxonomy_term_id: Mapped[str | None] = mapped_column(
        ForeignKey("taxonomy_term.id"), index=True, default=None
    )
    fees_description: Mapped[str] = mapped_column(Text, default="")
    eligibility_description: Mapped[str] = mapped_column(Text, default="")
    application_process: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[str] = mapped_column(String(200), default="en")  # "en,cy": ISO 639 codes
    # Which recovery pathways are welcome, in plain words, without ranking them.
    pathways_welcome: Mapped[str] = mapped_column(Text, default="")
    # Ages the service is for (HSDS minimum_age, maximum_age); empty when it does not say.
    minimum_age: Mapped[int | None] = mapped_column(default=None)
    maximum_age: Mapped[int | None] = mapped_column(default=None)
    last_confirmed: Mapped[date | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Indexed for Open Referral UK's modified_after (a council's incremental sync).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    archived_at: Mapped[datetime | None] = mapped_column(default=None)
    # The words the keyword search looks in (names, description, category), kept by
    # `_keep_search_text`; the database's full-text index covers it (community_hub/fulltext.py).
    search_text: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()
    taxonomy_term: Mapped[TaxonomyTerm | None] = relationship()
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )
    schedules: Mapped[list[Schedule]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="Schedule.position"
    )
    phones: Mapped[list[Phone]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="Phone.position"
    )

    __table_args__ = (
        # Near a place (Open Referral UK's postcode and proximity): the box, the distance and
        # whether it is public, all from the index, for public (unarchived) services only.
        # archived_at is always NULL there; SQLite needs it to call the index covering.
        Index(
            "ix_service_geo",
            *("lat_band", "longitude", "latitude", "status", "id", "archived_at"),
            postgresql_where=text("archived_at IS NULL"),
            sqlite_where=text("archived_at IS NULL"),
        ),
    )

    @property
    def shown_pathways_welcome(self) -> str:
        """Who is welcome, in the reader's language where it is a sentence we know."""
        from community_hub.resources.labels import PATHWAYS_WELCOME

        known = PATHWAYS_WELCOME.get(self.pathways_welcome.strip())
        return str(known) if known is not None else self.pathways_welcome

    @property
    def location(self) -> Location | None:
        """The resource's one location (HSDS allows many; our pages show one)."""
        links = self.service_at_locations
        return links[0].location if links else None

    @property
    def language_list(self) -> list[str]:
        return [c for c in self.languages.split(",") if c]

    @property
    def is_public(self) -> bool:
        return self.archived_at is None and self.status in PUBLIC_STATUSES

    def __repr__(self) -> str:
        return f"<Service {self.slug}>"


index_table(Service.__table__)


@event.listens_for(Service, "before_insert")
@event.listens_for(Service, "before_update")
def _keep_search_text(_mapper: object, connection: Connection, service: Service) -> None:
    category = ""
    if service.taxonomy_term_id is not None:
        term = TaxonomyTerm.__table__
        found = connection.execute(
            select(term.c.term, term.c.code).where(term.c.id == service.taxonomy_term_id)
        ).first()
        category = f"{found.term} {found.code.replace('_', ' ')}" if found else ""
    parts = (service.name, service.name_cy, service.alternate_name, category)
    texts = (service.description, service.description_cy)
    service.search_text = "\n".join(p for p in (*parts, *texts) if p)


class Location(Located, Model):
    """Where a service happens. Safe housing is placed at its town centre with no address."""

    __tablename__ = "location"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    location_type: Mapped[str] = mapped_column(String(10), default=LocationType.PHYSICAL.value)
    name: Mapped[str] = mapped_column(String(200), default="")
    address_1: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    postcode: Mapped[str] = mapped_column(String(12), default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), default="GB")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    # True when only the area is published (the position is the town centre).
    approximate: Mapped[bool] = mapped_column(default=False)
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()

    # Near a place: the box and the distance from the index alone.
    __table_args__ = (Index("ix_location_geo", "lat_band", "longitude", "latitude", "id"),)

    @property
    def formatted_address(self) -> str:
        parts = [self.city] if self.approximate else [self.address_1, self.city, self.postcode]
        return ", ".join(p for p in parts if p)

    def __repr__(self) -> str:
        return f"<Location {self.name or self.city}>"


@event.listens_for(Location, "before_insert")
@event.listens_for(Location, "before_update")
def _approximate_stays_approximate(_mapper: object, _connection: object, place: Location) -> None:
    # Safe housing shown at town level keeps only a position rounded to about 1 km.
    coarsen(place)


class ServiceAtLocation(Model):
    __tablename__ = "service_at_location"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), index=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("location.id"), index=True)

    service: Mapped[Service] = relationship(back_populates="service_at_locations")
    location: Mapped[Location] = relationship()

    __table_args__ = (UniqueConstraint("service_id", "location_id"),)


class Schedule(Model):
    """Regular opening times, iCalendar style: WEEKLY on "MO,WE" from opens_at to closes_at."""

    __tablename__ = "schedule"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)  # the order coordinators entered them
    freq: Mapped[str] = mapped_column(String(10), default="WEEKLY")
    byday: Mapped[str] = mapped_column(String(40), default="")
    opens_at: Mapped[time | None] = mapped_column(default=None)
    closes_at: Mapped[time | None] = mapped_column(default=None)
    description: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship(back_populates="schedules")

    @property
    def day_codes(self) -> list[str]:
        return [d for d in self.byday.split(",") if d]


class Phone(Model):
    __tablename__ = "phone"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    number: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(200), default="")

    service: Mapped[Service] = relationship(back_populates="phones")
