"""A peer supporter's profile and the volunteer record behind it, linked from either form."""

from __future__ import annotations

from datetime import datetime

import pytest

from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.people.models import PeerSupporter
from community_hub.volunteers import links
from tests.helpers import page


@pytest.fixture
def make_profile(programme):
    counter = iter(range(1, 1000))

    def build(organisation=None, **fields) -> PeerSupporter:
        n = next(counter)
        peer = PeerSupporter(
            organisation_id=(organisation or programme.org).id, slug=f"p-{n}",
            display_name=fields.pop("display_name", f"Peer{n}"), area="Doncaster",
            consent_at=datetime(2026, 11, 1), **fields,
        )  # fmt: skip
        peer.place_at(53.52, -1.13)
        db.session.add(peer)
        db.session.commit()
        return peer

    return build


def edit_form(volunteer, peer_id: int) -> dict[str, str]:
    return {
        "first_name": volunteer.first_name,
        "email": volunteer.email,
        "contact_preference": "email",
        "languages": "en",
        "peer_id": str(peer_id),
    }


def test_the_volunteer_form_links_and_unlinks_a_profile(
    client, auth, programme, make_volunteer, make_profile
):
    volunteer = make_volunteer(first_name="Dean")
    profile = make_profile(display_name="Dean M")
    auth.login(programme.coordinator)
    form = page(client.get(f"/volunteers/{volunteer.id}/edit"))
    assert "Dean M" in form  # offered

    saved = client.post(f"/volunteers/{volunteer.id}/edit", data=edit_form(volunteer, profile.id))
    assert saved.status_code == 302
    db.session.refresh(profile)
    assert profile.volunteer_id == volunteer.id
    assert "Dean M" in page(client.get(f"/volunteers/{volunteer.id}"))

    client.post(f"/volunteers/{volunteer.id}/edit", data=edit_form(volunteer, 0))
    db.session.refresh(profile)
    assert profile.volunteer_id is None


def test_another_organisations_profile_is_refused_with_a_reason(
    client, auth, programme, make_volunteer, make_profile
):
    volunteer = make_volunteer()
    theirs = make_profile(organisation=programme.other_org)
    auth.login(programme.coordinator)
    refused = client.post(f"/volunteers/{volunteer.id}/edit", data=edit_form(volunteer, theirs.id))
    assert refused.status_code == 400
    assert "Choose one of your organisation's peer profiles." in page(refused)
    db.session.refresh(theirs)
    assert theirs.volunteer_id is None


def test_linking_moves_a_record_from_one_profile_to_another(
    programme, make_volunteer, make_profile
):
    volunteer = make_volunteer()
    first, second = make_profile(), make_profile()
    links.link_peer_to_volunteer(first, volunteer.id)
    db.session.flush()
    links.link_peer_to_volunteer(second, volunteer.id)
    db.session.commit()
    db.session.refresh(first)
    assert (first.volunteer_id, second.volunteer_id) == (None, volunteer.id)
    assert links.peer_of(volunteer) == second
    with pytest.raises(ValidationFailed):
        links.link_peer_to_volunteer(make_profile(organisation=programme.other_org), volunteer.id)


def test_the_peer_form_offers_the_organisations_volunteers(
    client, auth, programme, make_volunteer, make_profile
):
    make_volunteer(first_name="Kerry")
    make_volunteer(first_name="Rhys", organisation=programme.other_org)
    profile = make_profile()
    auth.login(programme.coordinator)
    form = page(client.get(f"/manage/people/peers/{profile.id}/edit"))
    assert "Their volunteer record" in form and "Kerry" in form and "Rhys" not in form
