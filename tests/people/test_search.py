"""search_peers and search_champions: nearest first, within the radius, each filter, listed only."""

from __future__ import annotations

from html import unescape
from typing import Any

from community_hub.extensions import db
from community_hub.people.services import (
    public_champions,
    public_peers,
    search_champions,
    search_peers,
)

from .conftest import TOWNS

DONCASTER = TOWNS["Doncaster"]


def names(results: list[tuple[float, Any]]) -> list[str]:
    return [item.display_name for _km, item in results]


def page(response: Any) -> str:
    return unescape(response.get_data(as_text=True))


def test_peers_come_nearest_first_within_the_radius(make_peer):
    for town in ("Sheffield", "Doncaster", "Barnsley", "Mexborough", "Cardiff"):
        make_peer(town=town, display_name=town)

    results = search_peers(*DONCASTER, 50)

    assert names(results) == ["Doncaster", "Mexborough", "Barnsley", "Sheffield"]
    distances = [km for km, _p in results]
    assert distances == sorted(distances)
    assert distances[0] < 1 and 9 < distances[1] < 13  # Mexborough is about 11 km away
    assert names(search_peers(*DONCASTER, 15)) == ["Doncaster", "Mexborough"]
    assert names(search_peers(*DONCASTER, 50, limit=2)) == ["Doncaster", "Mexborough"]
    assert names(search_peers(*TOWNS["Newport"], 20)) == ["Cardiff"]


def test_peers_are_filtered_by_what_they_offer(make_peer):
    make_peer(display_name="Walks", offers=",accompany,phone,")
    make_peer(display_name="Phones", offers=",phone,", town="Mexborough")

    assert names(search_peers(*DONCASTER, 30, offers=frozenset({"phone"}))) == ["Walks", "Phones"]
    both = frozenset({"accompany", "phone"})
    assert names(search_peers(*DONCASTER, 30, offers=both)) == ["Walks"]


def test_peers_are_filtered_by_any_chosen_language(make_peer):
    make_peer(display_name="Rhys", languages=",cy,en,", town="Cardiff")
    make_peer(display_name="Tomasz", languages=",en,pl,", town="Newport")
    make_peer(display_name="Jo", languages=",en,", town="Cardiff")

    welsh = search_peers(*TOWNS["Cardiff"], 30, languages=frozenset({"cy"}))
    either = search_peers(*TOWNS["Cardiff"], 30, languages=frozenset({"cy", "pl"}))

    assert names(welsh) == ["Rhys"]
    assert names(either) == ["Rhys", "Tomasz"]


def test_peers_are_filtered_by_every_chosen_pathway(make_peer):
    make_peer(display_name="Lou", pathways=",alcohol,medication-assisted,")
    make_peer(display_name="Kev", pathways=",aa,alcohol,abstinence,", town="Mexborough")

    alcohol = search_peers(*DONCASTER, 30, pathways=frozenset({"alcohol"}))
    mar = search_peers(*DONCASTER, 30, pathways=frozenset({"medication-assisted", "alcohol"}))

    assert names(alcohol) == ["Lou", "Kev"]
    assert names(mar) == ["Lou"]


def test_like_wildcards_in_codes_match_nothing_extra(make_peer):
    make_peer(offers=",one_to_one,")

    assert search_peers(*DONCASTER, 30, offers=frozenset({"one%"})) == []
    assert search_peers(*DONCASTER, 30, offers=frozenset({"one_to_on_"})) == []


def test_only_listed_peers_are_found(make_peer):
    make_peer(display_name="Listed")
    make_peer(display_name="NoConsent", consent_at=None)
    make_peer(display_name="Hidden", hidden_at=db.func.now())
    make_peer(display_name="Archived", archived_at=db.func.now())

    assert names(search_peers(*DONCASTER, 30)) == ["Listed"]
    assert [p.display_name for p in public_peers()] == ["Listed"]


def test_champions_nearest_first_by_level_and_visibility(make_champion):
    make_champion(display_name="Far", town="Sheffield", level="strategic")
    make_champion(display_name="Near", level="community")
    make_champion(display_name="Mid", town="Mexborough", level="therapeutic")
    make_champion(display_name="Private", town="Barnsley", level="strategic", visibility="private")
    make_champion(display_name="Hidden", level="strategic", hidden_at=db.func.now())

    assert names(search_champions(*DONCASTER, 50)) == ["Near", "Mid", "Far"]
    assert names(search_champions(*DONCASTER, 50, include_private=True)) == [
        "Near",
        "Mid",
        "Private",
        "Far",
    ]
    strategic = frozenset({"strategic"})
    assert names(search_champions(*DONCASTER, 50, levels=strategic)) == ["Far"]
    assert names(search_champions(*DONCASTER, 50, levels=strategic, include_private=True)) == [
        "Private",
        "Far",
    ]
    assert names(search_champions(*DONCASTER, 50, limit=1)) == ["Near"]
    assert names(search_champions(*DONCASTER, 5)) == ["Near"]
    assert {c.display_name for c in public_champions()} == {"Near", "Mid", "Far"}


def test_the_peers_page_searches_by_town_with_filters(client, make_peer):
    make_peer(display_name="Kev", town="Mexborough", offers=",accompany,")
    make_peer(display_name="Lou", offers=",accompany,", languages=",en,cy,")
    make_peer(display_name="Sue", offers=",phone,")
    make_peer(display_name="Rhys", town="Cardiff", offers=",accompany,")

    html = page(client.get("/peers", query_string={"q": "Doncaster", "radius": "25km"}))
    assert html.index("Lou") < html.index("Kev")
    assert "Sue" in html and "Rhys" not in html
    assert "Near Doncaster (3)" in html

    only_accompany = page(
        client.get(
            "/peers", query_string={"q": "Doncaster", "radius": "25km", "offer": "accompany"}
        )
    )
    assert "Sue" not in only_accompany and "Kev" in only_accompany

    welsh = page(client.get("/peers", query_string={"q": "Doncaster", "language": "cy"}))
    assert "Lou" in welsh and "Kev" not in welsh
    assert "Welsh (Cymraeg)" in welsh


def test_the_peers_page_lists_everyone_before_a_place_is_chosen(client, make_peer):
    make_peer(display_name="Kev")
    make_peer(display_name="Rhys", town="Cardiff", pathways=",na,")

    everyone = page(client.get("/peers"))
    na_only = page(client.get("/peers", query_string={"pathway": "na"}))

    assert "Kev" in everyone and "Rhys" in everyone
    assert "Rhys" in na_only and "Kev" not in na_only


def test_the_peers_page_explains_a_place_it_cannot_find(client):
    response = client.get("/peers", query_string={"q": "Nowhereville"})

    assert response.status_code == 400
    assert "We could not find “Nowhereville”" in page(response)


def test_the_peers_page_uses_the_visitors_location(client, make_peer):
    make_peer(display_name="Kev")

    html = page(client.get("/peers", query_string={"lat": "53.52", "lng": "-1.13"}))

    assert "Near your location (1)" in html and "Kev" in html


def test_the_champions_page_searches_by_town_and_level(client, make_champion):
    make_champion(display_name="Marie", level="strategic")
    make_champion(display_name="Dave", level="community", town="Halifax")

    near = page(client.get("/champions", query_string={"q": "Doncaster", "radius": "10mi"}))
    strategic = page(client.get("/champions", query_string={"level": "strategic"}))

    assert "Marie" in near and "Dave" not in near
    assert "Strategic champion" in near
    assert "Marie" in strategic and "Dave" not in strategic
