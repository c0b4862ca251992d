"""search_resources: public resources near a place, nearest first, filtered by category."""

from __future__ import annotations

from datetime import datetime

from community_hub.resources.services import public_resources, search_resources

from .conftest import TOWNS


def names(results) -> list[str]:
    return [service.name for _km, service, _place in results]


def test_nearest_first_with_distances_and_places(make_resource):
    make_resource("Barnsley")
    make_resource("Doncaster")
    make_resource("Mexborough")
    lat, lng = TOWNS["Doncaster"]

    results = search_resources(lat, lng, 50)

    assert names(results) == [
        "Doncaster Recovery Café",
        "Mexborough Recovery Café",
        "Barnsley Recovery Café",
    ]
    distances = [km for km, _s, _p in results]
    assert distances[0] < 0.01 and 9 < distances[1] < 12 and 20 < distances[2] < 25
    _km, service, place = results[1]
    assert place is service.location and place.city == "Mexborough"


def test_radius_and_limit(make_resource):
    for town in ("Doncaster", "Mexborough", "Barnsley", "Cardiff"):
        make_resource(town)
    lat, lng = TOWNS["Doncaster"]

    assert names(search_resources(lat, lng, 15)) == [
        "Doncaster Recovery Café",
        "Mexborough Recovery Café",
    ]
    assert names(search_resources(lat, lng, 500, limit=1)) == ["Doncaster Recovery Café"]
    assert len(search_resources(lat, lng, 500)) == 4
    assert search_resources(lat, lng, 0) == []


def test_category_filter_matches_any_chosen_category(make_resource):
    make_resource("Doncaster", name="Café")
    make_resource("Doncaster", name="Housing", category="sober_living", address_1="")
    make_resource("Doncaster", name="Families", category="family_support")
    lat, lng = TOWNS["Doncaster"]

    assert names(search_resources(lat, lng, 10, frozenset({"sober_living"}))) == ["Housing"]
    both = search_resources(lat, lng, 10, frozenset({"sober_living", "family_support"}))
    assert sorted(names(both)) == ["Families", "Housing"]
    assert search_resources(lat, lng, 10, frozenset({"unknown"})) == []


def test_archived_defunct_and_online_resources_are_not_found(make_resource):
    make_resource("Doncaster", name="Open")
    make_resource("Doncaster", name="Closed for now", status="temporarily closed")
    make_resource("Doncaster", name="Gone", status="defunct")
    make_resource("Doncaster", name="Archived", archived_at=datetime(2026, 11, 1))
    make_resource(
        "Doncaster", name="Online", location_type="virtual", url="https://example.org/join"
    )
    lat, lng = TOWNS["Doncaster"]

    assert sorted(names(search_resources(lat, lng, 10))) == ["Closed for now", "Open"]
    assert sorted(s.name for s in public_resources()) == ["Closed for now", "Online", "Open"]


def test_public_list_is_by_town_and_filters_by_category(make_resource):
    make_resource("Sheffield")
    make_resource("Barnsley")
    make_resource("Cardiff", category="family_support")

    assert [s.location.city for s in public_resources()] == ["Barnsley", "Cardiff", "Sheffield"]
    assert [s.name for s in public_resources(frozenset({"family_support"}))] == [
        "Cardiff Recovery Café"
    ]
