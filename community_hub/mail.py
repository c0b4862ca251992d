"""Plain-text email through the SMTP server named in the configuration."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one message now; raises smtplib.SMTPException or OSError if it cannot be sent."""
    config = current_app.config
    sender = config.get("MAIL_FROM") or "community-hub@localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message.set_content(body)

    server = config.get("MAIL_SERVER") or "localhost"
    port = int(config.get("MAIL_PORT") or 25)
    with smtplib.SMTP(server, port, timeout=30) as smtp:
        if _flag(config.get("MAIL_USE_TLS", False)):
            smtp.starttls(context=ssl.create_default_context())
        username = config.get("MAIL_USERNAME") or ""
        if username:
            smtp.login(username, config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def _flag(value: object) -> bool:
    """Settings from the environment arrive as text: 'false' and '0' mean off."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)
