"""A listing is public only with consent, disappears at once when hidden, and comes back only
while consent is still recorded. Private champions are for signed-in staff."""

from __future__ import annotations

from html import unescape

from community_hub.extensions import db
from community_hub.listings import lifecycle
from community_hub.listings.registry import KINDS
from community_hub.people import services
from community_hub.people.models import PeerSupporter

from .conftest import TOWNS


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def public_ids(client) -> str:
    return page(client.get("/peers"))


def test_a_peer_is_not_public_until_consent_is_recorded(client, auth, make_peer, coordinator):
    peer = make_peer(organisation=coordinator.organisation, consent_at=None, display_name="Robin")

    assert client.get(f"/peers/{peer.id}").status_code == 404
    assert "Robin" not in public_ids(client)
    assert services.search_peers(*TOWNS["Doncaster"], 20) == []

    auth.login(coordinator)
    response = client.post(
        f"/manage/people/peers/{peer.id}/consent",
        data={"how": "Agreed by phone after I read the profile to them."},
    )
    auth.logout()

    assert response.status_code == 302
    db.session.refresh(peer)
    assert peer.consent_at is not None
    assert peer.consent_recorded_by_id == coordinator.id
    assert peer.consent_note == "Agreed by phone after I read the profile to them."
    assert client.get(f"/peers/{peer.id}").status_code == 200
    assert "Robin" in public_ids(client)
    assert [p.id for _d, p in services.search_peers(*TOWNS["Doncaster"], 20)] == [peer.id]


def test_consent_needs_a_note_saying_how_it_was_given(client, auth, make_peer, coordinator):
    peer = make_peer(organisation=coordinator.organisation, consent_at=None)
    auth.login(coordinator)

    response = client.post(f"/manage/people/peers/{peer.id}/consent", data={"how": ""})

    assert response.status_code == 400
    assert "Say how consent was given" in page(response)
    db.session.refresh(peer)
    assert peer.consent_at is None


def test_hiding_takes_effect_at_once_everywhere(client, auth, make_peer, coordinator):
    peer = make_peer(organisation=coordinator.organisation, display_name="Robin")
    assert client.get(f"/peers/{peer.id}").status_code == 200

    auth.login(coordinator)
    assert client.post(f"/manage/people/peers/{peer.id}/hide").status_code == 302
    auth.logout()

    assert client.get(f"/peers/{peer.id}").status_code == 404
    assert "Robin" not in public_ids(client)
    assert services.search_peers(*TOWNS["Doncaster"], 20) == []
    assert services.public_peers() == []


def test_showing_again_needs_consent_still_recorded(client, auth, make_peer, coordinator):
    peer = make_peer(organisation=coordinator.organisation)
    auth.login(coordinator)
    client.post(f"/manage/people/peers/{peer.id}/withdraw")
    db.session.refresh(peer)
    assert peer.consent_at is None and peer.hidden_at is not None

    refused = client.post(f"/manage/people/peers/{peer.id}/show", follow_redirects=True)

    assert "Record the person's consent before showing their listing." in page(refused)
    db.session.refresh(peer)
    assert peer.hidden_at is not None
    auth.logout()
    assert client.get(f"/peers/{peer.id}").status_code == 404


def test_a_hidden_peer_with_consent_can_be_shown_again(client, auth, make_peer, coordinator):
    peer = make_peer(organisation=coordinator.organisation)
    auth.login(coordinator)
    client.post(f"/manage/people/peers/{peer.id}/hide")
    client.post(f"/manage/people/peers/{peer.id}/show")
    auth.logout()

    assert client.get(f"/peers/{peer.id}").status_code == 200


def test_archived_listings_are_gone_until_restored(client, auth, make_peer, coordinator):
    peer = make_peer(organisation=coordinator.organisation)
    auth.login(coordinator)
    client.post(f"/manage/listings/peers/{peer.id}/archive")
    auth.logout()
    assert client.get(f"/peers/{peer.id}").status_code == 404

    auth.login(coordinator)
    client.post(f"/manage/listings/peers/{peer.id}/restore")
    auth.logout()
    assert client.get(f"/peers/{peer.id}").status_code == 200


def test_is_public_follows_consent_hiding_and_archiving(make_peer, make_champion):
    peer = make_peer()
    assert peer.is_public
    services.hide(peer)
    assert not peer.is_public
    services.show(peer)
    lifecycle.archive(KINDS["peers"], peer)
    assert not peer.is_public
    lifecycle.restore(peer)
    assert peer.is_public
    private = make_champion(visibility="private")
    assert private.is_listed and not private.is_public


def test_a_coordinator_can_preview_their_own_unlisted_peer(client, auth, make_peer, make_user):
    peer = make_peer(consent_at=None, display_name="Robin")
    own = make_user("coordinator", organisation=peer.organisation)
    other = make_user("coordinator")

    auth.login(own)
    preview = client.get(f"/peers/{peer.id}")
    assert preview.status_code == 200
    assert "Preview for staff" in page(preview)
    assert "Send request" not in page(preview)  # nobody can ask for an unlisted peer

    auth.logout()
    auth.login(other)
    assert client.get(f"/peers/{peer.id}").status_code == 404


def test_private_champions_are_for_signed_in_staff_only(client, auth, make_champion, make_user):
    public = make_champion(display_name="Marie")
    private = make_champion(display_name="Owain", visibility="private", level="strategic")

    assert client.get(f"/champions/{public.id}").status_code == 200
    assert client.get(f"/champions/{private.id}").status_code == 404
    listing = page(client.get("/champions"))
    assert "Marie" in listing and "Owain" not in listing

    auth.login(make_user("worker"))
    staff_view = client.get(f"/champions/{private.id}")
    assert staff_view.status_code == 200
    assert "Staff only." in page(staff_view)
    staff_listing = page(client.get("/champions"))
    assert "Owain" in staff_listing and "Staff only" in staff_listing

    auth.logout()
    auth.login(make_user("volunteer"))
    assert client.get(f"/champions/{private.id}").status_code == 404


def test_champion_consent_and_hiding_work_like_peers(client, auth, make_champion, coordinator):
    champion = make_champion(organisation=coordinator.organisation, consent_at=None)
    assert client.get(f"/champions/{champion.id}").status_code == 404

    auth.login(coordinator)
    client.post(
        f"/manage/people/champions/{champion.id}/consent",
        data={"how": "Agreed at the champions' meeting."},
    )
    auth.logout()
    assert client.get(f"/champions/{champion.id}").status_code == 200

    auth.login(coordinator)
    client.post(f"/manage/people/champions/{champion.id}/hide")
    auth.logout()
    assert client.get(f"/champions/{champion.id}").status_code == 404


def test_unknown_ids_are_not_found(client):
    assert client.get("/peers/999").status_code == 404
    assert client.get("/champions/999").status_code == 404
    assert db.session.get(PeerSupporter, 999) is None


def test_search_engines_are_asked_not_to_list_a_profile_unless_the_person_agreed(
    client, auth, make_peer, make_champion, coordinator
):
    peer = make_peer(organisation=coordinator.organisation, consent_at=None)
    champion = make_champion()
    noindex = '<meta name="robots" content="noindex">'
    assert noindex in page(client.get(f"/champions/{champion.id}"))

    auth.login(coordinator)
    client.post(f"/manage/people/peers/{peer.id}/consent", data={"how": "Agreed in person."})
    auth.logout()
    assert noindex in page(client.get(f"/peers/{peer.id}"))  # listed, but not for search

    auth.login(coordinator)
    client.post(
        f"/manage/people/peers/{peer.id}/consent",
        data={"how": "Asked to be findable on Google too.", "search_engines": "y"},
    )
    auth.logout()
    assert noindex not in page(client.get(f"/peers/{peer.id}"))
    services.withdraw_consent(peer)  # withdrawing takes the search-engine consent with it
    db.session.commit()
    assert peer.search_engines_consent_at is None
