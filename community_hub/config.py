"""Configuration: defaults -> instance/config.py -> environment -> test_config."""

from __future__ import annotations

import json
import os
import re
from typing import Any

from flask import Flask

DEV_SECRET = "dev-only-secret-do-not-use-in-production"  # noqa: S105 - refused in production

# Where to get help right now, by UK nation: shown on every public page (the strip shows the
# first two) for the nation being searched, else DEFAULT_NATION. CRISIS_LINES (JSON) replaces
# them: a list is the same lines everywhere, an object is keyed by nation like this one.
# A line with "text" is a text service: the link opens a message with that word to the number.
_SAMARITANS = {
    "name": "Samaritans",
    "phone": "116 123",
    "hours": "24 hours, every day, free",
    "url": "https://www.samaritans.org",
}
_SHOUT = {
    "name": "Shout (text service)",
    "phone": "85258",
    "hours": "24 hours, every day, free; text SHOUT to 85258",
    "url": "https://giveusashout.org",
    "text": "SHOUT",
}
_NHS_111 = {
    "name": "NHS 111",
    "phone": "111",
    "hours": "24 hours, every day, free; urgent health advice",
    "url": "",
}
_EMERGENCY = {
    "name": "Emergency",
    "phone": "999",
    "hours": "if someone is in danger now",
    "url": "",
}
DEFAULT_CRISIS_LINES: dict[str, list[dict[str, str]]] = {
    "england": [
        {
            "name": "FRANK (drugs information)",
            "phone": "0300 123 6600",
            "hours": "24 hours, every day",
            "url": "https://www.talktofrank.com",
        },
        _SAMARITANS,
        _SHOUT,
        _NHS_111,
        _EMERGENCY,
    ],
    "wales": [
        {
            "name": "DAN 24/7 (Wales drug and alcohol helpline)",
            "phone": "0808 808 2234",
            "hours": "24 hours, every day, free; text DAN to 81066",
            "url": "https://dan247.org.uk",
        },
        _SAMARITANS,
        _SHOUT,
        _NHS_111,
        _EMERGENCY,
    ],
    "scotland": [
        {
            "name": "Know the Score (Scotland drugs helpline)",
            "phone": "0800 587 5879",
            "hours": "free and confidential",
            "url": "https://www.knowthescore.info",
        },
        _SAMARITANS,
        _SHOUT,
        {
            "name": "NHS 24",
            "phone": "111",
            "hours": "24 hours, every day, free; urgent health advice",
            "url": "https://www.nhs24.scot",
        },
        _EMERGENCY,
    ],
    "northern-ireland": [
        {
            "name": "Lifeline (Northern Ireland crisis line)",
            "phone": "0808 808 8000",
            "hours": "24 hours, every day, free",
            "url": "https://www.lifelinehelpline.info",
        },
        _SAMARITANS,
        _SHOUT,
        _EMERGENCY,
    ],
}

DEFAULTS: dict[str, Any] = {
    "APP_ENV": "production",
    "SECRET_KEY": DEV_SECRET,
    "SITE_NAME": "Community Hub",
    # The public address, for links in emails (never taken from a request's Host header).
    # Required in production; development and tests use http://127.0.0.1:5000.
    "SITE_URL": "",
    "SQLALCHEMY_DATABASE_URI": None,  # filled from DATABASE_URL or the instance folder
    # hide_parameters: a database error logs the SQL, never the values (client references).
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    "REDIS_URL": "",
    "DEFAULT_TIMEZONE": "Europe/London",
    "DEFAULT_COUNTRY": "GB",
    # Countries whose towns the offline gazetteer knows (files in community_hub/geo/data/).
    "GAZETTEER_COUNTRIES": "GB,IE",
    "CRISIS_LINES": DEFAULT_CRISIS_LINES,
    # england, wales, scotland or northern-ireland: whose help lines show when no place is searched.
    "DEFAULT_NATION": "england",
    # "offline" (gazetteer + venue postcodes) or "nominatim" (geopy, needs network).
    "GEOCODER": "offline",
    "NOMINATIM_DOMAIN": "nominatim.openstreetmap.org",
    "GEOCODER_USER_AGENT": "community_hub",
    # Empty: the map button is not offered. No third-party request happens until a person asks.
    "MAP_TILE_URL": "",
    "MAP_ATTRIBUTION": "&copy; OpenStreetMap contributors",
    "LOGIN_RATE_LIMIT": "10 per minute; 50 per hour",
    "LOGIN_ACCOUNT_RATE_LIMIT": "5 per minute; 30 per hour",
    "RATELIMIT_ENABLED": True,
    # Open Referral UK API (/api/oruk/), per address: a council's full sync of 100,000
    # listings at 200 a page is 500 requests.
    "ORUK_RATE_LIMIT": "600 per minute",
    "STALE_AFTER_DAYS": 90,
    # A finder search for the nearest meetings on a day or at a time stops widening here (and
    # the "starting next" banner shows nothing further): about how far people travel to one.
    "FINDER_MAX_TRAVEL_KM": 40.0,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": 30 * 24 * 3600,  # seconds; volunteers only (staff go idle)
    # Staff (admin, coordinator, worker, commissioner) are signed out after this long idle.
    "STAFF_IDLE_MINUTES": 30,
    # Closed or unanswered requests to contact a peer lose their personal details after this.
    "CONTACT_REQUEST_RETENTION_DAYS": 90,
    # Suggested changes lose their message and reply address after this (reviewed or not).
    "SUGGESTION_RETENTION_DAYS": 90,
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host (0: none,
    # so those headers are ignored). With 1, HTTPS at the proxy counts as HTTPS (HSTS, cookies).
    "TRUSTED_PROXIES": 0,
    # Host names this site answers to (Flask 3.1); any other Host header gets 400. Empty: any
    # (absolute links never come from the Host header anyway: they use SITE_URL).
    "TRUSTED_HOSTS": None,
    "WTF_CSRF_TIME_LIMIT": None,
    # How long a form shown to a visitor stays usable (its token is signed, not in a cookie).
    "PUBLIC_FORM_MAX_AGE": 12 * 3600,
    "BABEL_DEFAULT_LOCALE": "en",
    # Outgoing mail (reminders). Nothing is sent unless `flask reminders` runs.
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_USE_TLS": False,
    "MAIL_FROM": "community-hub@localhost",
    # The outbox (community_hub/jobs): a failed send is tried again after MAIL_RETRY_SECONDS,
    # doubling each time, and marked failed after MAIL_MAX_ATTEMPTS tries.
    "MAIL_RETRY_SECONDS": 60,
    "MAIL_MAX_ATTEMPTS": 8,
    # Invitations and password resets: how long a link works (it works once).
    "INVITATION_HOURS": 72,
    "PASSWORD_RESET_MINUTES": 60,
    # "Forgot your password?" answers in the same time whether or not the account exists.
    "PASSWORD_RESET_RESPONSE_SECONDS": 0.4,
    "PASSWORD_RESET_RATE_LIMIT": "5 per minute; 20 per hour",
    "PASSWORD_RESET_ACCOUNT_RATE_LIMIT": "3 per hour; 10 per day",
    # Volunteering applications that never move on lose the applicant's details after this.
    "APPLICATION_RETENTION_DAYS": 180,
    # Applications to volunteer from one address (POSTs only), against spam without a CAPTCHA.
    "APPLICATION_RATE_LIMIT": "5 per hour",
    # Days before a check expires when volunteers and coordinators are reminded.
    "REMINDER_OFFSETS_DAYS": (60, 30, 7),
    # Days after the planned first meeting when a referral is followed up.
    "FOLLOW_UP_OFFSETS_DAYS": (7, 30, 90),
    "LANGUAGES": {"en": "English", "cy": "Cymraeg"},
    # Suppressed reports are published a calendar quarter at a time from this one, each quarter
    # protected together with the quarters before it: set it once, before the first commissioner
    # looks, and never move it (moving it could change figures already published).
    "REPORTS_FIRST_QUARTER": "2024-Q1",
    # Feed subscriptions may fetch from loopback, private and link-local addresses only when
    # this is on: a coordinator must not be able to make the server read its own network.
    "FEED_PRIVATE_ADDRESSES": False,
    # PostgreSQL: statements run often are prepared on each connection (community_hub/
    # postgres.py). Off behind a pooler that cannot carry them (PgBouncer before 1.21, or
    # without max_prepared_statements, in transaction mode).
    "DATABASE_PREPARE": True,
    # PostgreSQL: a prepared statement keeps one generic plan (plan_cache_mode), planned once
    # per connection, except those marked postgres.PLAN_EACH_TIME. Off: PostgreSQL's own
    # choice, which here was to plan every statement again for its values.
    "DATABASE_GENERIC_PLANS": True,
}

# Plain environment variables a deployer is most likely to set (also accepted with FLASK_ prefix).
ENV_KEYS = (
    "APP_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "SITE_NAME",
    "SITE_URL",
    "DEFAULT_TIMEZONE",
    "GEOCODER",
    "GAZETTEER_COUNTRIES",
    "NOMINATIM_DOMAIN",
    "GEOCODER_USER_AGENT",
    "MAP_TILE_URL",
    "MAP_ATTRIBUTION",
    "LOGIN_RATE_LIMIT",
    "LOGIN_ACCOUNT_RATE_LIMIT",
    "PASSWORD_RESET_RATE_LIMIT",
    "PASSWORD_RESET_ACCOUNT_RATE_LIMIT",
    "APPLICATION_RATE_LIMIT",
    "ORUK_RATE_LIMIT",
    "MAIL_SERVER",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_FROM",
    "REPORTS_FIRST_QUARTER",
    "DEFAULT_NATION",
)
# Whole numbers a deployer may set in the environment (also accepted with FLASK_ prefix).
INT_ENV_KEYS = (
    "STAFF_IDLE_MINUTES",
    "CONTACT_REQUEST_RETENTION_DAYS",
    "SUGGESTION_RETENTION_DAYS",
    "APPLICATION_RETENTION_DAYS",
    "TRUSTED_PROXIES",
    "MAIL_MAX_ATTEMPTS",
    "MAIL_RETRY_SECONDS",
    "INVITATION_HOURS",
    "PASSWORD_RESET_MINUTES",
)


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill app.config in order of precedence, then check it is safe to run."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    for key in ENV_KEYS:
        if key in os.environ:
            app.config[key] = os.environ[key]
    for key in INT_ENV_KEYS:
        if key in os.environ:
            app.config[key] = int(os.environ[key])
    if "MAIL_PORT" in os.environ:
        app.config["MAIL_PORT"] = int(os.environ["MAIL_PORT"])
    if "MAIL_USE_TLS" in os.environ:
        app.config["MAIL_USE_TLS"] = os.environ["MAIL_USE_TLS"].lower() in ("1", "true", "yes")
    if os.environ.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = [
            host.strip() for host in os.environ["TRUSTED_HOSTS"].split(",") if host.strip()
        ]
    if "CRISIS_LINES" in os.environ:
        app.config["CRISIS_LINES"] = json.loads(os.environ["CRISIS_LINES"])
    if test_config:
        app.config.from_mapping(test_config)

    database_url = app.config.get("DATABASE_URL") or app.config["SQLALCHEMY_DATABASE_URI"]
    if not database_url:
        os.makedirs(app.instance_path, exist_ok=True)
        database_url = "sqlite:///" + os.path.join(app.instance_path, "community_hub.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(database_url)

    env = app.config["APP_ENV"]
    if env != "production":
        # Local development and tests run over plain http.
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["REMEMBER_COOKIE_SECURE"] = False
    if env == "production" and app.config["SECRET_KEY"] in (DEV_SECRET, "", None):
        raise ConfigError(
            "SECRET_KEY is not set. Set a long random SECRET_KEY in the environment "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))'), "
            "or set APP_ENV=development for local use."
        )
    if not re.fullmatch(r"\d{4}-Q[1-4]", str(app.config["REPORTS_FIRST_QUARTER"])):
        raise ConfigError("REPORTS_FIRST_QUARTER must be a calendar quarter written like 2024-Q1.")
    if not app.config.get("SITE_URL"):
        if env == "production":
            raise ConfigError(
                "SITE_URL is not set. Set it to the site's public address, for example "
                "SITE_URL=https://recovery.example.org, so links in emails lead back here."
            )
        app.config["SITE_URL"] = "http://127.0.0.1:5000"


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs written the common way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
