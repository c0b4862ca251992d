"""Security headers on every response; HSTS only over HTTPS, trusting a proxy only if told to."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_strict_content_security_policy(client):
    csp = client.get("/help").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))

    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in csp


@pytest.mark.parametrize("url", ["/help", "/no-such-page", "/api/v1/openapi.json", "/login"])
def test_every_response_has_the_headers(client, url):
    headers = client.get(url).headers

    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_signed_in_pages_are_not_cached(client, auth, make_user):
    auth.login(make_user("coordinator"))

    assert client.get("/manage/").headers["Cache-Control"] == "no-store"


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/help").headers


def test_hsts_over_https(client):
    response = client.get("/help", base_url="https://localhost")

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_a_forwarded_proto_header_is_ignored_without_a_trusted_proxy(client):
    response = client.get("/help", headers={"X-Forwarded-Proto": "https"})

    assert "Strict-Transport-Security" not in response.headers


class TestBehindOneProxy:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"TRUSTED_PROXIES": 1}

    def test_https_at_the_proxy_turns_on_hsts(self, client):
        response = client.get("/help", headers={"X-Forwarded-Proto": "https"})

        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"

    def test_plain_http_at_the_proxy_does_not(self, client):
        response = client.get("/help", headers={"X-Forwarded-Proto": "http"})

        assert "Strict-Transport-Security" not in response.headers


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_need_no_unsafe_inline(template):
    """The CSP forbids inline script and style, so no template may rely on them."""
    html = template.read_text(encoding="utf-8")

    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert "javascript:" not in html


def test_absolute_links_come_from_site_url_never_from_the_host_header(demo_region):
    client = demo_region.test_client()
    forged = client.get(
        "/api/v1/nearby?lat=53.52&lng=-1.13", headers={"Host": "evil.example"}
    ).get_data(as_text=True)
    assert "evil.example" not in forged
    assert demo_region.config["SITE_URL"] in forged
    spec = client.get("/api/v1/openapi.json", headers={"Host": "evil.example"})
    assert "evil.example" not in spec.get_data(as_text=True)


def test_trusted_hosts_refuse_any_other_host(app):
    app.config["TRUSTED_HOSTS"] = ["localhost", "hub.example.org"]
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz", headers={"Host": "hub.example.org"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400


def test_robots_txt_keeps_search_engines_out_of_staff_areas(client):
    robots = client.get("/robots.txt").get_data(as_text=True)
    for area in ("/manage/", "/admin/", "/referrals/", "/volunteers/", "/api/"):
        assert f"Disallow: {area}" in robots
