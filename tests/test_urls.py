"""Address patterns for lists: built once, filled per item, the same as building each address."""

import pytest

from community_hub.urls import fill, site_url, site_url_pattern


@pytest.mark.parametrize("site", ["https://hub.example.org", "https://example.org/recovery/"])
def test_a_filled_pattern_is_the_address_site_url_builds(app, site):
    app.config["SITE_URL"] = site
    cases = [
        ("people.peer", "peer_id", True, [1, 42, 7_294_610_583 + 1]),
        ("people.champion", "champion_id", True, [3]),
        ("resources.resource", "service_id", False, ["0b5e-uuid-like", "a b&c"]),
        ("meetings.meeting", "slug", False, ["tuesday-step-group", "café-night"]),
    ]
    with app.test_request_context():
        for endpoint, name, number, values in cases:
            pattern = site_url_pattern(endpoint, name, number=number)
            assert pattern.startswith(site.rstrip("/"))
            for value in values:
                assert fill(pattern, name, value) == site_url(endpoint, **{name: value})


def test_patterns_follow_the_site_address(app):
    with app.test_request_context():
        app.config["SITE_URL"] = "https://one.example"
        first = site_url_pattern("people.peer", "peer_id", number=True)
        app.config["SITE_URL"] = "https://two.example"
        second = site_url_pattern("people.peer", "peer_id", number=True)
    assert first.startswith("https://one.example/") and second.startswith("https://two.example/")


def test_links_kept_by_the_templates_url_for_are_what_url_for_builds(app):
    """Kept per root path and values, in the order given; never for the request's host."""
    from flask import url_for

    from community_hub.urls import kept_url_for

    cases = [
        ("meetings.finder", {}),
        ("meetings.finder", {"mode": "online", "within": "3", "sort": "time"}),
        ("meetings.finder", {"sort": "time", "mode": "online"}),
        ("core.language", {"code": "cy", "next": "/?q=Caf%C3%A9 & bar"}),
        ("meetings.finder", {"type": ["O", "W"]}),  # unhashable: built every time
        ("meetings.finder", {"_external": True}),
    ]
    for root in ("/", "/hub"):
        with app.test_request_context("/", base_url=f"https://example.org{root.rstrip('/')}"):
            for endpoint, values in cases * 2:  # the second time from what was kept
                assert kept_url_for(endpoint, **values) == url_for(endpoint, **values)
    with app.test_request_context("/", base_url="https://other.example.net"):
        expected = url_for("meetings.finder", _external=True)
        assert kept_url_for("meetings.finder", _external=True) == expected
