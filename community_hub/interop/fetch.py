"""Fetching an outside feed over HTTP(S): conditional GET, a size limit and a time limit."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

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


def _check_host(url: str, allow_private: bool) -> None:
    """Refuse an address on this machine's own or a private network (unless allowed)."""
    if not url.startswith(("https://", "http://")):
        raise FetchFailed("the address must start with https:// or http://")
    if allow_private:
        return
    host = urlsplit(url).hostname or ""
    try:
        found = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError) as error:
        raise FetchFailed(f"the feed's host {host!r} could not be found") from error
    for *_rest, address in found:
        ip = ipaddress.ip_address(str(address[0]).split("%")[0])
        if not ip.is_global:
            raise FetchFailed(f"the feed's host {host!r} is on a private network")


class _CheckedRedirects(HTTPRedirectHandler):
    """Follow a redirect only to an address a feed may be fetched from."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def redirect_request(
        self, req: Any, fp: Any, code: Any, msg: Any, headers: Any, newurl: str
    ) -> Any:
        _check_host(newurl, self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(
    url: str, etag: str = "", last_modified: str = "", allow_private: bool = False
) -> Fetched:
    """GET a feed, asking the server to answer 304 when it has not changed since last time."""
    _check_host(url, allow_private)
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json, text/csv;q=0.5, */*;q=0.1"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = Request(url, headers=headers)  # noqa: S310 - http(s) only, checked above
    try:
        opener = build_opener(_CheckedRedirects(allow_private))
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
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
    """The feed's body, for an import by hand (the operator's own shell: any address)."""
    return fetch(url, allow_private=True).body
