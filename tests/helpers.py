"""Small helpers the page tests share."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html import unescape
from typing import Any


def today() -> date:
    return datetime.now(UTC).date()


def page(response: Any) -> str:
    """A response's HTML with entities decoded, for plain-text assertions."""
    return unescape(response.get_data(as_text=True))


def section(html: str, start_id: str, end_id: str) -> str:
    """The part of a page between two headings, by their ids."""
    start = html.index(f'id="{start_id}"')
    return html[start : html.index(f'id="{end_id}"', start)]


def reload(row: Any) -> Any:
    """The row as the database now holds it (forgetting anything cached in the session)."""
    from community_hub.extensions import db

    db.session.expire_all()
    fresh = db.session.get(type(row), row.id)
    assert fresh is not None
    return fresh
