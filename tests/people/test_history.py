"""Peers' and champions' listings share the lifecycle and the history."""

from __future__ import annotations

from sqlalchemy import select

from community_hub.extensions import db
from community_hub.listings import history, lifecycle
from community_hub.listings.models import ListingChange
from community_hub.listings.registry import KINDS


def test_a_peers_change_is_recorded_without_private_contact_and_reverts(make_peer, make_user):
    peer = make_peer(bio="Ten years in recovery.")
    coordinator = make_user("coordinator", organisation=peer.organisation)
    with history.recorded_as("form", user=coordinator):
        peer.bio = "Eleven years in recovery."
        peer.private_phone = "07700 900123"
    db.session.commit()
    change = db.session.scalars(
        select(ListingChange).where(ListingChange.kind == "peers").order_by(ListingChange.id)
    ).all()[-1]
    assert change.changes["bio"] == ["Ten years in recovery.", "Eleven years in recovery."]
    assert change.changes["private_phone"] == [None, None]
    assert lifecycle.revert_problems(change, peer)  # the phone's old value is not kept
    with history.recorded_as("form", user=coordinator):
        peer.private_phone = ""
    db.session.commit()


def test_champions_are_confirmed_and_archived_through_the_shared_lifecycle(
    client, auth, make_champion, make_user
):
    champion = make_champion()
    auth.login(make_user("coordinator", organisation=champion.organisation))
    base = f"/manage/listings/champions/{champion.id}"
    assert client.post(f"{base}/archive").status_code == 302
    db.session.refresh(champion)
    assert champion.archived_at is not None and not champion.is_public
    assert client.post(f"{base}/restore").status_code == 302
    assert client.get(f"{base}/history").status_code == 200
    assert KINDS["champions"].title(champion) == champion.display_name
