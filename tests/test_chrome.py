"""The menu, help lines and footer are kept once rendered (community_hub/chrome.py): a kept
rendering is never shown in another language, for another nation, or to a signed-in user."""

from __future__ import annotations

import pytest

from community_hub.chrome import chrome


def aside(html: str) -> str:
    return html[html.index('<aside class="crisis"') : html.index("</aside>")]


def test_each_language_and_nation_gets_its_own(app, client):
    english = client.get("/?q=Doncaster").get_data(as_text=True)
    wales = client.get("/?q=Cardiff").get_data(as_text=True)
    assert "0808 808 2234" in aside(wales) and "0808 808 2234" not in aside(english)
    assert "Find a meeting</a>" in english and "No account, cookies" in english
    client.get("/language/cy?next=/")
    welsh = client.get("/?q=Doncaster").get_data(as_text=True)
    assert "Find a meeting</a>" not in welsh and "No account, cookies" not in welsh
    assert aside(welsh) != aside(english)
    client.get("/language/en?next=/")
    assert client.get("/?q=Doncaster").get_data(as_text=True).count("Find a meeting</a>") == 1
    kept = app.extensions["chrome"]
    assert {key[1] for key in kept} == {"en", "cy"}
    assert {key[2] for key in kept if key[0] == "crisis"} == {"england", "wales"}


def test_a_signed_in_menu_is_never_kept(client, auth, make_user):
    auth.login(make_user("coordinator"))
    html = client.get("/").get_data(as_text=True)
    assert "Manage listings" in html and "Sign out" in html
    anonymous = client.application.test_client().get("/").get_data(as_text=True)
    assert "Manage listings" not in anonymous and "Staff sign in" in anonymous


def test_only_known_fragments(app):
    with app.test_request_context("/"), pytest.raises(ValueError, match="No page fragment"):
        chrome("admin_nav")
