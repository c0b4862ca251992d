"""Keyword search for resources: name, description and kind of place, by the full-text index."""

from __future__ import annotations

from community_hub.extensions import db
from community_hub.resources.services import public_resources, search_resources

from .conftest import TOWNS


def test_words_match_name_description_and_category(make_resource):
    make_resource("Doncaster", name="The Lighthouse", description="Tea and toast on Sundays.")
    make_resource(
        "Mexborough", name="Step House", category="sober_living", description="Rooms to rent."
    )
    make_resource("Cardiff", name="Cardiff Recovery Café")

    def found(*words: str) -> list[str]:
        return sorted(s.name for s in public_resources(words=words))

    assert found("lighthouse") == ["The Lighthouse"]
    assert found("toast") == ["The Lighthouse"]
    assert found("housing") == ["Step House"]  # the category's name
    assert found("caf") == ["Cardiff Recovery Café", "The Lighthouse"]  # a prefix, and "café"
    assert found("cafe") == ["Cardiff Recovery Café", "The Lighthouse"]  # without the accent
    assert found("nothing", "here") == []


def test_words_near_a_place(make_resource):
    make_resource("Doncaster", name="Doncaster Lighthouse")
    make_resource("Cardiff", name="Cardiff Lighthouse")
    make_resource("Mexborough", name="Mexborough Hub")
    lat, lng = TOWNS["Doncaster"]
    results = search_resources(lat, lng, 50, words=("lighthouse",))
    assert [s.name for _km, s, _place in results] == ["Doncaster Lighthouse"]


def test_edits_reach_the_index(make_resource):
    service = make_resource("Doncaster", name="Old Name")
    service.name = "New Name"
    db.session.commit()
    assert [s.name for s in public_resources(words=("new",))] == ["New Name"]
    assert public_resources(words=("old",)) == []


def test_the_page_takes_words_in_either_box(client, make_resource):
    make_resource("Doncaster", name="The Lighthouse")
    make_resource("Doncaster", name="Doncaster Hub")
    html = client.get("/resources?search=lighthouse").get_data(as_text=True)
    assert "The Lighthouse" in html and "Doncaster Hub" not in html
    html = client.get("/resources?q=Doncaster&search=lighthouse").get_data(as_text=True)
    assert "The Lighthouse" in html and "Doncaster Hub" not in html
    response = client.get("/resources?q=lighthouse")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The Lighthouse" in html and "Doncaster Hub" not in html
    assert client.get("/resources?search=" + "x" * 201).status_code == 400
