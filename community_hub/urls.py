"""Absolute links for emails and feeds, built from SITE_URL and never from the request's Host."""

from __future__ import annotations

import functools
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
# Links kept per worker by `init_app`'s url_for (a few dozen are built with the same values).
KEPT_LINKS = 512
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
    """Templates build the same few plain links (the menu, the stylesheet, the finder's
    online links) on every page.

    Each link is worked out once per root path and its values, and the last KEPT_LINKS kept:
    links built every time with the same values stay, and one built with values of its own
    (a language link back to this page, say) costs one build as before. Links that depend on
    the request (`_external`, `_scheme`, an endpoint relative to its blueprint) or carry
    unhashable values are always built.
    """
    build = app.url_for

    @functools.lru_cache(maxsize=KEPT_LINKS)
    def built(root: str, endpoint: str, values: tuple[tuple[str, Any], ...]) -> str:
        return build(endpoint, **dict(values))

    def url_for(endpoint: str, **values: Any) -> str:
        if (
            not has_request_context()
            or endpoint.startswith(".")  # relative to the request's blueprint
            or any(name.startswith("_") for name in values)
        ):
            return build(endpoint, **values)
        key = tuple(values.items())  # in order: the query string keeps it
        try:
            return built(request.script_root, endpoint, key)
        except TypeError:  # an unhashable value: nothing to keep it by
            return build(endpoint, **values)

    app.extensions["kept_url_for"] = url_for
    app.jinja_env.globals["url_for"] = url_for


def kept_url_for(endpoint: str, **values: Any) -> str:
    """`url_for` for a link the app builds again and again with the same values (see
    `init_app`), from Python."""
    return str(current_app.extensions["kept_url_for"](endpoint, **values))
