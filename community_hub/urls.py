"""Absolute links for emails and feeds, built from SITE_URL and never from the request's Host."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, has_request_context, request


def site_url(endpoint: str, **values: Any) -> str:
    """The public address of a page, e.g. for a link in an email sent from a cron job."""
    base = urlsplit(str(current_app.config["SITE_URL"]).rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return str(adapter.build(endpoint, values, force_external=True))


# What werkzeug's converters leave unquoted in a path segment (its BaseConverter.to_url).
PATH_SAFE = "!$&'()*+,/:;=@"
# Stands in for a number while a pattern is built; no table's ids reach it.
_STAND_IN = 7_294_610_583


def site_url_pattern(endpoint: str, name: str, number: bool = False) -> str:
    """The public address of `endpoint` with `{name}` where the value of `name` goes, kept
    per SITE_URL: one build for a whole list rather than one per item (each builds the whole
    address again). Fill it with `fill`. `number` for a route that takes an integer."""
    kept: dict[tuple[str, str, str], str] = current_app.extensions.setdefault("url_patterns", {})
    key = (str(current_app.config["SITE_URL"]), endpoint, name)
    pattern = kept.get(key)
    if pattern is None:
        stand_in = str(_STAND_IN) if number else "{" + name + "}"
        built = site_url(endpoint, **{name: _STAND_IN if number else stand_in})
        pattern = built.replace(stand_in if number else quote(stand_in), "{" + name + "}")
        kept[key] = pattern
    return pattern


def fill(pattern: str, name: str, value: object) -> str:
    """A `site_url_pattern` with its value in place, quoted as url_for would."""
    return pattern.replace("{" + name + "}", quote(str(value), safe=PATH_SAFE))


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
