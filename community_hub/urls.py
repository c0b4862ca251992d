"""Absolute links for emails and feeds, built from SITE_URL and never from the request's Host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def site_url(endpoint: str, **values: Any) -> str:
    """The public address of a page, e.g. for a link in an email sent from a cron job."""
    base = urlsplit(str(current_app.config["SITE_URL"]).rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return str(adapter.build(endpoint, values, force_external=True))
