"""Where imported meetings come from: a feed source per file or outside feed an organisation
takes meetings from. Slugs are unique within a source, so two feeds may both use `369`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community_hub.auth.models import Organisation, utcnow
from community_hub.extensions import Model
from community_hub.meetings.models import Fellowship


class FeedSource(Model):
    """A feed an organisation imports: a subscription (with a URL) or its direct imports."""

    __tablename__ = "feed_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # Short and unique: it prefixes the slugs this source's meetings get when theirs clash.
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # An outside feed to fetch (`flask sync-feeds`); empty for files imported by hand.
    url: Mapped[str] = mapped_column(String(500), default="")
    fellowship_id: Mapped[int] = mapped_column(ForeignKey("fellowship.id"))
    # The zone for rows without one; empty: the organisation's.
    timezone: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Conditional GET: what the server said last time, sent back so it can answer 304.
    etag: Mapped[str] = mapped_column(String(300), default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")
    last_fetched_at: Mapped[datetime | None] = mapped_column(default=None)
    last_success_at: Mapped[datetime | None] = mapped_column(default=None)
    last_status: Mapped[str] = mapped_column(String(20), default="")  # ok, unchanged, failed
    last_error: Mapped[str] = mapped_column(Text, default="")
    failures: Mapped[int] = mapped_column(default=0)  # failed fetches in a row
    # The last run's counts: added, changed, archived, rejected, warnings, unchanged.
    last_report: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    fellowship: Mapped[Fellowship] = relationship()

    @property
    def is_subscription(self) -> bool:
        return bool(self.url)
