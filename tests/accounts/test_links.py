"""No page shows a person a link that answers them 403: each demo role's links, crawled.

Each role signs in, starts from its own start page, and follows every link on the site the
way a person would (a few pages of each kind). Every link seen on the way is opened; none
may answer "not allowed".
"""

from __future__ import annotations

import json
import re
from collections import deque
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask

USERS = json.loads((Path(__file__).parents[2] / "seed" / "users.json").read_text())
LINK_RE = re.compile(r'href="(/[^"#]*)"')
PAGES_PER_ROLE = 120
PER_ROUTE = 3
SKIP = ("/static/", "/language/", "/logout")


def _rule(app: Flask, url: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        rule, _args = adapter.match(urlsplit(url).path, method="GET", return_rule=True)
    except Exception:
        return None
    return str(rule.rule)


@pytest.mark.parametrize("role", [u["role"] for u in USERS])
def test_no_link_a_role_is_shown_answers_it_403(demo_region: Flask, role: str) -> None:
    user = next(u for u in USERS if u["role"] == role)
    client = demo_region.test_client()
    signed_in = client.post("/login", data={"email": user["email"], "password": user["password"]})
    assert signed_in.status_code == 302
    start = urlsplit(signed_in.location).path
    queue, seen, per_route = deque([start, "/"]), {start, "/"}, {}
    forbidden: dict[str, str] = {}  # link -> the page that showed it
    pages = 0
    while queue and pages < PAGES_PER_ROLE:
        url = queue.popleft()
        response = client.get(url)
        response.close()
        if response.status_code == 403:
            continue  # reported by whoever linked here
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        pages += 1
        for link in LINK_RE.findall(response.get_data(as_text=True)):
            link = unescape(link)
            if link in seen or link.startswith(SKIP):
                continue
            rule = _rule(demo_region, link)
            if rule is None or per_route.get(rule, 0) >= PER_ROUTE:
                continue
            per_route[rule] = per_route.get(rule, 0) + 1
            seen.add(link)
            answer = client.get(link)
            answer.close()
            if answer.status_code == 403:
                forbidden[link] = url
            elif answer.status_code == 200 and answer.mimetype == "text/html":
                queue.append(link)
    assert pages > 10, "the crawl reached the site"
    assert forbidden == {}, "\n".join(
        f"{link} (shown on {page})" for link, page in forbidden.items()
    )
