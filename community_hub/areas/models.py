"""An area and the place names that lead to it.

Areas are made from the data (see derive.py); coordinators then rename them, move them under
another parent or merge two. A place keeps finding its area through an alias: the normalised
path of names it was derived from ("gb-wls/south wales/cardiff"). Merging moves the aliases,
so the next import of "Cardiff " or "CARDIFF" still lands in the merged area.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community_hub.auth.models import utcnow
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import Model

# Nation areas are named in English when derived; shown in the reader's language.
NATION_NAMES = {
    "England": _l("England"),
    "Wales": _l("Wales"),
    "Scotland": _l("Scotland"),
    "Northern Ireland": _l("Northern Ireland"),
}


class Area(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    parent: Mapped[Area | None] = relationship(remote_side=[id])

    @property
    def shown_name(self) -> str:
        """The name in the reader's language where it is a nation's ("Cymru"), else as kept."""
        nation = NATION_NAMES.get(self.name)
        return str(nation) if nation is not None else self.name


class AreaAlias(Model):
    __tablename__ = "area_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The normalised path of names, broadest first, joined by "/".
    key: Mapped[str] = mapped_column(String(400), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
