"""Geocoder answers shared by every app instance through Redis (when REDIS_URL is set).

Nominatim asks for at most one request a second from each site, so several instances should
not each ask the same question. An answer (or "no such place") is kept for GEOCODE_CACHE_DAYS;
a failed lookup is never kept. If Redis is unreachable the lookup simply happens uncached.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from community_hub.geo.geocode import Located

GEOCODE_CACHE_DAYS = 30
PREFIX = "community_hub:geocode:"
log = logging.getLogger(__name__)


@cache
def _client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def cache_key(question: tuple[str, ...]) -> str:
    return PREFIX + hashlib.sha256("\x1f".join(question).encode()).hexdigest()


def remembered(
    redis_url: str, question: tuple[str, ...], ask: Callable[[], Located | None]
) -> Located | None:
    """The stored answer to `question`, or ask() once and store what it says."""
    from redis import RedisError

    from community_hub.geo.geocode import Located

    key = cache_key(question)
    try:
        stored = _client(redis_url).get(key)
    except RedisError:
        log.warning("Redis unreachable: geocoding without the shared cache")
        return ask()
    if stored is not None:
        data = json.loads(stored)
        return Located(**data) if data else None
    answer = ask()
    try:
        value = json.dumps(asdict(answer) if answer else None)
        _client(redis_url).set(key, value, ex=GEOCODE_CACHE_DAYS * 24 * 3600)
    except RedisError:
        log.warning("Redis unreachable: geocoder answer not shared")
    return answer
