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
