"""Request-wide behaviour: deny by default, security headers, error pages, template globals."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import BadRequest, HTTPException, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import available_locales, db, login_manager

F = TypeVar("F", bound=Callable[..., Any])


def public(view: F) -> F:
    """Mark a view as open to everyone; every other view needs a signed-in user."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def reads_only(view: F) -> F:
    """Run a read-only view's queries without a transaction (autocommit), as Django does.

    For the public searches, which read and never write: PostgreSQL then gets no BEGIN and
    ROLLBACK around their two statements, two round trips fewer per request (measured by
    bench/http_load.py). Never for a view that writes: each statement would commit alone.
    A request that has already used the database (a signed-in user's) keeps its transaction.
    SQLite is left alone: it opens no transaction for reads anyway, and switching its
    isolation level back costs a statement.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        session = db.session()
        if db.engine.dialect.name != "postgresql" or session.in_transaction():
            return view(*args, **kwargs)
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        try:
            return view(*args, **kwargs)
        finally:
            session.close()  # the response is built: hand the connection back as it was

    return wrapper  # type: ignore[return-value]


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _refuse_nul_characters() -> None:
    """No real input holds a NUL character and PostgreSQL cannot store one: answer 400 early."""
    sent = [request.path, *request.args.keys(), *request.form.keys()]
    sent += [v for _name, values in request.args.lists() for v in values]
    sent += [v for _name, values in request.form.lists() for v in values]
    if any("\x00" in value for value in sent):
        raise BadRequest()


def _deny_by_default() -> Any:
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and getattr(view, "is_public", False):
        return None
    if current_user.is_authenticated:
        return None
    if wants_json():
        return jsonify(error="unauthorised", message=_("Please sign in.")), 401
    return login_manager.unauthorized()


def _security_headers(response: Response) -> Response:
    tile_url = current_app.config.get("MAP_TILE_URL") or ""
    tile_origin = ""
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "a"))
        tile_origin = (
            f" {parts.scheme}://{parts.netloc.split('{')[0]}*"
            if "{" in parts.netloc
            else f" {parts.scheme}://{parts.netloc}"
        )
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data:{tile_origin}; connect-src 'self'; font-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault(
        "Permissions-Policy", "geolocation=(self), camera=(), microphone=()"
    )
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if current_user.is_authenticated:
        # Staff pages may hold sensitive data: never keep them in shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


TITLES = {
    400: _l("Please check and try again"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Not allowed"),
    429: _l("Too many attempts"),
    500: _l("Sorry, something went wrong"),
    503: _l("Temporarily unavailable"),
}


def _error_page(error: HTTPException) -> Any:
    code = error.code or 500
    messages = {
        400: _("Something in that request was not right. Please go back and try again."),
        403: _("You do not have permission to see this page."),
        404: _("We could not find that page. It may have moved or been removed."),
        405: _("That action is not allowed here."),
        429: _("Too many attempts. Please wait a minute and try again."),
        500: _("Something went wrong on our side. Nothing you did caused this."),
    }
    message = messages.get(code, error.description or "")
    title = str(TITLES.get(code, error.name))
    if isinstance(error, CSRFError):
        title = _("Your form expired")
        message = _(
            "Your form expired or was sent from another page. Please go back, reload and try again."
        )
    if isinstance(error, SecurityError):
        # A Host header outside TRUSTED_HOSTS: no page can be built for a host we do not serve.
        return Response(message, status=code, mimetype="text/plain")
    if wants_json():
        return jsonify(error=error.name.lower().replace(" ", "_"), message=message), code
    return render_template("core/error.html", code=code, title=title, message=message), code


def _internal_error(error: Exception) -> Any:
    from community_hub.extensions import db

    db.session.rollback()
    current_app.logger.exception("Unhandled error", exc_info=error)
    message = _("Something went wrong on our side. Nothing you did caused this.")
    if wants_json():
        return jsonify(error="internal_error", message=message), 500
    try:
        return render_template("core/error.html", code=500, title="Error", message=message), 500
    except Exception:  # the page itself failed: answer plainly rather than not at all
        return Response(message, status=500, mimetype="text/plain")


def _database_unavailable(error: Exception) -> Any:
    """The database cannot be reached: say so kindly (503) rather than fail with a 500."""
    from community_hub.extensions import db

    with suppress(SQLAlchemyError):  # the connection may be gone; pool_pre_ping replaces it
        db.session.rollback()
    # Render as a visitor so drawing the page does not ask the database about the user again.
    g._login_user = login_manager.anonymous_user()
    current_app.logger.error("Database unavailable: %s", error.__class__.__name__)
    message = _(
        "We cannot reach our database just now. Please try again in a few minutes. "
        "If you need help now, the numbers below are open."
    )
    headers = {"Retry-After": "30"}
    if wants_json():
        return jsonify(error="service_unavailable", message=message), 503, headers
    try:
        page = render_template("core/error.html", code=503, title=TITLES[503], message=message)
    except Exception:  # the page itself failed: answer plainly rather than not at all
        return Response(message, status=503, mimetype="text/plain", headers=headers)
    return page, 503, headers


def _template_globals() -> dict[str, Any]:
    from community_hub.accounts.acting import acting_organisation
    from community_hub.core.nations import current_nation

    # The help lines are in the cached page chrome (chrome.py); pages that list them all
    # (help, the print list) are given them by their views.
    return {
        "acting_for": acting_organisation,
        "nation": current_nation(),
        "site_name": current_app.config["SITE_NAME"],
        "languages": current_app.config["LANGUAGES"],
        "now_utc": datetime.now(UTC),
        "get_locale": get_locale,
        "available_locales": available_locales(),
    }


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Believe X-Forwarded-* only from the proxies we run, so HTTPS, client addresses
        # (rate limits) and host names are the real ones.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    app.before_request(_refuse_nul_characters)
    app.before_request(_deny_by_default)
    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _error_page)
    app.register_error_handler(Exception, _internal_error)
    for database_error in (OperationalError, InterfaceError, PoolTimeoutError):
        app.register_error_handler(database_error, _database_unavailable)
    app.context_processor(_template_globals)
    from community_hub.dates import date_and_time, long_date, month_and_year
    from community_hub.urls import site_url

    app.add_template_global(site_url, "site_url")
    from community_hub.geo.params import radius_label

    app.add_template_global(radius_label, "radius_label")
    from community_hub.people.vocab import LANGUAGES, gender_name, label

    app.add_template_global(gender_name, "gender_name")

    # A language code as people read it, in their language: "pl" -> "Polish" / "Pwyleg".
    app.add_template_global(lambda code: label(LANGUAGES, code), "language_name")

    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(date_and_time, "date_and_time")
    app.add_template_filter(month_and_year, "month_and_year")
