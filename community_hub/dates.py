"""Dates as people read them, in the reader's language (Babel, never strftime)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date, format_datetime


def long_date(day: date | datetime | None) -> str:
    """'3 December 2026', 'Rhagfyr' in Welsh; empty for no date."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.date()
    return str(format_date(day, "d MMMM y"))


def month_and_year(day: date | None) -> str:
    """'November 2026' ('Tachwedd 2026' in Welsh); empty for no date."""
    return "" if day is None else str(format_date(day, "LLLL y"))


def date_and_time(moment: datetime | None) -> str:
    """'3 December 2026, 18:50' in the reader's language (a naive time is taken as UTC)."""
    if moment is None:
        return ""
    return str(format_datetime(moment, "d MMMM y, HH:mm"))
