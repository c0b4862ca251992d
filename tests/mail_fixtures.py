"""A real local SMTP server (aiosmtpd) for tests that send mail; request `smtp` or `inbox`."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    """Everything the local SMTP server received, as (recipients, message)."""

    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default)
        self.received.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted"

    def bodies(self) -> list[str]:
        """Every part (plain text and HTML) of every message received, as text."""
        return [
            part.get_content()
            for _tos, message in self.received
            for part in message.walk()
            if part.get_content_maintype() == "text"
        ]

    def take(self) -> list[tuple[str, str]]:
        """(recipient, subject) of each message since the last take, sorted."""
        found = sorted((to, str(m["Subject"])) for tos, m in self.received for to in tos)
        self.received.clear()
        return found


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    from aiosmtpd.controller import Controller

    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def inbox(smtp: tuple[Inbox, int]) -> Inbox:
    return smtp[0]
