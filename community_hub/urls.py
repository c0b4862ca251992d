"""Absolute links for emails and feeds, built from SITE_URL and never from the request's Host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request


def site_url(endpoint: str, **values: Any) -> str:
    """The public address of a page, e.g. for a link in an email sent from a cron job."""
    base = urlsplit(str(current_app.config["SITE_URL"]).rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return str(adapter.build(endpoint, values, force_external=True))


def init_app(app: Flask) -> None:
    """Templates build the same few plain links (the menu, the stylesheet) on every page.

    Each such link is worked out once per root path and kept: a link with values of its own
    (a meeting's slug, a search) is built afresh every time.
    """
    build = app.url_for
    kept: dict[tuple[str, str, str | None], str] = {}

    def url_for(endpoint: str, **values: Any) -> str:
        if not has_request_context() or not (values.keys() <= {"filename"}):
            return build(endpoint, **values)
        key = (request.script_root, endpoint, values.get("filename"))
        url = kept.get(key)
        if url is None:
            url = kept[key] = build(endpoint, **values)
        return url

    app.jinja_env.globals["url_for"] = url_for
