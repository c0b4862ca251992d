"""The whole community near a place, the community map, the nearby API, and suggestions on
every kind of listing, checked against the demo demo_region."""

import json

import pytest

from community_hub.extensions import db
from community_hub.meetings.models import ChangeSuggestion
from community_hub.people.models import PeerSupporter, RecoveryChampion
from community_hub.resources.models import Service


def public_peers():
    return [p for p in db.session.scalars(db.select(PeerSupporter)) if p.is_public]


def test_near_shows_every_kind_around_a_town(client, demo_region):
    html = client.get("/near?q=Cardiff&radius=25km").get_data(as_text=True)
    for heading in (
        "Meetings (",
        "Peer supporters (",
        "Recovery champions (",
        "Places that help (",
    ):
        assert heading in html, heading
    welsh = [p for p in public_peers() if "cy" in p.language_list and "Cardiff" in p.area]
    assert welsh and welsh[0].display_name in html


def test_near_can_show_one_kind(client, demo_region):
    html = client.get("/near?q=Cardiff&radius=25km&kind=resources").get_data(as_text=True)
    assert "Places that help (" in html and "Peer supporters (" not in html
    assert "Meetings (" not in html


def test_near_explains_bad_input(client, demo_region):
    response = client.get("/near?q=Nowhereville-on-Sea&kind=unicorns&radius=99parsecs")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "We could not find" in html and "Choose a distance" in html and "kind must be" in html


def test_nearby_api_lists_each_kind_nearest_first_without_personal_data(client, demo_region):
    response = client.get("/api/v1/nearby?lat=51.48&lng=-3.18&radius_km=30")
    assert response.status_code == 200
    body = response.get_json()
    for kind in ("meetings", "peers", "champions", "resources"):
        assert body[kind], kind
        distances = [item["distance_km"] for item in body[kind]]
        assert distances == sorted(distances), kind
    text = json.dumps(body)
    for person in db.session.scalars(db.select(PeerSupporter)):
        assert person.private_phone not in text and person.private_email not in text
    for champion in db.session.scalars(db.select(RecoveryChampion)):
        if not champion.is_public:
            assert f'/champions/{champion.id}"' not in text


def test_nearby_api_rejects_bad_parameters(client):
    response = client.get("/api/v1/nearby?lat=91&lng=0")
    assert response.status_code == 400 and response.get_json()["parameter"] == "lat"
    response = client.get("/api/v1/nearby?lat=50&lng=0&radius_km=0")
    assert response.get_json()["parameter"] == "radius_km"


def test_nearby_api_answers_for_the_smallest_radius(client, demo_region):
    """A radius whose fractions underflow to 0 (found by the API fuzzer) still gets its answer."""
    for radius in ("5e-324", "1e-300"):
        response = client.get(f"/api/v1/nearby?lat=53.5228&lng=-1.1285&radius_km={radius}")
        assert response.status_code == 200
        assert all(response.get_json()[kind] == [] for kind in ("peers", "resources"))


def test_community_map_counts_groups_and_public_champions(client, demo_region):
    html = client.get("/community-map?q=Doncaster&radius=25km").get_data(as_text=True)
    assert "Recovery groups" in html and "Public recovery champions" in html
    private = [c for c in db.session.scalars(db.select(RecoveryChampion)) if not c.is_public]
    assert private
    for champion in private:
        assert f'/champions/{champion.id}"' not in html


@pytest.mark.parametrize("kind", ["peer", "champion", "resource"])
def test_anyone_can_suggest_a_change_to_any_listing(client, demo_region, kind):
    if kind == "peer":
        target = public_peers()[0]
        url = f"/peers/{target.id}/suggest"
    elif kind == "champion":
        target = next(c for c in db.session.scalars(db.select(RecoveryChampion)) if c.is_public)
        url = f"/champions/{target.id}/suggest"
    else:
        target = db.session.scalar(db.select(Service).where(Service.archived_at.is_(None)))
        url = f"/resources/{target.id}/suggest"
    assert client.get(url).status_code == 200
    bad = client.post(url, data={"kind": "other", "message": "x"})
    assert bad.status_code == 400
    response = client.post(url, data={"kind": "other", "message": "The phone number has changed."})
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)
    suggestion = db.session.scalar(db.select(ChangeSuggestion))
    assert suggestion.target is target
    assert suggestion.organisation_id == target.organisation_id
    # It reaches that organisation's coordinators, and no one else's.
    from community_hub.meetings.suggestions import pending_for

    owner = type("U", (), {"role": "coordinator", "organisation_id": target.organisation_id})
    assert [s.id for s in pending_for(owner)] == [suggestion.id]
    other = type("U", (), {"role": "coordinator", "organisation_id": -1})
    assert pending_for(other) == []


def test_hidden_peer_takes_no_suggestions(client, demo_region):
    hidden = next(p for p in db.session.scalars(db.select(PeerSupporter)) if not p.is_public)
    assert client.get(f"/peers/{hidden.id}/suggest").status_code == 404


@pytest.mark.parametrize("place", [(51.48, -3.18, 30.0), (53.52, -1.13, 16.0), (53.0, -2.0, 200.0)])
def test_nearby_api_rows_are_the_pages_listings(app, demo_region, place):
    """The API reads plain rows; the page reads objects: the same listings, order, distances
    and public fields."""
    from datetime import UTC, datetime

    from community_hub.directory.export import nearby_json
    from community_hub.directory.services import search_nearby
    from community_hub.urls import site_url

    lat, lng, radius_km = place
    now = datetime.now(UTC)
    rows = search_nearby(lat, lng, radius_km, now=now, plain=True)
    db.session.expunge_all()
    objects = search_nearby(lat, lng, radius_km, now=now)
    assert rows.total and rows.total == objects.total
    body = nearby_json(rows)
    assert [m["slug"] for m in body["meetings"]] == [r.meeting.slug for r in objects.meetings]
    assert [m["distance_km"] for m in body["meetings"]] == [
        round(r.distance_km, 3) for r in objects.meetings
    ]
    assert body["peers"] == [
        {
            "name": p.display_name,
            "area": p.area,
            "organisation": p.organisation.name,
            "languages": p.language_list,
            "offers": p.offer_list,
            "pathways": p.pathway_list,
            "distance_km": round(km, 1),
            "url": site_url("people.peer", peer_id=p.id),
        }
        for km, p in objects.peers
    ]
    assert [(c["name"], c["level"], c["area"], c["distance_km"]) for c in body["champions"]] == [
        (c.display_name, c.level, c.area, round(km, 1)) for km, c in objects.champions
    ]
    assert [(s["id"], s["name"], s["category"], s["address"]) for s in body["resources"]] == [
        (
            s.id,
            s.name,
            s.taxonomy_term.code if s.taxonomy_term else None,
            ", ".join(p for p in (loc.address_1, loc.city, loc.postcode) if p),
        )
        for _km, s, loc in objects.resources
    ]
