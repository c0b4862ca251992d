"""One SMTP connection for a run of `flask send-mail`, reopened after a failure."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from types import TracebackType
from typing import Any


def _flag(value: object) -> bool:
    """Settings from the environment arrive as text: 'false' and '0' mean off."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


class Mailer:
    """Sends plain text with an HTML alternative through the configured SMTP server."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self.sender = config.get("MAIL_FROM") or "community-hub@localhost"
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._close()

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        server = config.get("MAIL_SERVER") or "localhost"
        smtp = smtplib.SMTP(server, int(config.get("MAIL_PORT") or 25), timeout=30)
        if _flag(config.get("MAIL_USE_TLS", False)):
            smtp.starttls(context=ssl.create_default_context())
        username = config.get("MAIL_USERNAME") or ""
        if username:
            smtp.login(username, config.get("MAIL_PASSWORD") or "")
        return smtp

    def _close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None

    def send(self, to: str, subject: str, text: str, html: str) -> None:
        """Send one message; raises smtplib.SMTPException or OSError when it cannot."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or "localhost")
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        try:
            if self.smtp is None:
                self.smtp = self._connect()
            self.smtp.send_message(message)
        except (smtplib.SMTPException, OSError):
            self._close()  # start afresh for the next message
            raise
