"""Several app instances behind one address: nothing an instance keeps for itself matters.

Two gunicorn instances on different ports share one PostgreSQL database and one Redis, as
they would behind a reverse proxy. A sign-in on one is honoured by the other (sessions are
signed cookies, session records live in the database), and the sign-in rate limit counts the
attempts made on both (its counters live in Redis).
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from http.client import HTTPConnection, HTTPResponse
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask_migrate import upgrade

from community_hub.auth.models import Organisation
from community_hub.auth.services import create_user
from community_hub.extensions import db
from tests.conftest import PASSWORD, make_app, need, throwaway_postgres

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS", "")
EMAIL = "coordinator@example.org"
LOGIN_LIMIT = 4  # per minute, per address: small, so the test reaches it quickly


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Browser:
    """Just enough of a browser: keeps cookies (Secure ones too, as if over HTTPS at a proxy)."""

    def __init__(self, client_address: str):
        self.cookies: dict[str, str] = {}
        self.client_address = client_address

    def request(self, port: int, method: str, path: str, form: dict[str, str] | None = None):
        conn = HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {
            # What the reverse proxy in front of every instance adds.
            "X-Forwarded-For": self.client_address,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "hub.example.org",
            "Referer": "https://hub.example.org/login",  # CSRF checks it over HTTPS
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        page = response.read().decode()
        conn.close()
        self._keep(response)
        return response, page

    def _keep(self, response: HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    def csrf_token(self, port: int, path: str = "/login") -> str:
        _response, page = self.request(port, "GET", path)
        tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page)
        assert tag, f"{path} has a form with a CSRF token"
        value = re.search(r'value="([^"]+)"', tag.group(0))
        assert value
        return value.group(1)

    def sign_in(self, port: int, password: str) -> HTTPResponse:
        token = self.csrf_token(port)
        form = {"csrf_token": token, "email": EMAIL, "password": password}
        return self.request(port, "POST", "/login", form)[0]


@pytest.fixture
def shared_database() -> Iterator[str]:
    """A new PostgreSQL database, migrated once (as a release does) with one coordinator."""
    with throwaway_postgres("community_hub_instances") as url:
        app = make_app(url)
        with app.app_context():
            upgrade()
            org = Organisation(name="Doncaster Recovery", slug="doncaster", kind="peer_group")
            db.session.add(org)
            create_user(EMAIL, PASSWORD, "coordinator", "Sam", org)
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        yield url


@pytest.fixture
def shared_redis() -> Iterator[tuple[str, str]]:
    """The Redis URL and a key prefix of this test's own, whose keys are removed afterwards."""
    if not REDIS_URL:
        need("Redis not configured: set REDIS_URL_FOR_TESTS (e.g. redis://127.0.0.1:6379/15)")
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as error:
        need(f"Redis at {REDIS_URL} is not reachable: {error}")
    prefix = f"instances-test-{uuid.uuid4().hex[:8]}"
    yield REDIS_URL, prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def two_instances(shared_database: str, shared_redis: tuple[str, str]) -> Iterator[list[int]]:
    """Two gunicorn instances on free ports, configured alike; stopped whatever happens."""
    if importlib.util.find_spec("gunicorn") is None:
        need("gunicorn is not installed")
    redis_url, prefix = shared_redis
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SITE_URL": "https://hub.example.org",
        "SECRET_KEY": secrets.token_hex(32),  # the same on every instance
        "DATABASE_URL": shared_database,
        "REDIS_URL": redis_url,
        "FLASK_RATELIMIT_KEY_PREFIX": prefix,
        "TRUSTED_PROXIES": "1",
        "LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute",
        "LOGIN_ACCOUNT_RATE_LIMIT": "100 per minute",
    }
    ports = [free_port(), free_port()]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for port in ports:
            command = [sys.executable, "-m", "gunicorn", "--workers", "1"]
            command += ["--bind", f"127.0.0.1:{port}", "wsgi:app"]
            processes.append(
                subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                    command,
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
        for port, process in zip(ports, processes, strict=True):
            wait_until_healthy(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stderr:
                process.stderr.close()


def wait_until_healthy(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = process.stderr.read().decode() if process.stderr else ""
            pytest.fail(f"gunicorn on port {port} stopped:\n{errors[-2000:]}")
        conn = HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass  # not listening yet
        finally:
            conn.close()
        time.sleep(0.2)
    pytest.fail(f"gunicorn on port {port} did not answer /healthz within 30 s")


def test_a_sign_in_on_one_instance_works_on_the_other(two_instances: list[int]) -> None:
    first, second = two_instances
    stranger = Browser("198.51.100.20")
    response, _page = stranger.request(second, "GET", "/manage/")
    assert response.status == 302 and "/login" in response.headers["Location"]

    browser = Browser("198.51.100.21")
    signed_in = browser.sign_in(first, PASSWORD)
    assert signed_in.status == 302, "the right password signs in on the first instance"
    response, page = browser.request(second, "GET", "/manage/")
    assert response.status == 200, "the second instance knows the session"
    assert "Sam" in page or "Doncaster Recovery" in page

    token = browser.csrf_token(second, "/manage/")  # the sign-out button's form
    response, _page = browser.request(second, "POST", "/logout", {"csrf_token": token})
    assert response.status == 302
    response, _page = browser.request(first, "GET", "/manage/")
    assert response.status == 302, "signing out on the second ends it on the first"


def test_the_sign_in_rate_limit_counts_attempts_on_both_instances(
    two_instances: list[int],
) -> None:
    first, second = two_instances
    guesser = Browser("203.0.113.9")
    statuses = [
        guesser.sign_in(port, "not-the-password").status
        for port in (first, second, first, second)  # LOGIN_LIMIT attempts, shared
    ]
    assert statuses == [400] * LOGIN_LIMIT
    # Each instance has seen only two attempts: only a shared counter refuses these.
    assert guesser.sign_in(first, "not-the-password").status == 429
    assert guesser.sign_in(second, PASSWORD).status == 429

    other_address = Browser("203.0.113.10")
    assert other_address.sign_in(second, "not-the-password").status == 400
