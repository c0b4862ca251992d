"""Fixtures for accounts: the outbox as a person's inbox, and the links in it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from community_hub.extensions import db
from community_hub.jobs.models import MailStatus, OutboxMessage
from community_hub.jobs.outbox import _fill_links

LINK_RE = re.compile(r"https?://\S+")


@pytest.fixture
def app_config() -> dict[str, Any]:
    # A short floor keeps the tests quick; the padding itself is tested with a longer one.
    return {"PASSWORD_RESET_RESPONSE_SECONDS": 0.05, "SITE_URL": "https://hub.example.org"}


def queued(to: str | None = None, kind: str | None = None) -> list[OutboxMessage]:
    """Messages waiting in the outbox, oldest first."""
    stmt = db.select(OutboxMessage).where(
        OutboxMessage.status.in_([MailStatus.QUEUED.value, MailStatus.HELD.value])
    )
    if to is not None:
        stmt = stmt.where(OutboxMessage.recipient == to)
    if kind is not None:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(stmt.order_by(OutboxMessage.id)))


def link_in(message: OutboxMessage) -> str:
    """The link a person would click, worked out as the outbox does when sending."""
    body = _fill_links(message.body_text)
    assert body is not None, "the link no longer works"
    found = LINK_RE.findall(body)
    assert found, body
    return found[-1]


@pytest.fixture
def path_of() -> Callable[[str], str]:
    """The site-relative part of a link (the test client speaks to the app directly)."""

    def strip(link: str) -> str:
        return link.removeprefix("https://hub.example.org")

    return strip
