"""Coordinators add and keep their own organisation's peers and champions; others get 404."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from community_hub.extensions import db
from community_hub.freshness import is_stale
from community_hub.people import services
from community_hub.people.models import PeerSupporter, RecoveryChampion

from .conftest import TODAY


def page(response: Any) -> str:
    return unescape(response.get_data(as_text=True))


def peer_form(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "display_name": "Robin",
        "area": "Doncaster and Mexborough",
        "centre_place": "Doncaster",
        "languages": ["en", "cy"],
        "pathways": ["na", "medication-assisted"],
        "offers": ["accompany", "phone"],
        "gender": "Woman",
        "availability": "Weekday evenings",
        "bio": "Happy to go with you.",
        "private_phone": "07700 900777",
        "private_email": "robin@example.org",
    }
    data.update(fields)
    return data


def only(model: Any) -> Any:
    (item,) = db.session.scalars(db.select(model)).all()
    return item


def test_a_coordinator_adds_a_peer_placed_at_the_area_centre(client, auth, coordinator):
    auth.login(coordinator)

    response = client.post("/manage/people/peers/new", data=peer_form())

    assert response.status_code == 302
    peer = only(PeerSupporter)
    assert peer.organisation_id == coordinator.organisation_id
    assert (peer.latitude, peer.longitude) == (53.52, -1.13)  # Doncaster, to about 1 km
    assert peer.lat_band is not None
    assert peer.language_list == ["en", "cy"]
    assert peer.offer_list == ["accompany", "phone"]
    assert peer.consent_at is None and not peer.is_public
    assert "Needs consent" in page(client.get("/manage/people/"))


def test_the_area_text_places_the_peer_when_no_town_is_given(client, auth, coordinator):
    auth.login(coordinator)

    client.post("/manage/people/peers/new", data=peer_form(area="Cardiff", centre_place=""))

    assert round(only(PeerSupporter).latitude) == 51


def test_given_coordinates_are_used_but_rounded(client, auth, coordinator):
    auth.login(coordinator)

    client.post(
        "/manage/people/peers/new", data=peer_form(latitude="53.49361", longitude="-1.28301")
    )

    peer = only(PeerSupporter)
    assert (peer.latitude, peer.longitude) == (53.49, -1.28)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"display_name": ""}, "Enter the first name"),
        ({"display_name": "Robin Hood Smith"}, "never a full name"),
        ({"area": ""}, "Enter the area they cover"),
        ({"centre_place": "DN4 5PL"}, "never a full postcode"),
        ({"centre_place": "Nowhereville", "area": "Nowhere"}, "We could not place this area"),
        ({"offers": []}, "Choose at least one kind of support"),
        ({"languages": []}, "Choose at least one language"),
        ({"private_email": "not-an-email"}, "Enter the email like name@example.org."),
    ],
)
def test_a_peer_form_explains_each_problem(client, auth, coordinator, fields, message):
    auth.login(coordinator)

    response = client.post("/manage/people/peers/new", data=peer_form(**fields))

    assert response.status_code == 400
    assert message in page(response)
    assert db.session.scalars(db.select(PeerSupporter)).all() == []


def test_editing_keeps_choices_and_confirms(client, auth, coordinator, make_peer):
    peer = make_peer(
        organisation=coordinator.organisation,
        offers=",phone,",
        last_confirmed=None,
        display_name="Robin",
    )
    auth.login(coordinator)

    form = page(client.get(f"/manage/people/peers/{peer.id}/edit"))
    assert re.search(r'<input checked [^>]*name="offers"[^>]*value="phone"', form)
    assert not re.search(r'<input checked [^>]*name="offers"[^>]*value="accompany"', form)
    assert "07700 900" in form  # staff see the private phone on their own form

    response = client.post(
        f"/manage/people/peers/{peer.id}/edit", data=peer_form(display_name="Robyn")
    )

    assert response.status_code == 302
    db.session.refresh(peer)
    assert peer.display_name == "Robyn"
    assert peer.last_confirmed is not None
    assert peer.consent_at is not None  # editing does not undo consent


def test_a_coordinator_adds_a_private_strategic_champion(client, auth, coordinator):
    auth.login(coordinator)

    response = client.post(
        "/manage/people/champions/new",
        data={
            "display_name": "Owain",
            "level": "strategic",
            "visibility": "private",
            "area": "Cardiff and the Vale",
            "centre_place": "Cardiff",
        },
    )

    assert response.status_code == 302
    champion = only(RecoveryChampion)
    assert (champion.level, champion.visibility) == ("strategic", "private")
    assert not champion.is_public


def test_a_champion_needs_a_level(client, auth, coordinator):
    auth.login(coordinator)

    response = client.post(
        "/manage/people/champions/new",
        data={"display_name": "Owain", "area": "Cardiff", "visibility": "public"},
    )

    assert response.status_code == 400
    assert "Choose the level" in page(response)


def test_confirm_is_one_click(client, auth, coordinator, make_peer):
    peer = make_peer(organisation=coordinator.organisation, last_confirmed=None)
    auth.login(coordinator)
    assert "Not confirmed in 90 days (1)" in page(client.get("/manage/people/"))

    client.post(f"/manage/listings/peers/{peer.id}/confirm")

    db.session.refresh(peer)
    assert peer.last_confirmed is not None
    assert "Not confirmed in 90 days (0)" in page(client.get("/manage/people/"))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/manage/people/{kind}/{id}/edit"),
        ("post", "/manage/people/{kind}/{id}/edit"),
        ("get", "/manage/people/{kind}/{id}/consent"),
        ("post", "/manage/people/{kind}/{id}/consent"),
        ("post", "/manage/people/{kind}/{id}/hide"),
        ("post", "/manage/people/{kind}/{id}/show"),
        ("post", "/manage/listings/{kind}/{id}/confirm"),
        ("post", "/manage/listings/{kind}/{id}/archive"),
        ("post", "/manage/listings/{kind}/{id}/restore"),
        ("post", "/manage/people/{kind}/{id}/withdraw"),
    ],
)
def test_another_organisations_listings_are_not_found(
    client, auth, coordinator, make_peer, make_champion, method, path
):
    peer, champion = make_peer(), make_champion()
    auth.login(coordinator)

    for kind, item in (("peers", peer), ("champions", champion)):
        response = getattr(client, method)(
            path.format(kind=kind, id=item.id), data={"how": "Agreed in person."}
        )
        assert response.status_code == 404

    db.session.refresh(peer)
    assert peer.is_public and peer.consent_note == "Agreed in person."


def test_the_dashboard_shows_only_the_organisations_own(client, auth, coordinator, make_peer):
    make_peer(organisation=coordinator.organisation, display_name="Mine")
    make_peer(display_name="Theirs")
    auth.login(coordinator)

    dashboard = page(client.get("/manage/people/"))

    assert "Mine" in dashboard and "Theirs" not in dashboard
    assert [p.display_name for p in services.peers_for(coordinator)] == ["Mine"]


def test_an_admin_manages_every_organisation(client, auth, make_user, make_peer, make_champion):
    peer, champion = make_peer(display_name="Anywhere"), make_champion()
    admin = make_user("admin")
    auth.login(admin)

    assert "Anywhere" in page(client.get("/manage/people/"))
    assert client.post(f"/manage/people/champions/{champion.id}/hide").status_code == 302
    assert {p.id for p in services.peers_for(admin)} == {peer.id}
    assert [c.id for c in services.champions_for(admin)] == [champion.id]


@pytest.mark.parametrize("role", ["worker", "volunteer", "commissioner"])
def test_only_coordinators_and_admins_manage_people(client, auth, make_user, role):
    auth.login(make_user(role))

    assert client.get("/manage/people/").status_code == 403
    assert client.get("/manage/people/requests").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/manage/people/")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_archived_listings_are_left_out_of_the_lists_unless_asked(coordinator, make_peer):
    make_peer(organisation=coordinator.organisation, archived_at=db.func.now())
    kept = make_peer(organisation=coordinator.organisation)

    assert services.peers_for(coordinator) == [kept]
    assert len(services.peers_for(coordinator, include_archived=True)) == 2


def test_is_stale_after_the_given_days(make_peer):
    from datetime import timedelta

    peer = make_peer(last_confirmed=TODAY - timedelta(days=90))

    assert not is_stale(peer, TODAY)
    assert is_stale(peer, TODAY + timedelta(days=1))
    assert is_stale(peer, TODAY, days=30)
    peer.last_confirmed = None
    assert is_stale(peer, TODAY)
