"""Every form, filled with hostile values (hypothesis): never a 500, a 400 always explains
itself, and a payload is never sent back as live markup. On SQLite and PostgreSQL.

The forms are found the way a person finds them: each demo account (and a visitor) follows the
links from its home pages through the whole demo region, and every `<form method="post">` on
the way is filled in with its own field names. A test then checks that the forms reached cover
every POST route a role can use, so a new form cannot slip past unfuzzed.
"""

from __future__ import annotations

import json
import re
from collections import deque
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.test_fuzz_api import SCRIPT, VALUES

USERS = json.loads((Path(__file__).parents[2] / "seed" / "users.json").read_text())
# Coordinators and administrators can deactivate people, and fuzzing those forms does: the
# roles that can be switched off go first.
ROLES = ["worker", "volunteer", "coordinator", "admin"]
START = [
    "/", "/referrals/", "/manage/", "/volunteers/", "/volunteers/me", "/peers", "/manage/import",
    "/manage/suggestions", "/manage/people/requests", "/referrals/subject-requests",
    "/admin/", "/admin/people", "/admin/organisations", "/login/forgot", "/volunteers/courses",
    "/account", "/volunteer", "/volunteers/opportunities/",
]  # fmt: skip
# POST routes the walk does not fill in, and why. Signing out and two-step set-up would end or
# change the session mid-walk; the others need a record in a state the demo data reaches only
# through earlier steps (an archived meeting, a paused volunteer, three failed attempts...).
NOT_REACHED = {
    "/logout", "/account/two-step/off", "/account/two-step/setup", "/account/two-step/start",
    "/volunteers/<int:volunteer_id>/resume",
    "/referrals/follow-ups/<int:follow_up_id>/lost", "/referrals/<int:referral_id>/match",
    "/manage/suggestions/<int:suggestion_id>", "/manage/people/requests/<int:request_id>",
    "/referrals/subject-requests/<int:client_id>/erase",
    # Reached only through a link with a token in an email: tests/accounts fuzzes them with one.
    "/invitation", "/login/reset",
    # A revert button is shown only for a recorded change other than an addition; the demo
    # region's history holds additions only. Fuzzed in tests/security with a live change.
    "/manage/listings/<any(meetings, venues, resources, peers, champions):kind>/<listing_id>"
    "/history/<int:change_id>/revert",
    # Shown only once an organisation subscribes to an outside feed; the demo has none.
    "/manage/feeds/<int:source_id>/<any(stop, start):action>",
    # Only shown for an archived organisation, or while acting for one.
    "/admin/organisations/<int:organisation_id>/restore", "/admin/act-for/stop",
}  # fmt: skip
PAGES_PER_ROLE = 150
# Forms that end the session or change how the account signs in would stop the walk.
LEAVE_ALONE = ("/logout", "/account/two-step")
NOT_PAGES = ("/static/", "/api/")
FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTR_RE = re.compile(r'(\w[\w-]*)="([^"]*)"')
FIELD_RE = re.compile(r"<(?:input|textarea|select)\b([^>]*)>", re.I)
LINK_RE = re.compile(r'href="(/[^"#]*)"')
EVERY_FIELD = [
    SCRIPT,
    "' OR 1=1 --",
    "Llanfairpwllgwyngyll",
    "\x00",
    "nan",
    "2026-02-30",
    "a" * 5000,
]
# The walk may follow the language switch, so the error page's sentence is looked for in Welsh too.
EXPLAINED = (
    'class="error-summary"',
    'role="alert"',
    "Something in that request was not right",
    "Doedd rhywbeth yn y cais hwnnw ddim yn iawn",
)


def _attrs(text: str) -> dict[str, str]:
    return {k.lower(): unescape(v) for k, v in ATTR_RE.findall(text)}


def forms_on(html: str) -> list[tuple[str, list[str]]]:
    """(action, field names) of each POST form on a page."""
    found = []
    for head, body in FORM_RE.findall(html):
        attrs = _attrs(head)
        if attrs.get("method", "get").lower() != "post":
            continue
        names = [_attrs(f).get("name", "") for f in FIELD_RE.findall(body)]
        found.append((attrs.get("action", ""), sorted({n for n in names if n})))
    return found


def referral_starts(app: Flask) -> list[str]:
    """The demo referrals whose pages carry the handover forms: one waiting for a peer nobody
    can be (a warm handover is offered), one offered and one accepted (the plan, the thread,
    the outcome summary), and their offer pages on the peer's side."""
    from sqlalchemy import select

    from community_hub.extensions import db
    from community_hub.referrals.models import Referral

    with app.app_context():
        ids = {
            reference: db.session.scalar(
                select(Referral.id).where(Referral.client.has(reference=reference))
            )
            for reference in ("DP-1002", "DP-1003", "DP-1004")
        }
    return [
        f"/referrals/{ids['DP-1002']}/match", f"/referrals/{ids['DP-1003']}",
        f"/referrals/{ids['DP-1004']}", f"/referrals/offers/{ids['DP-1003']}",
        f"/referrals/offers/{ids['DP-1004']}",
    ]  # fmt: skip


def walk(client: FlaskClient) -> dict[str, tuple[str, list[str]]]:
    """Follow links from the home pages; every POST form found, one per route."""
    app = client.application
    adapter = app.url_map.bind("localhost")
    forms: dict[str, tuple[str, list[str]]] = {}
    seen_routes: dict[str, int] = {}
    starts = START + referral_starts(app)
    queue, visited = deque(starts), set(starts)
    pages = 0
    while queue and pages < PAGES_PER_ROLE:
        url = queue.popleft()
        response = client.get(url)
        response.close()
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        pages += 1
        html = response.get_data(as_text=True)
        for action, names in forms_on(html):
            target = action or url
            if target.startswith(LEAVE_ALONE):
                continue
            rule = _rule(adapter, target, "POST")
            if rule and rule not in forms:
                forms[rule] = (target, names)
        for link in LINK_RE.findall(html):
            link = unescape(link)
            rule = _rule(adapter, link, "GET")
            # A few pages of each kind are enough: the walk is for forms, not for every record.
            if not rule or link in visited or seen_routes.get(rule, 0) >= 3:
                continue
            if link.startswith(LEAVE_ALONE + NOT_PAGES) or "." in urlsplit(link).path:
                continue
            seen_routes[rule] = seen_routes.get(rule, 0) + 1
            visited.add(link)
            queue.append(link)
    return forms


def _rule(adapter: Any, url: str, method: str) -> str | None:
    try:
        rule, _args = adapter.match(urlsplit(url).path, method=method, return_rule=True)
    except Exception:  # not ours, or not this method
        return None
    return str(rule.rule)


def check(response: Any, where: str) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code < 500, where
    if response.mimetype == "text/html":
        assert SCRIPT not in body, f"{where} sent the payload back unescaped"
        if response.status_code == 400:
            assert any(sign in body for sign in EXPLAINED), f"{where}: a 400 with no message"


def fuzz_form(client: FlaskClient, action: str, names: list[str]) -> None:
    """Fill every field of one form with hostile values, and sometimes leave some out."""
    fields = names or ["value"]

    @given(data=st.dictionaries(st.sampled_from(fields), VALUES, min_size=1))
    @settings(
        max_examples=6,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def survives(data: dict[str, str]) -> None:
        check(client.post(action, data=data), f"POST {action} {data!r}"[:400])

    survives()
    # Every field at once with the payloads that matter most, so they are not left to chance.
    for payload in EVERY_FIELD:
        check(client.post(action, data=dict.fromkeys(fields, payload)), f"POST {action}")


def signed_in(app: Flask, role: str) -> FlaskClient:
    user = next(u for u in USERS if u["role"] == role)
    client = app.test_client()
    response = client.post("/login", data={"email": user["email"], "password": user["password"]})
    assert response.status_code == 302, f"the demo {role} signs in"
    return client


def test_every_form_survives_hostile_input(demo_region: Flask):
    reached: set[str] = set()
    for role in ["visitor", *ROLES]:
        client = demo_region.test_client() if role == "visitor" else signed_in(demo_region, role)
        forms = walk(client)
        if role == "visitor":
            forms["/login"] = ("/login", ["email", "password", "remember"])
        for action, names in forms.values():
            fuzz_form(client, action, names)
        reached |= set(forms)
    posts = {r.rule for r in demo_region.url_map.iter_rules() if "POST" in (r.methods or ())}
    assert sorted(posts - reached - NOT_REACHED) == [], (
        f"not filled in: {posts - reached - NOT_REACHED}"
    )


def test_a_nul_character_is_refused_and_database_errors_log_no_values(client: FlaskClient):
    for response in (
        client.post("/login", data={"email": "\x00", "password": "x"}),
        client.get("/api/v1/meetings", query_string={"fellowship": "a\x00"}),
    ):
        assert response.status_code == 400
    assert client.application.extensions["sqlalchemy"].engine.hide_parameters
