"""Public pages set no cookie, and their forms are still safe without one.

Every public page of the demo region is opened as a visitor; none may answer with Set-Cookie
(the one exception is the language switch, whose whole job is the visitor's chosen
preference). The forms visitors fill in carry a signed, expiring token instead of a session,
and refuse a POST that another site made the browser send.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from community_hub.extensions import db
from tests.security.test_access_matrix import url_for_rule
from tests.security.test_access_matrix import world as world

# The language switch sets the visitor's own choice of language, and nothing else.
SETS_A_CHOSEN_PREFERENCE = {"core.language"}


@pytest.fixture
def csrf_app(app: Flask) -> Flask:
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def public_urls(app: Flask, known: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        view = app.view_functions[rule.endpoint]
        if rule.endpoint == "static" or not getattr(view, "is_public", False):
            continue
        if "GET" in (rule.methods or ()) and rule.endpoint not in SETS_A_CHOSEN_PREFERENCE:
            found.append((rule.endpoint, url_for_rule(rule, known)))
    return found


def test_no_public_page_sets_a_cookie(csrf_app: Flask, world: dict[str, Any]) -> None:
    client = csrf_app.test_client()
    urls = public_urls(csrf_app, world)
    assert len(urls) > 30
    setting = []
    for endpoint, url in urls:
        response = client.get(url)
        response.close()
        if response.headers.getlist("Set-Cookie"):
            setting.append(f"{endpoint} {url}: {response.headers.getlist('Set-Cookie')}")
    assert setting == []


def _token(html: str) -> str:
    marker = 'name="csrf_token" type="hidden" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_a_public_form_works_without_a_cookie_but_not_from_another_site(
    csrf_app: Flask, world: dict[str, Any]
) -> None:
    client = csrf_app.test_client()
    url = f"/meetings/{world['slug']}/suggest"
    page = client.get(url)
    assert not page.headers.getlist("Set-Cookie")
    token = _token(page.get_data(as_text=True))
    data = {"csrf_token": token, "kind": "time", "message": "It starts at 20:00 now."}

    elsewhere = client.post(url, data=data, headers={"Sec-Fetch-Site": "cross-site"})
    assert elsewhere.status_code == 400
    forged_origin = client.post(url, data=data, headers={"Origin": "https://evil.example"})
    assert forged_origin.status_code == 400
    no_token = client.post(url, data={**data, "csrf_token": "made-up"})
    assert no_token.status_code == 400 and "This form has expired" in no_token.get_data(True)

    sent = client.post(url, data=data, headers={"Sec-Fetch-Site": "same-origin"})
    assert sent.status_code == 200 and "Thank you" in sent.get_data(as_text=True)
    assert not sent.headers.getlist("Set-Cookie")  # the thank-you is a page, not a flash


def test_an_old_form_is_refused_with_a_reason(csrf_app: Flask, world: dict[str, Any]) -> None:
    client = csrf_app.test_client()
    url = f"/meetings/{world['slug']}/suggest"
    token = _token(client.get(url).get_data(as_text=True))
    csrf_app.config["PUBLIC_FORM_MAX_AGE"] = -1  # every token is now too old
    response = client.post(url, data={"csrf_token": token, "kind": "time", "message": "Later."})
    assert response.status_code == 400
    assert "This form has expired. Please reload the page" in response.get_data(as_text=True)


def test_signing_in_still_works_with_forms_protected_this_way(
    csrf_app: Flask, world: dict[str, Any]
) -> None:
    client = csrf_app.test_client()
    form = client.get("/login")
    assert not form.headers.getlist("Set-Cookie")
    token = _token(form.get_data(as_text=True))
    signed_in = client.post(
        "/login",
        data={"csrf_token": token, "email": "coordinator@example.org",
              "password": "demo-password-coordinator"},
        headers={"Origin": "http://localhost"},
    )  # fmt: skip
    assert signed_in.status_code == 302
    assert signed_in.headers.getlist("Set-Cookie")  # now there is a session: the sign-in
    from_elsewhere = csrf_app.test_client().post(
        "/login",
        data={"csrf_token": token, "email": "coordinator@example.org",
              "password": "demo-password-coordinator"},
        headers={"Origin": "https://evil.example"},
    )  # fmt: skip
    assert from_elsewhere.status_code == 400


def test_every_visitors_form_refuses_a_post_without_its_token(
    csrf_app: Flask, world: dict[str, Any]
) -> None:
    """Each view marked @public_form, with a real record to post to, and no token: 400."""
    from community_hub.volunteering.models import Opportunity

    opportunity = db.session.scalars(db.select(Opportunity)).first()
    known = {**world, "opportunity_slug": opportunity.slug if opportunity else "x"}
    client = csrf_app.test_client()
    checked = []
    for rule in csrf_app.url_map.iter_rules():
        view = csrf_app.view_functions[rule.endpoint]
        if not getattr(view, "public_form", False) or (
            rule.endpoint.startswith("accounts.") and (rule.endpoint != "accounts.forgot")
        ):
            continue  # invitation and reset links need a token of their own (tests/accounts)
        url = url_for_rule(rule, known)
        response = client.post(url, data={"anything": "x"})
        assert response.status_code == 400, (url, response.status_code)
        checked.append(rule.endpoint)
    assert len(checked) >= 7
