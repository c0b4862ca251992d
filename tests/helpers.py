"""Small helpers the page tests share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from html import unescape
from typing import Any

from sqlalchemy import event

from community_hub import sqlparams
from community_hub.extensions import db


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
    db.session.expire_all()
    fresh = db.session.get(type(row), row.id)
    assert fresh is not None
    return fresh


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """Every statement sent to the database meanwhile, through SQLAlchemy (its engine's
    events) or on the driver itself (sqlparams runs a kept statement there, unseen by them)."""
    sent: list[str] = []

    def through_sqlalchemy(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    fetch = sqlparams._DriverForm.fetch

    def on_the_driver(form: Any, connection: Any, values: dict[str, Any]) -> Any:
        sent.append(form.sql)
        return fetch(form, connection, values)

    event.listen(db.engine, "before_cursor_execute", through_sqlalchemy)
    sqlparams._DriverForm.fetch = on_the_driver  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", through_sqlalchemy)
        sqlparams._DriverForm.fetch = fetch  # type: ignore[method-assign]
