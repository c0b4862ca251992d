"""Who can reach what: other organisations get 404 everywhere; peers see only consented details."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.referrals import consent, services
from community_hub.referrals.models import Purpose, Referral
from community_hub.referrals.services import ClientData, ReferralData
from tests.helpers import page, today
from tests.referrals.conftest import meeting_date

SCOPED = ("client_id", "referral_id", "follow_up_id")
SYSTEM_WIDE = {"referrals.subject_export", "referrals.subject_erase"}


@pytest.fixture
def made(worker, meeting, cleared_peer):
    """A matched, accompanied referral with follow-ups, and its peer."""
    peer = cleared_peer("Kerry")
    found = services.add_client(ClientData(reference="DV-9"), worker)
    for purpose in Purpose:
        consent.give(found, purpose.value, today(), "verbal in session", worker, today())
    referral = services.make_referral(
        found,
        ReferralData(
            link_method="accompanied",
            made_by="peer",
            meeting_id=meeting.id,
            planned_first_meeting=meeting_date(meeting),
            note="Anxious in groups; private",
        ),
        worker,
        today(),
    )
    from community_hub.referrals import matching

    matching.offer(referral, peer, worker, today())
    services.move(referral, services.Status.ACCEPTED, worker, today())
    services.move(referral, services.Status.FIRST_MEETING_PLANNED, worker, today())
    db.session.commit()
    return referral, peer


def scoped_urls(app, referral):
    """Every referral-desk URL that names a client, referral or follow-up, with real ids."""
    ids = {
        "client_id": referral.client_id,
        "referral_id": referral.id,
        "follow_up_id": referral.follow_ups[0].id,
    }
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("referrals.") or not set(rule.arguments) & set(SCOPED):
            continue
        values = {name: ids.get(name) for name in rule.arguments}
        if "purpose" in rule.arguments:
            values["purpose"] = "follow_up"
        if "answer" in rule.arguments:
            values["answer"] = "accept"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule.build(values)[1], rule.endpoint


def test_another_organisation_gets_404_for_every_client_and_referral_url(
    app, client, auth, made, make_user
):
    referral, _peer = made
    urls = list(scoped_urls(app, referral))
    endpoints = {endpoint for _m, _u, endpoint in urls}
    assert {"referrals.client", "referrals.referral", "referrals.follow_up"} <= endpoints
    assert len(urls) >= 12
    for role in ("worker", "coordinator", "admin"):
        auth.login(make_user(role, organisation=make_user("worker").organisation))
        for method, url, endpoint in urls:
            if endpoint in SYSTEM_WIDE:
                # Administrators answer subject requests for every organisation; others never
                # reach them, whatever the id (so 403 reveals nothing about existence).
                if role != "admin":
                    assert client.open(url, method=method).status_code == 403
                continue
            response = client.open(url, method=method)
            assert response.status_code == 404, (role, method, url, endpoint)
        auth.logout()
    db.session.expire_all()
    assert referral.status == "first_meeting_planned"  # nothing changed on the way


def test_the_worker_who_made_it_reaches_each_page(client, auth, worker, made):
    referral, _peer = made
    auth.login(worker)
    for url in (
        f"/referrals/{referral.id}",
        f"/referrals/clients/{referral.client_id}",
        f"/referrals/follow-ups/{referral.follow_ups[0].id}",
        f"/referrals/{referral.id}/fhir.json",
    ):
        assert client.get(url).status_code == 200, url


def test_a_peer_sees_only_the_reference_meeting_and_time(
    client, auth, worker, meeting, cleared_peer, make_user, peer_group
):
    volunteer_user = make_user("volunteer", organisation=peer_group)
    peer = cleared_peer("Sam", user=volunteer_user)
    found = services.add_client(ClientData(reference="DV-10", postcode_district="DN4"), worker)
    consent.give(found, "share_with_peer", today(), "verbal in session", worker, today())
    referral = services.make_referral(
        found,
        ReferralData(
            link_method="accompanied", made_by="peer", meeting_id=meeting.id, note="Secret note"
        ),
        worker,
        today(),
    )
    from community_hub.referrals import matching

    matching.offer(referral, peer, worker, today())
    db.session.commit()
    auth.login(volunteer_user)
    offers = page(client.get("/referrals/offers"))
    assert "DV-10" in offers and "Hope Group" in offers and "Don Valley Treatment" in offers
    assert "Secret note" not in offers and "DN4" not in offers
    assert client.get(f"/referrals/{referral.id}").status_code == 403  # not the worker's desk
    assert client.post(f"/referrals/offers/{referral.id}/accept").status_code == 302
    db.session.expire_all()
    assert referral.status == "accepted"

    consent.withdraw(found, Purpose.SHARE_WITH_PEER, worker, today())
    db.session.commit()
    assert "DV-10" not in page(client.get("/referrals/offers"))
    assert client.post(f"/referrals/offers/{referral.id}/decline").status_code == 404


def test_the_peers_coordinator_declines_and_it_returns_to_matching(
    client, auth, worker, made, peer_coordinator, make_user
):
    referral, _peer = made
    services.move(referral, services.Status.ON_HOLD, worker, today())
    services.move(referral, services.Status.FIRST_MEETING_PLANNED, worker, today())
    referral.status = "matched"  # back to offered, for the coordinator to answer
    db.session.commit()
    outsider = make_user("coordinator")
    auth.login(outsider)
    assert client.post(f"/referrals/offers/{referral.id}/decline").status_code == 404
    auth.logout()
    auth.login(peer_coordinator)
    assert "DV-9" in page(client.get("/referrals/offers"))
    assert client.post(f"/referrals/offers/{referral.id}/decline").status_code == 302
    db.session.expire_all()
    found = db.session.get(Referral, referral.id)
    assert found.status == "requested" and found.matched_volunteer_id is None
    assert db.session.scalar(select(Referral.id).where(Referral.status == "matched")) is None
