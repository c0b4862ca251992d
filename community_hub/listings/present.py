"""How a change in the history reads: each field's label, and its old and new values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import inspect

from community_hub.dates import date_and_time, long_date
from community_hub.extensions import db
from community_hub.listings.models import ListingChange
from community_hub.listings.registry import Kind


@dataclass
class Row:
    label: str
    old: str
    new: str
    private: bool


def _column_type(kind: Kind, name: str) -> type | None:
    prefix, _dot, column = name.rpartition(".")
    model: Any = kind.model()
    if prefix == "location":
        from community_hub.resources.models import Location

        model = Location
    columns = inspect(model).columns
    if column not in columns:
        return None
    try:
        return columns[column].type.python_type
    except NotImplementedError:
        return None


def shown(kind: Kind, name: str, value: Any) -> str:
    """A value as a coordinator reads it."""
    from community_hub.meetings import present as meeting_present

    column = name.rpartition(".")[2]
    if column == "monthly_week":
        if value is None:
            return _("Every week")
        label = meeting_present.MONTHLY_LABELS.get(value)
        return str(label) % {"day": "…"} if label else str(value)
    if value is None or value == "" or value == []:
        return _("(empty)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if column == "day" and isinstance(value, int) and 0 <= value <= 6:
        return meeting_present.day_label(value)
    if column in ("fellowship_id", "venue_id") and isinstance(value, int):
        return _named(column, value)
    if column == "types" and isinstance(value, str):
        return " ".join(c for c in value.split(",") if c)
    kind_type = _column_type(kind, name)
    try:
        if kind_type is datetime and isinstance(value, str):
            return date_and_time(datetime.fromisoformat(value))
        if kind_type is date and isinstance(value, str):
            return long_date(date.fromisoformat(value))
    except ValueError:
        pass
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _named(column: str, value: int) -> str:
    from community_hub.meetings.models import Fellowship, Venue

    if column == "fellowship_id":
        fellowship = db.session.get(Fellowship, value)
        return fellowship.shown_name if fellowship else str(value)
    venue = db.session.get(Venue, value)
    return venue.display_name if venue else str(value)


def rows(kind: Kind, change: ListingChange) -> list[Row]:
    """The fields of one change, each with its label and values."""
    found = []
    for name, (old, new) in sorted(change.changes.items(), key=lambda item: item[0]):
        private = name in kind.private
        found.append(
            Row(
                kind.label_for(name),
                "" if private else shown(kind, name, old),
                "" if private else shown(kind, name, new),
                private,
            )
        )
    return found


def who(change: ListingChange) -> str:
    """Who made a change: the person, a feed, an import, or the system."""
    source = {
        "import": _("Import"),
        "sync": _("Feed subscription"),
        "suggestion": _("From a public suggestion"),
        "revert": _("Revert"),
    }.get(change.source, "")
    person = change.user.display_name if change.user else ""
    parts = [p for p in (person, source, change.source_name) if p]
    return " · ".join(parts) or _("The system")


def action(change: ListingChange) -> str:
    labels = {
        "created": _("Added"),
        "changed": _("Changed"),
        "confirmed": _("Confirmed as still correct"),
        "archived": _("Archived"),
        "restored": _("Restored"),
    }
    return labels.get(change.action, change.action)
