"""Venues: the places meetings are held, and how their address reads on one line."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community_hub.auth.models import Organisation, utcnow
from community_hub.extensions import Model
from community_hub.geo.privacy import coarsen

if TYPE_CHECKING:
    from community_hub.meetings.models import Meeting


def format_address(address: str, city: str, postcode: str, state: str = "") -> str:
    """A venue's address on one line, leaving out the parts it lacks."""
    region = " ".join(p for p in (state, postcode) if p)  # "MO 64113", as US addresses go
    return ", ".join(p for p in (address, city, region) if p)


class Venue(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="", index=True)
    state: Mapped[str] = mapped_column(String(120), default="")  # a US state, a province...
    region: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(60), default="GB")  # as given: GB, US, USA...
    # The whole address exactly as a feed gave it (its formatted_address), kept without loss.
    full_address: Mapped[str] = mapped_column(String(500), default="")
    # None when an imported address could not be placed: the venue is kept and flagged.
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    # True when the address only places an online group roughly (Meeting Guide "approximate").
    approximate: Mapped[bool] = mapped_column(default=False)
    location_notes: Mapped[str] = mapped_column(Text, default="")
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")
    last_confirmed: Mapped[date | None] = mapped_column(default=None)
    archived_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    meetings: Mapped[list[Meeting]] = relationship(back_populates="venue")

    @property
    def formatted_address(self) -> str:
        """The address as the source wrote it, else built from its parts."""
        return self.full_address or format_address(
            self.address, self.city, self.postcode, self.state
        )

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def label(self) -> str:
        """Its name; an imported place without one goes by the start of its address."""
        return venue_label(self.name, self.full_address, self.address, self.city)

    @property
    def display_name(self) -> str:
        return venue_display_name(self.name, self.full_address, self.address, self.city)


def venue_label(name: str, full_address: str, address: str, city: str) -> str:
    """A place's name, else the start of its address (Venue.label, from plain values)."""
    first = full_address.split(",")[0].strip() if full_address else ""
    return name or first or address or city


def venue_display_name(name: str, full_address: str, address: str, city: str) -> str:
    """'St Mary's Hall, Doncaster': the label, and the town when it is not the label."""
    label = venue_label(name, full_address, address, city)
    return f"{label}, {city}" if city and city != label else label


@event.listens_for(Venue, "before_insert")
@event.listens_for(Venue, "before_update")
def _approximate_stays_approximate(_mapper: object, _connection: object, venue: Venue) -> None:
    coarsen(venue)
