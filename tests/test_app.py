"""The skeleton: configuration, health, deny-by-default, headers, error pages, language."""

import pytest
from flask import Flask

from community_hub import create_app
from community_hub.config import DEV_SECRET, ConfigError
from community_hub.extensions import available_locales


def test_refuses_to_start_in_production_with_the_development_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"APP_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(ConfigError):
        create_app(
            {
                "APP_ENV": "production",
                "SECRET_KEY": DEV_SECRET,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
            }
        )


def test_refuses_to_start_in_production_without_the_site_address(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    with pytest.raises(ConfigError, match="SITE_URL"):
        create_app(
            {
                "APP_ENV": "production",
                "SECRET_KEY": "x" * 40,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
            }
        )


def test_production_uses_secure_cookies():
    app = create_app(
        {
            "APP_ENV": "production",
            "SECRET_KEY": "x" * 40,
            "SITE_URL": "https://hub.example.org",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_database_url_from_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@db.example.org/hub")
    app = create_app({"APP_ENV": "testing", "SECRET_KEY": "x"})
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@db.example.org/hub"
    )


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    app = create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503


def example_url(rule) -> str:
    """A concrete URL for a rule, with a plausible value for each converter."""
    from werkzeug.routing import AnyConverter, IntegerConverter

    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        else:
            values[name] = "x"
    return rule.build(values)[1]


def test_every_route_is_public_or_needs_sign_in(app: Flask, client):
    """Deny by default: a new route is private unless it is explicitly marked public."""
    public_endpoints = {
        name for name, view in app.view_functions.items() if getattr(view, "is_public", False)
    }
    assert public_endpoints - {"static"} == {
        "meetings.finder",
        "meetings.meeting",
        "meetings.meeting_ics",
        "meetings.print_list",
        "areas.index",
        "areas.area",
        "favourites.my_meetings",
        "favourites.my_meetings_ics",
        "meetings.suggest",
        "api.meetings",
        "api.openapi",
        "core.healthz",
        "core.help_now",
        "core.first_meeting",
        "core.favicon",
        "core.robots",
        "core.home",
        "core.language",
        "core.leaflet",
        "auth.login",
        "accounts.accept",
        "accounts.forgot",
        "accounts.reset",
        "interop.meeting_guide_feed",
        "meetings.search_ics",
        "interop.meetings_csv",
        "people.peers",
        "people.peer",
        "people.champions",
        "people.champion",
        "resources.index",
        "resources.resource",
        "directory.near",
        "directory.community_map",
        "directory_api.nearby_api",
        "directory.suggest_peer",
        "directory.suggest_champion",
        "directory.suggest_resource",
        "hsds.services",
        "hsds.service",
        "oruk.api_info",
        "oruk.openapi",
        "oruk.services",
        "oruk.service",
        "oruk.places",
        "oruk.place",
        "oruk.organizations",
        "oruk.organization",
        "oruk.taxonomies",
        "oruk.taxonomy",
        "oruk.taxonomy_terms",
        "oruk.taxonomy_term",
        "resources_csv.resources_csv",
        "reports.public_dashboard",
        "reports.public_csv",
        "volunteering.index",
        "volunteering.opportunity",
        "volunteering.thanks",
        # The BARC-10 Questionnaire that exported answers refer to: published, no client in it.
        "referrals.barc10_questionnaire",
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint in public_endpoints or rule.endpoint == "static":
            continue
        url = example_url(rule)
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        assert response.status_code in (302, 401), (rule.rule, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_public_pages_set_no_cookies(client):
    for url in ("/", "/help", "/?q=Doncaster"):
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url


def test_crisis_lines_on_every_public_page(client):
    for url in ("/", "/help", "/login", "/no-such-page"):
        html = client.get(url).get_data(as_text=True)
        assert "116 123" in html, url


def test_crisis_lines_are_configurable():
    app = create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "CRISIS_LINES": [
                {"name": "Local line", "phone": "0800 000 1111", "hours": "24/7", "url": ""}
            ],
        }
    )
    with app.app_context():
        from community_hub.extensions import db

        db.create_all()
        html = app.test_client().get("/help").get_data(as_text=True)
    assert "0800 000 1111" in html and "116 123" not in html


def test_not_found_page_is_friendly(client):
    response = client.get("/meetings/no-such-meeting")
    assert response.status_code == 404
    assert "could not find" in response.get_data(as_text=True)


def test_language_choice_is_remembered_in_a_preference_cookie(client):
    response = client.get("/language/cy?next=/help")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/help")
    assert "lang=cy" in response.headers["Set-Cookie"]
    html = client.get("/help").get_data(as_text=True)
    # The page only claims to be Welsh once a Welsh catalogue is compiled.
    expected = "cy" if "cy" in available_locales() else "en"
    assert f'<html lang="{expected}">' in html


def test_language_switch_will_not_redirect_off_site(client):
    response = client.get("/language/en?next=https://evil.example/")
    assert response.headers["Location"].endswith("/")
    assert "evil" not in response.headers["Location"]


@pytest.fixture
def csrf_app():
    from tests.conftest import make_app

    app = make_app("sqlite://", WTF_CSRF_ENABLED=True)
    with app.app_context():
        from community_hub.extensions import db

        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_every_post_route_needs_a_csrf_token(csrf_app: Flask):
    """CSRF protection covers every state-changing route, including ones added later."""
    client = csrf_app.test_client()
    posts = [r for r in csrf_app.url_map.iter_rules() if "POST" in (r.methods or set())]
    assert posts
    for rule in posts:
        url = example_url(rule)
        response = client.post(url, data={"anything": "x"})
        if getattr(csrf_app.view_functions[rule.endpoint], "public_form", False):
            # Visitors' forms carry a signed token instead of a session one
            # (tests/security/test_cookies.py); here the made-up record is simply not found.
            assert response.status_code in (400, 404), (rule.rule, response.status_code)
            continue
        assert response.status_code == 400, (rule.rule, response.status_code)
