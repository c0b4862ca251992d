"""Fetching an outside feed over HTTP(S): conditional GET, a size limit and a time limit."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

MAX_BYTES = 50 * 1024 * 1024
TIMEOUT_SECONDS = 30
USER_AGENT = "community_hub feed subscription (+https://github.com/)"


class FetchFailed(Exception):
    """The feed could not be fetched: the message says why, in words for a coordinator."""


@dataclass(frozen=True)
class Fetched:
    not_modified: bool  # 304: the feed is as it was at the last fetch
    body: bytes
    etag: str
    last_modified: str


def fetch(url: str, etag: str = "", last_modified: str = "") -> Fetched:
    """GET a feed, asking the server to answer 304 when it has not changed since last time."""
    if not url.startswith(("https://", "http://")):
        raise FetchFailed("the address must start with https:// or http://")
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json, text/csv;q=0.5, */*;q=0.1"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = Request(url, headers=headers)  # noqa: S310 - http(s) only, checked above
    try:
        with urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
            body = bytes(response.read(MAX_BYTES + 1))
            if len(body) > MAX_BYTES:
                raise FetchFailed(f"the feed is larger than {MAX_BYTES // (1024 * 1024)} MB")
            return Fetched(
                False,
                body,
                response.headers.get("ETag", "")[:300],
                response.headers.get("Last-Modified", "")[:100],
            )
    except HTTPError as error:
        if error.code == 304:
            return Fetched(True, b"", etag, last_modified)
        raise FetchFailed(f"the server answered {error.code} {error.reason}") from error
    except (URLError, TimeoutError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise FetchFailed(f"the feed could not be reached ({reason})") from error


def fetch_once(url: str) -> bytes:
    """The feed's body, for an import by hand."""
    return fetch(url).body
