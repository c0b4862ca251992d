"""Sign-in throttling with the shared Redis store production uses (every worker sees one count)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import PASSWORD, need

REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS", "")
PREFIX = f"test-{uuid.uuid4().hex[:8]}"
WRONG_PASSWORD = "wrong-password"


@pytest.fixture
def app_config() -> Iterator[dict[str, Any]]:
    if not REDIS_URL:
        need("Redis not configured: set REDIS_URL_FOR_TESTS, e.g. redis://127.0.0.1:6379/15")
    import redis

    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.ping()
    except redis.RedisError as error:
        need(f"Redis at {REDIS_URL} is not reachable: {error}")
    yield {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": PREFIX,
        "LOGIN_RATE_LIMIT": "20 per minute",
        "LOGIN_ACCOUNT_RATE_LIMIT": "3 per minute",
    }
    for key in store.scan_iter(f"*{PREFIX}*"):
        store.delete(key)
    store.close()


def attempt(client: Any, email: str, address: str, password: str = WRONG_PASSWORD) -> Any:
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_the_account_limit_is_counted_in_redis(app, make_user):
    """The count lives in Redis, so every worker process enforces the same limit."""
    import redis

    user = make_user("coordinator")
    first, second = app.test_client(), app.test_client()

    codes = [attempt(first, user.email, "192.0.2.1").status_code for _ in range(2)]
    codes.append(attempt(second, user.email, "192.0.2.2").status_code)
    blocked = attempt(second, user.email, "192.0.2.3", password=PASSWORD)

    assert codes == [400, 400, 400]
    assert blocked.status_code == 429
    store = redis.Redis.from_url(REDIS_URL)
    assert any(b"login-account" in key for key in store.scan_iter(f"*{PREFIX}*"))
    store.close()
