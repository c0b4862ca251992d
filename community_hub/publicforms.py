"""Forms the public fills in without an account, protected without a cookie.

Public pages set no cookie (SECURITY.md), so a form shown to a visitor cannot keep its CSRF
token in the session. Instead:

- the form carries a signed, timestamped token (itsdangerous, with SECRET_KEY) that expires
  after PUBLIC_FORM_MAX_AGE seconds, so a stale or forged form is refused with a message; and
- the request must come from one of our own pages: browsers say where a POST comes from in
  `Sec-Fetch-Site` (or `Origin`), and a POST another site makes a visitor's browser send is
  refused. That check, not the token, is what stops cross-site forgery here: with no session
  there is nothing of the visitor's to ride on except a sign-in, which the same check guards.

Views that take such a form are marked `@public_form`, which also exempts them from the
session-based CSRF check every other form keeps.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, request
from flask_wtf import FlaskForm
from itsdangerous import BadData, URLSafeTimedSerializer
from wtforms import ValidationError
from wtforms.csrf.core import CSRF

from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import csrf

F = TypeVar("F", bound=Callable[..., Any])
SALT = "public-form"
EXPIRED = _l("This form has expired. Please reload the page and try again.")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt=SALT)


class SignedTokenCSRF(CSRF):
    """A CSRF token that needs no session: signed, timestamped, checked for its age."""

    def generate_csrf_token(self, csrf_token_field: Any) -> str:
        return str(_serializer().dumps(secrets.token_urlsafe(8)))

    def validate_csrf_token(self, form: Any, field: Any) -> None:
        max_age = int(current_app.config["PUBLIC_FORM_MAX_AGE"])
        try:
            _serializer().loads(field.data or "", max_age=max_age)
        except BadData as error:
            raise ValidationError(str(EXPIRED)) from error


class PublicForm(FlaskForm):
    """A form shown to visitors: its token lives in the page, never in a cookie."""

    class Meta(FlaskForm.Meta):
        csrf_class = SignedTokenCSRF


def _own_origins() -> set[str]:
    origins = set()
    for url in (str(current_app.config.get("SITE_URL") or ""), request.host_url):
        parts = urlsplit(url)
        if parts.scheme and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return origins


def from_this_site() -> bool:
    """Whether the browser says this request comes from one of our own pages.

    A request that says nothing (an old browser, a script) is let through to the token check.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin.rstrip("/") in _own_origins()
    return True


def public_form(view: F) -> F:
    """For a view whose form visitors fill in: no session CSRF, but only from our own pages."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        checking = current_app.config.get("WTF_CSRF_ENABLED", True)
        if request.method == "POST" and checking and not from_this_site():
            abort(400, description="cross-site")
        return view(*args, **kwargs)

    csrf.exempt(wrapper)
    wrapper.public_form = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
