"""Readable, unique keys for URLs: 'The Beacon Café, Doncaster' -> 'the-beacon-cafe-doncaster'."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import select

from community_hub.extensions import db


def slugify(text: str, fallback: str = "item", limit: int = 80) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-") or fallback


def unique_slug(column: Any, *parts: str, fallback: str = "item", limit: int = 80) -> str:
    """A slug made of the parts, with -2, -3... added until no row has it in `column`."""
    base = slugify("-".join(p for p in parts if p), fallback, limit)
    slug, n = base, 2
    while db.session.scalar(select(column).where(column == slug).limit(1)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug
