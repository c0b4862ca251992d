"""Placements through the pages: propose, the allowed buttons, refused moves, supervision."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community_hub.extensions import db
from community_hub.volunteers.placement_models import (
    Placement,
    PlacementChange,
    SupervisionSession,
)
from community_hub.volunteers.placement_models import PlacementStatus as S
from community_hub.volunteers.placements import TRANSITIONS
from tests.volunteers.factories import TODAY, expiring_in, record


@pytest.fixture
def signed_in(auth, programme):
    auth.login(programme.coordinator)
    return programme


def history(placement_id):
    return db.session.scalars(
        db.select(PlacementChange)
        .where(PlacementChange.placement_id == placement_id)
        .order_by(PlacementChange.id)
    ).all()


def test_propose_a_placement(client, signed_in, make_volunteer):
    volunteer = make_volunteer(first_name="Jess")
    form = {
        "volunteer_id": volunteer.id,
        "host_organisation_id": signed_in.host.id,
        "role": "Peer mentor",
        "supervisor_name": "Mo",
        "supervision_every_days": 28,
    }

    response = client.post("/volunteers/placements/new", data=form)

    assert response.status_code == 302
    placement = db.session.scalar(db.select(Placement))
    assert (placement.role, placement.status, placement.organisation_id) == (
        "peer_mentor",
        S.PROPOSED.value,
        signed_in.org.id,
    )
    [first] = history(placement.id)
    assert (first.to_status, first.changed_by_id) == ("proposed", signed_in.coordinator.id)


def test_propose_refuses_bad_input_and_other_organisations_volunteers(
    client, signed_in, make_volunteer
):
    volunteer = make_volunteer()
    theirs = make_volunteer(organisation=signed_in.other_org)
    bad = client.post(
        "/volunteers/placements/new",
        data={
            "volunteer_id": volunteer.id,
            "host_organisation_id": signed_in.host.id,
            "role": "!",
            "supervision_every_days": 400,
        },
    )
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "Enter the role" in text and "every 7 to 91 days" in text
    other = client.post(
        "/volunteers/placements/new",
        data={
            "volunteer_id": theirs.id,
            "host_organisation_id": signed_in.host.id,
            "role": "peer_mentor",
            "supervision_every_days": 28,
        },
    )
    assert other.status_code == 400  # not among the choices
    assert db.session.scalar(db.select(db.func.count()).select_from(Placement)) == 0


@pytest.mark.parametrize("status", list(S))
def test_the_page_offers_exactly_the_allowed_moves(
    client, signed_in, make_volunteer, make_placement, status
):
    placement = make_placement(make_volunteer(), status.value)
    html = client.get(f"/volunteers/placements/{placement.id}").get_data(as_text=True)
    offered = {s for s in S if f'name="to" value="{s.value}"' in html}
    assert offered == set(TRANSITIONS[status])


def test_moves_along_the_path_record_who_and_why(client, signed_in, make_volunteer, make_placement):
    placement = make_placement(make_volunteer())
    for to in ("agreed", "induction", "active", "on_hold", "active"):
        response = client.post(
            f"/volunteers/placements/{placement.id}/move", data={"to": to, "reason": f"to {to}"}
        )
        assert response.status_code == 302, to
    no_reason = client.post(f"/volunteers/placements/{placement.id}/move", data={"to": "ended"})
    assert no_reason.status_code == 400
    assert "Choose why the placement ended." in no_reason.get_data(as_text=True)
    ended = client.post(
        f"/volunteers/placements/{placement.id}/move",
        data={"to": "ended", "end_reason": "host_ended", "reason": "Café closed"},
    )
    assert ended.status_code == 302
    db.session.expire_all()
    placement = db.session.get(Placement, placement.id)
    assert (placement.status, placement.end_reason, placement.ended_on) == (
        "ended",
        "host_ended",
        TODAY,
    )
    changes = history(placement.id)
    assert [c.to_status for c in changes] == [
        "agreed",
        "induction",
        "active",
        "on_hold",
        "active",
        "ended",
    ]
    assert all(c.changed_by_id == signed_in.coordinator.id for c in changes)
    assert changes[-1].reason == "Café closed"
    page = client.get(f"/volunteers/placements/{placement.id}").get_data(as_text=True)
    assert "Café closed" in page and "nothing more can change" in page


def test_a_refused_move_shows_why_and_changes_nothing(
    client, signed_in, make_volunteer, make_placement, make_requirement
):
    dbs = make_requirement()
    volunteer = make_volunteer(first_name="Kai")
    record(volunteer, dbs, expiring_in(dbs, -5))
    placement = make_placement(volunteer, S.INDUCTION.value)

    response = client.post(
        f"/volunteers/placements/{placement.id}/move", data={"to": "active", "reason": "Ready"}
    )

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "That change was not made" in html
    assert "Not every check is current: DBS: expired on" in html
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).status == S.INDUCTION.value
    assert history(placement.id) == []


def test_a_move_the_table_forbids_is_refused(client, signed_in, make_volunteer, make_placement):
    placement = make_placement(make_volunteer(), S.PROPOSED.value)
    response = client.post(
        f"/volunteers/placements/{placement.id}/move", data={"to": "active", "reason": "skip ahead"}
    )
    assert response.status_code == 400
    assert "A placement that is proposed cannot become active." in response.get_data(True)
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).status == S.PROPOSED.value


def test_record_supervision(client, signed_in, make_volunteer, make_placement):
    placement = make_placement(
        make_volunteer(), S.ACTIVE.value, started_on=TODAY - timedelta(days=60)
    )
    assert "overdue" in client.get(f"/volunteers/placements/{placement.id}").get_data(True)
    future = client.post(
        f"/volunteers/placements/{placement.id}/supervision",
        data={
            "supervision-held_on": (TODAY + timedelta(days=1)).isoformat(),
            "supervision-kind": "group",
        },
    )
    assert future.status_code == 400 and "cannot be in the future" in future.get_data(True)
    response = client.post(
        f"/volunteers/placements/{placement.id}/supervision",
        data={
            "supervision-held_on": TODAY.isoformat(),
            "supervision-kind": "one_to_one",
            "supervision-notes": "Well",
        },
    )
    assert response.status_code == 302
    session = db.session.scalar(db.select(SupervisionSession))
    assert (session.held_on, session.kind) == (TODAY, "one_to_one")
    page = client.get(f"/volunteers/placements/{placement.id}").get_data(as_text=True)
    assert "(overdue)" not in page
