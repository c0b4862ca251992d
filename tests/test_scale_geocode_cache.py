"""Geocoder answers are shared by every instance through Redis, or kept in memory without it.

Nominatim is never reached: its `geocode` method is replaced by a counting stand-in.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from geopy.exc import GeocoderServiceError
from geopy.geocoders import Nominatim

from community_hub.extensions import db
from community_hub.geo import geocode_cache
from community_hub.geo.geocode import _nominatim_in_memory, geocode
from tests.conftest import make_app, need

REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS", "")


class FakeNominatim:
    """Answers every question with one place; can be told to fail the next n times."""

    def __init__(self) -> None:
        self.questions: list[str] = []
        self.failures = 0

    def __call__(self, text: str, **_kwargs: object) -> object:
        self.questions.append(text)
        if self.failures:
            self.failures -= 1
            raise GeocoderServiceError("no answer")
        return SimpleNamespace(latitude=53.52, longitude=-1.13, address="Faraway, Yorkshire")


@pytest.fixture
def nominatim(monkeypatch: pytest.MonkeyPatch) -> FakeNominatim:
    fake = FakeNominatim()
    monkeypatch.setattr(Nominatim, "geocode", lambda _self, text, **kw: fake(text, **kw))
    _nominatim_in_memory.cache_clear()
    return fake


def place(redis_url: str, text: str) -> object:
    """Geocode text in a fresh app: another instance, as far as caching goes."""
    app = make_app("sqlite://", GEOCODER="nominatim", REDIS_URL=redis_url)
    with app.app_context():
        db.create_all()
        return geocode(text)


@pytest.fixture
def redis_url() -> Iterator[str]:
    if not REDIS_URL:
        need("Redis not configured: set REDIS_URL_FOR_TESTS (e.g. redis://127.0.0.1:6379/15)")
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as error:
        need(f"Redis at {REDIS_URL} is not reachable: {error}")
    yield REDIS_URL
    for key in client.scan_iter(match=geocode_cache.PREFIX + "*"):
        client.delete(key)
    client.close()


def test_without_redis_each_instance_remembers_in_memory(nominatim):
    text = f"Faraway {uuid.uuid4().hex[:6]}"
    first, again = place("", text), place("", text)
    assert first == again and first is not None
    assert nominatim.questions == [text]


def test_with_redis_a_second_instance_uses_the_first_ones_answer(nominatim, redis_url):
    text = f"Faraway {uuid.uuid4().hex[:6]}"
    first = place(redis_url, text)
    _nominatim_in_memory.cache_clear()  # nothing left in this process's memory
    second = place(redis_url, text)
    assert first == second and second is not None
    assert second.label == "Faraway"  # type: ignore[attr-defined]
    assert nominatim.questions == [text]


def test_a_failed_lookup_is_not_remembered(nominatim, redis_url):
    text = f"Faraway {uuid.uuid4().hex[:6]}"
    nominatim.failures = 1
    assert place(redis_url, text) is None
    assert place(redis_url, text) is not None
    assert nominatim.questions == [text, text]


def test_an_unreachable_redis_only_costs_the_cache(nominatim):
    text = f"Faraway {uuid.uuid4().hex[:6]}"
    assert place("redis://127.0.0.1:1/0", text) is not None
    assert nominatim.questions == [text]
