"""The change history of every listing: one table for meetings, venues, resources, peers and
champions, as ephios keeps one log for any model (see listings/history.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community_hub.auth.models import User, utcnow
from community_hub.extensions import Model


class ListingChange(Model):
    """Who changed what on a listing, when, and the old and new values."""

    __tablename__ = "listing_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # meetings, venues, resources, peers, ...
    listing_id: Mapped[str] = mapped_column(String(36))  # resources have UUIDs
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), default=None)
    # form, import, sync (a feed subscription), suggestion, revert or system.
    source: Mapped[str] = mapped_column(String(20), default="system")
    source_name: Mapped[str] = mapped_column(String(200), default="")  # which feed, say
    suggestion_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_suggestion.id"), default=None
    )
    # created, changed, confirmed, archived, restored.
    action: Mapped[str] = mapped_column(String(20))
    # {field: [old, new]}; values as JSON (times "19:30", dates ISO). Private fields: None.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Set on a change that a later one reverted.
    reverted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("listing_change.id"), default=None
    )

    user: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_listing_change_listing", "kind", "listing_id"),)
