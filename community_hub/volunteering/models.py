"""Volunteering opportunities a group publishes, and the applications people send for them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community_hub.auth.models import Organisation, utcnow
from community_hub.extensions import Model
from community_hub.geo.nearby import Located
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.requirement_models import RequirementType

# The checks and training an opportunity needs, from its organisation's requirement types.
opportunity_requirement = Table(
    "volunteering_opportunity_requirement",
    Model.metadata,
    Column("opportunity_id", ForeignKey("volunteering_opportunity.id"), primary_key=True),
    Column("requirement_type_id", ForeignKey("requirement_type.id"), primary_key=True),
)


class Opportunity(Located, Model):
    """A volunteer role a group is recruiting for, listed publicly while it is open.

    The position is the centre of the area (found by the geocoder), never a home address.
    """

    __tablename__ = "volunteering_opportunity"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # Where the volunteering happens; none means at the organisation's own premises.
    host_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), default=None
    )
    title: Mapped[str] = mapped_column(String(120))  # the role, e.g. "Peer mentor"
    title_cy: Mapped[str] = mapped_column(String(120), default="")
    area: Mapped[str] = mapped_column(String(120))  # "Doncaster and Mexborough"
    centre_place: Mapped[str] = mapped_column(String(120), default="")  # what was geocoded
    description: Mapped[str] = mapped_column(Text, default="")  # what it involves
    description_cy: Mapped[str] = mapped_column(Text, default="")
    time_asked: Mapped[str] = mapped_column(String(200), default="")
    closes_on: Mapped[date | None] = mapped_column(default=None)  # last day it is listed
    lived_experience_welcome: Mapped[bool] = mapped_column(default=True)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    archived_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    host: Mapped[Organisation | None] = relationship(foreign_keys=[host_organisation_id])
    requirements: Mapped[list[RequirementType]] = relationship(
        secondary=opportunity_requirement, order_by=RequirementType.name
    )

    __table_args__ = (Index("ix_volunteering_opportunity_geo", "lat_band", "longitude"),)

    def is_open(self, today: date) -> bool:
        """Published, not archived and not past its closing date: shown to the public."""
        return (
            self.published_at is not None
            and self.archived_at is None
            and (self.closes_on is None or self.closes_on >= today)
        )

    def __repr__(self) -> str:
        return f"<Opportunity {self.slug}>"


class VolunteeringApplication(Model):
    """Someone applied online: the volunteer record it created and what they told us.

    The applicant's name and contact details live on the volunteer record; both lose them
    after APPLICATION_RETENTION_DAYS if the person never moves on (volunteering/retention.py).
    """

    __tablename__ = "volunteering_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("volunteering_opportunity.id"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    about: Mapped[str] = mapped_column(Text, default="")  # "tell us a little about you"
    consent_at: Mapped[datetime]  # when they agreed the organisation may keep their details
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(default=None)

    opportunity: Mapped[Opportunity] = relationship()
    volunteer: Mapped[Volunteer] = relationship()
