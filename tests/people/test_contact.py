"""The public asks to be put in touch with a peer; the request reaches that organisation's
coordinators only, who mark it handled with a note."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest

from community_hub.extensions import db
from community_hub.people.models import ContactRequest


def page(response: Any) -> str:
    return unescape(response.get_data(as_text=True))


def all_requests() -> list[ContactRequest]:
    return list(db.session.scalars(db.select(ContactRequest).order_by(ContactRequest.id)))


def test_a_request_reaches_the_peers_coordinators_and_nobody_else(
    client, auth, make_peer, make_user, contact_form
):
    peer = make_peer(display_name="Robin")
    own = make_user("coordinator", organisation=peer.organisation)
    other = make_user("coordinator")

    sent = client.post(f"/peers/{peer.id}", data=contact_form(first_name="Jamie"))

    assert sent.status_code == 200  # a thank-you page, not a redirect with a flash (no cookie)
    thanks = page(sent)
    assert f"{peer.organisation.name} will contact you" in thanks
    (request,) = all_requests()
    assert request.organisation_id == peer.organisation_id
    assert (request.first_name, request.reply_to, request.status) == (
        "Jamie",
        "07700 900999",
        "new",
    )
    assert request.consent_to_contact

    auth.login(own)
    queue = page(client.get("/manage/people/requests"))
    assert "Jamie" in queue and "Robin" in queue
    assert "Jamie asks about Robin" in page(client.get("/manage/people/"))
    detail = page(client.get(f"/manage/people/requests/{request.id}"))
    assert "07700 900999" in detail and "Evenings are best." in detail
    auth.logout()

    auth.login(other)
    assert "Jamie" not in page(client.get("/manage/people/requests"))
    assert client.get(f"/manage/people/requests/{request.id}").status_code == 404
    handled = client.post(f"/manage/people/requests/{request.id}", data={"note": "Not mine"})
    assert handled.status_code == 404
    db.session.refresh(request)
    assert request.status == "new"


def test_a_coordinator_marks_a_request_handled_with_a_note(
    client, auth, make_peer, make_user, contact_form
):
    peer = make_peer()
    coordinator = make_user("coordinator", organisation=peer.organisation)
    client.post(
        f"/peers/{peer.id}",
        data=contact_form(contact_method="email", reply_email="jamie@example.org"),
    )
    (request,) = all_requests()
    assert request.reply_to == "jamie@example.org" and request.reply_phone == ""
    auth.login(coordinator)

    missing = client.post(f"/manage/people/requests/{request.id}", data={"note": ""})
    assert missing.status_code == 400
    done = client.post(
        f"/manage/people/requests/{request.id}", data={"note": "Phoned, meeting Tuesday."}
    )

    assert done.status_code == 302
    db.session.refresh(request)
    assert request.status == "handled"
    assert request.handled_by_id == coordinator.id
    assert request.handled_note == "Phoned, meeting Tuesday."
    assert request.handled_at is not None
    assert "Jamie" not in page(client.get("/manage/people/")).split("All contact requests")[0]
    again = client.post(f"/manage/people/requests/{request.id}", data={"note": "Twice"})
    assert again.status_code == 302
    assert "already been dealt with" in page(client.get(again.headers["Location"]))
    db.session.refresh(request)
    assert request.handled_note == "Phoned, meeting Tuesday."


def test_an_admin_sees_every_organisations_requests(
    client, auth, make_peer, make_user, contact_form
):
    first, second = make_peer(), make_peer()
    client.post(f"/peers/{first.id}", data=contact_form(first_name="Ash"))
    client.post(f"/peers/{second.id}", data=contact_form(first_name="Bo"))
    auth.login(make_user("admin"))

    queue = page(client.get("/manage/people/requests"))

    assert "Ash" in queue and "Bo" in queue


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"consent": None}, "Tick the box to agree that the organisation may contact you"),
        ({"first_name": ""}, "Enter your first name"),
        ({"contact_method": None}, "Choose how we should contact you"),
        ({"reply_phone": "call me"}, "Enter a phone number we can call or text"),
        ({"contact_method": "email", "reply_email": "nope"}, "Enter an email address like"),
    ],
)
def test_a_request_explains_what_is_missing(client, make_peer, contact_form, fields, message):
    peer = make_peer()

    response = client.post(f"/peers/{peer.id}", data=contact_form(**fields))

    assert response.status_code == 400
    assert message in page(response)
    assert "There is a problem" in page(response)
    assert all_requests() == []


def test_nobody_can_ask_for_an_unlisted_peer(client, make_peer, contact_form):
    hidden = make_peer(hidden_at=db.func.now())
    unconsented = make_peer(consent_at=None)

    for peer in (hidden, unconsented):
        assert client.post(f"/peers/{peer.id}", data=contact_form()).status_code == 404
    assert all_requests() == []


class TestRateLimit:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"RATELIMIT_ENABLED": True}

    def test_contact_requests_are_limited_per_address(self, client, make_peer, contact_form):
        peer = make_peer()
        codes = [
            client.post(
                f"/peers/{peer.id}", data=contact_form(), environ_base={"REMOTE_ADDR": "192.0.2.9"}
            ).status_code
            for _ in range(11)
        ]

        assert codes == [200] * 10 + [429]
        assert len(all_requests()) == 10
        assert (
            client.get(f"/peers/{peer.id}", environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code
            == 200
        )


def test_the_coordinators_hear_of_a_request_but_not_who_asked(
    client, make_peer, make_user, contact_form
):
    from community_hub.jobs.models import OutboxMessage

    peer = make_peer(display_name="Dean")
    jo = make_user("coordinator", organisation=peer.organisation)
    client.post(f"/peers/{peer.id}", data=contact_form(first_name="Jamie", message="Evenings"))
    (message,) = db.session.scalars(db.select(OutboxMessage)).all()
    assert (message.recipient, message.subject) == (jo.email, "New request to talk to Dean")
    for private in ("Jamie", "07700 900999", "Evenings"):
        assert private not in message.body_text + message.body_html
