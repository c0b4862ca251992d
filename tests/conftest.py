"""Fixtures: each test gets its own app and empty database, on SQLite and (when configured)
PostgreSQL. Factories return callables that build valid records with overridable fields."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, time
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from community_hub import create_app
from community_hub.auth.models import Organisation, User
from community_hub.auth.services import create_user
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship, Meeting, Venue

# `smtp` and `inbox`: a real local SMTP server; `profile`: the Open Referral UK schemas.
pytest_plugins = ["tests.mail_fixtures", "tests.oruk_helpers"]

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
PASSWORD = "correct-horse-battery"


def need(reason: str) -> None:
    """Skip with a visible reason on a newcomer's machine; fail in CI, which must prove it."""
    if IN_CI:
        pytest.fail(f"CI must run this test: {reason}")
    pytest.skip(reason)


@contextmanager
def throwaway_postgres(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database named `<prefix>_<random>`, dropped afterwards."""
    if not PG_URL:
        need("PostgreSQL not configured: set TEST_DATABASE_URL to run this test on PostgreSQL")
    from community_hub.config import normalise_database_url

    server = make_url(normalise_database_url(PG_URL))
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # pragma: no cover - depends on the machine
        admin.dispose()
        need(
            f"PostgreSQL at {server.render_as_string(hide_password=True)} is not reachable: {error}"
        )
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test run, dropped afterwards."""
    with throwaway_postgres("community_hub_test") as url:
        yield url


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return "sqlite://"
    return str(request.getfixturevalue("postgres_url"))


def make_app(database_url: str, **overrides: Any) -> Flask:
    config = {
        "APP_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "localhost",
    }
    config.update(overrides)
    return create_app(config)


_PG_TABLES_READY: set[str] = set()


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(database_url: str, app_config: dict[str, Any]) -> Iterator[Flask]:
    app = make_app(database_url, **app_config)

    @app.teardown_request
    def _forget_user(_error: BaseException | None) -> None:
        # Requests share the test's app context, and so `g`: do not let Flask-Login's cached
        # user leak from one request (or client) into the next.
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)  # the language is chosen afresh for each request too

    with app.app_context():
        if database_url.startswith("sqlite"):
            db.create_all()
        elif database_url not in _PG_TABLES_READY:
            db.drop_all()
            db.create_all()
            _PG_TABLES_READY.add(database_url)
        yield app
        db.session.rollback()
        db.session.remove()
        if not database_url.startswith("sqlite"):
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


# ---- factories -------------------------------------------------------------------------------


@pytest.fixture
def make_org(app: Flask) -> Callable[..., Organisation]:
    counter = iter(range(1, 10_000))

    def build(**fields: Any) -> Organisation:
        n = next(counter)
        fields.setdefault("name", f"Organisation {n}")
        fields.setdefault("slug", f"org-{n}")
        fields.setdefault("kind", "peer_group")
        org = Organisation(**fields)
        db.session.add(org)
        db.session.flush()
        return org

    return build


@pytest.fixture
def make_user(make_org: Callable[..., Organisation]) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def build(
        role: str = "coordinator", organisation: Organisation | None = None, **fields: Any
    ) -> User:
        n = next(counter)
        if organisation is None and role in ("coordinator", "worker", "volunteer"):
            organisation = make_org()
        user = create_user(
            fields.pop("email", f"{role}{n}@example.org"),
            fields.pop("password", PASSWORD),
            role,
            fields.pop("display_name", f"{role.title()} {n}"),
            organisation,
        )
        for key, value in fields.items():
            setattr(user, key, value)
        db.session.commit()
        return user

    return build


@pytest.fixture
def make_fellowship(app: Flask) -> Callable[..., Fellowship]:
    def build(slug: str = "aa", **fields: Any) -> Fellowship:
        existing = db.session.scalar(db.select(Fellowship).where(Fellowship.slug == slug))
        if existing:
            return existing
        fields.setdefault(
            "name",
            {"aa": "Alcoholics Anonymous", "na": "Narcotics Anonymous"}.get(slug, slug.upper()),
        )
        fields.setdefault("short_name", slug.upper())
        fields.setdefault("type_codes", "O,C,W,M,BE,D,SP,X,HL,BSL,MAR,TC,Y,LGBTQ,CY")
        fellowship = Fellowship(slug=slug, **fields)
        db.session.add(fellowship)
        db.session.flush()
        return fellowship

    return build


@pytest.fixture
def make_venue(make_org: Callable[..., Organisation]) -> Callable[..., Venue]:
    counter = iter(range(1, 10_000))

    def build(**fields: Any) -> Venue:
        n = next(counter)
        fields.setdefault("name", f"Venue {n}")
        fields.setdefault("address", f"{n} High Street")
        fields.setdefault("city", "Doncaster")
        fields.setdefault("postcode", "DN1 1AA")
        fields.setdefault("region", "Yorkshire and Humber")
        fields.setdefault("latitude", 53.5228)
        fields.setdefault("longitude", -1.1285)
        fields.setdefault("timezone", "Europe/London")
        venue = Venue(**fields)
        db.session.add(venue)
        db.session.flush()
        return venue

    return build


@pytest.fixture
def make_meeting(
    make_org: Callable[..., Organisation],
    make_fellowship: Callable[..., Fellowship],
    make_venue: Callable[..., Venue],
) -> Callable[..., Meeting]:
    counter = iter(range(1, 100_000))

    def build(**fields: Any) -> Meeting:
        n = next(counter)
        types = fields.pop("types", ["O"])
        if "venue" not in fields:
            fields["venue"] = make_venue(
                **{k[6:]: fields.pop(k) for k in list(fields) if k.startswith("venue_")}
            )
        fields.setdefault("name", f"Meeting {n}")
        fields.setdefault("slug", f"meeting-{n}")
        fields.setdefault("fellowship", make_fellowship("aa"))
        if "organisation" not in fields:
            fields["organisation"] = make_org()
        fields.setdefault("day", 1)
        fields.setdefault("start_time", time(19, 30))
        fields.setdefault("end_time", time(20, 30))
        fields.setdefault("timezone", "Europe/London")
        fields.setdefault("last_confirmed", date(2026, 11, 1))
        meeting = Meeting(**fields)
        meeting.type_list = types
        db.session.add(meeting)
        db.session.commit()
        return meeting

    return build


class AuthActions:
    def __init__(self, client: FlaskClient):
        self.client = client

    def login(self, user: User, password: str = PASSWORD) -> Any:
        return self.client.post("/login", data={"email": user.email, "password": password})

    def logout(self) -> Any:
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def coordinator(make_user: Callable[..., User], auth: AuthActions) -> User:
    """A coordinator of a fresh organisation, signed in on `client`."""
    user = make_user("coordinator")
    auth.login(user)
    return user


@pytest.fixture
def demo_region(app: Flask) -> Flask:
    """The whole demo region from seed/, loaded into this test's database."""
    from community_hub.seed import load_seed

    load_seed()
    db.session.commit()
    return app
