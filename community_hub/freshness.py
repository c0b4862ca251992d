"""How fresh a listing is. Every kind (meeting, peer, champion, resource) uses this one rule."""

from __future__ import annotations

from datetime import date
from typing import Protocol

STALE_AFTER_DAYS = 90


class Confirmable(Protocol):
    last_confirmed: date | None


def is_stale(listing: Confirmable, today: date, days: int = STALE_AFTER_DAYS) -> bool:
    """Not confirmed within `days` (or never): flagged to the public, listed for coordinators."""
    if listing.last_confirmed is None:
        return True
    return (today - listing.last_confirmed).days > days
