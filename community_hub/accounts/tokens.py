"""Link tokens for invitations and resets: derived, never stored; only their hash is kept.

A token is HMAC-SHA256(SECRET_KEY, purpose:row id:nonce). The row keeps the random nonce and
sha256(token). So the database alone (a backup, a leaked dump) holds no usable link, yet the
outbox can work the link out again when it sends the email, without ever storing it.
Changing SECRET_KEY makes every outstanding link stop working.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import select

from community_hub.extensions import db

Row = TypeVar("Row")


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def token_for(purpose: str, row_id: int, nonce: str) -> str:
    """The secret that goes in the link for one invitation or reset."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"{purpose}:{row_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hashed(token: str) -> str:
    """What is stored, and looked up, for a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def row_for(model: type[Row], token: str) -> Row | None:
    """The invitation or reset whose token this is, by its hash (None for anything else)."""
    if not token or len(token) > 100:
        return None
    column: Any = model.token_hash  # type: ignore[attr-defined]
    return db.session.scalar(select(model).where(column == hashed(token)))
