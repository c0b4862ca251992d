"""Opening times as people read them: same hours merged, "Every day" when all seven."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from community_hub.resources.models import Schedule
from community_hub.resources.validation import DAYS


def days_text(codes: Iterable[str]) -> str:
    """'Every day' for all seven days, else 'Monday, Wednesday' (Monday first)."""
    chosen = set(codes)
    if chosen >= set(DAYS):
        return _("Every day")
    return ", ".join(str(name) for code, name in DAYS.items() if code in chosen)


def opening_lines(schedules: Iterable[Schedule]) -> list[tuple[str, str, str]]:
    """(days, hours, note) per distinct opening time; rows with the same hours are merged."""
    merged: dict[tuple[str, str], set[str]] = {}
    for s in schedules:
        hours = ""
        if s.opens_at:
            hours = f"{s.opens_at:%H:%M}" + (f"–{s.closes_at:%H:%M}" if s.closes_at else "")
        merged.setdefault((hours, s.description), set()).update(s.day_codes)
    return [(days_text(days), hours, note) for (hours, note), days in merged.items()]
