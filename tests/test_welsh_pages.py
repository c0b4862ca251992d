"""No English left on Welsh pages: every page each role reaches, read in Welsh.

Each demo role (and a visitor) follows the links from its start page with Welsh chosen. A
visible text node that is exactly one of the catalogue's English messages, while its Welsh
translation says something else, is English that should not be there. Proper names and
meeting content written by groups are not in the catalogue, so they are not caught; the few
catalogue entries that are also names are exempt below, each with its reason.
"""

from __future__ import annotations

import json
import re
from collections import deque
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
USERS = json.loads((ROOT / "seed" / "users.json").read_text())
WELSH_PO = ROOT / "community_hub" / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
LINK_RE = re.compile(r'href="(/[^"#]*)"')
PAGES_PER_ROLE = 60
PER_ROUTE = 2
SKIP = ("/static/", "/language/", "/logout", "/api/")
# Catalogue entries that are the same words in both languages on purpose.
SAME_IN_BOTH = {
    "English",  # the language switch names each language in itself
    "Cymraeg",
    "UTC",
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "title"):
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self.hidden:
            self.found.append(text)


def english_only() -> set[str]:
    """English messages whose Welsh differs: seen on a Welsh page, they are untranslated."""
    with WELSH_PO.open("rb") as handle:
        catalog = read_po(handle)
    found = set()
    for message in catalog:
        if not message.id or message.pluralizable or "%" in str(message.id):
            continue
        english = " ".join(str(message.id).split())
        welsh = " ".join(str(message.string).split())
        if welsh and welsh != english and english not in SAME_IN_BOTH and len(english) > 2:
            found.add(english)
    return found


def _rule(app: Flask, url: str) -> str | None:
    try:
        rule, _args = app.url_map.bind("localhost").match(
            urlsplit(url).path, method="GET", return_rule=True
        )
    except Exception:
        return None
    return str(rule.rule)


@pytest.mark.parametrize("role", ["visitor", *[u["role"] for u in USERS]])
def test_welsh_pages_show_no_english_from_the_catalogue(demo_region: Flask, role: str) -> None:
    english = english_only()
    client = demo_region.test_client()
    client.set_cookie("lang", "cy")
    start = "/"
    if role != "visitor":
        user = next(u for u in USERS if u["role"] == role)
        signed_in = client.post(
            "/login", data={"email": user["email"], "password": user["password"]}
        )
        start = urlsplit(signed_in.location).path
    queue, seen, per_route = deque([start, "/help"]), {start, "/help"}, {}
    problems: dict[str, str] = {}
    pages = 0
    while queue and pages < PAGES_PER_ROLE:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        pages += 1
        html = response.get_data(as_text=True)
        parser = _Text()
        parser.feed(html)
        for text in parser.found:
            if unescape(text) in english:
                problems.setdefault(unescape(text), url)
        for link in LINK_RE.findall(html):
            link = unescape(link)
            rule = _rule(demo_region, link)
            if link in seen or link.startswith(SKIP) or rule is None:
                continue
            if per_route.get(rule, 0) >= PER_ROUTE:
                continue
            per_route[rule] = per_route.get(rule, 0) + 1
            seen.add(link)
            queue.append(link)
    assert pages > 5
    assert problems == {}, "\n".join(f"{text!r} on {url}" for text, url in problems.items())
