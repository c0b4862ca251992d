"""A volunteer's own page and hours: logging, validation, approval, and nobody else's record."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from community_hub.dates import month_and_year as long_month
from community_hub.extensions import db
from community_hub.volunteers.placement_models import HoursLog, HoursStatus
from community_hub.volunteers.placement_models import PlacementStatus as S
from tests.volunteers.factories import TODAY, expiring_in, log, record


@pytest.fixture
def me(make_user, make_volunteer, make_placement, make_requirement, programme):
    """A signed-up volunteer with an active placement, an ended one, and a DBS expiring soon."""
    user = make_user("volunteer", organisation=programme.org, email="nat@example.org")
    volunteer = make_volunteer(first_name="Nat", user=user, emergency_contact_name="Secret Sam")
    dbs = make_requirement()
    record(volunteer, dbs, expiring_in(dbs, 25))
    active = make_placement(volunteer, S.ACTIVE.value, started_on=TODAY - timedelta(days=20))
    ended = make_placement(volunteer, S.ENDED.value, started_on=TODAY - timedelta(days=200))
    return user, volunteer, active, ended


def test_a_volunteer_sees_their_own_page(client, auth, me):
    user, _volunteer, _active, _ended = me
    auth.login(user)
    page = client.get("/volunteers/me")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Your volunteering, Nat" in html
    assert "Beacon Recovery Café" in html
    assert "DBS: due" in html  # expiring within 60 days
    assert "Supervision: Beacon Recovery Café: due" in html
    assert "Secret Sam" not in html  # emergency contact is for staff only


def test_a_volunteer_without_a_record_is_told_it_is_not_linked_yet(
    client, auth, make_user, programme
):
    auth.login(make_user("volunteer", organisation=programme.org))
    page = client.get("/volunteers/me")
    assert page.status_code == 200
    assert "has not linked your volunteer record" in page.get_data(as_text=True)
    assert client.post("/volunteers/me/hours", data={}).status_code == 404


def test_a_volunteer_cannot_reach_anyone_elses_record(
    client, auth, me, make_volunteer, make_placement
):
    user, volunteer, _active, _ended = me
    other = make_volunteer(first_name="Ola")
    other_placement = make_placement(other, S.ACTIVE.value)
    auth.login(user)
    assert client.get(f"/volunteers/{other.id}").status_code == 403
    assert client.get(f"/volunteers/{volunteer.id}").status_code == 403  # staff page, even own
    assert "Ola" not in client.get("/volunteers/me").get_data(as_text=True)
    response = client.post(
        "/volunteers/me/hours",
        data={
            "hours-placement_id": other_placement.id,
            "hours-worked_on": TODAY.isoformat(),
            "hours-hours": "2",
        },
    )
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(HoursLog)) == 0


def test_log_hours_with_validation(client, auth, me):
    user, volunteer, active, ended = me
    auth.login(user)
    html = client.get("/volunteers/me").get_data(as_text=True)
    assert f'value="{active.id}"' in html and f'value="{ended.id}"' not in html

    def post(**fields):
        data = {
            "hours-placement_id": active.id,
            "hours-worked_on": TODAY.isoformat(),
            "hours-hours": "2.5",
            "hours-description": "Café shift",
        }
        data.update({f"hours-{k}": v for k, v in fields.items()})
        return client.post("/volunteers/me/hours", data=data)

    for fields, message in [
        ({"hours": "lots"}, "Enter the hours as a number"),
        ({"hours": "20"}, "between 0.25 and 16 hours"),
        ({"hours": "1.1"}, "nearest quarter hour"),
        ({"worked_on": (TODAY + timedelta(days=1)).isoformat()}, "cannot be in the future"),
        ({"worked_on": (TODAY - timedelta(days=30)).isoformat()}, "before the placement started"),
        ({"placement_id": ended.id}, "Not a valid choice"),
    ]:
        response = post(**fields)
        assert response.status_code == 400, fields
        assert message in response.get_data(as_text=True), fields
    assert db.session.scalar(db.select(db.func.count()).select_from(HoursLog)) == 0

    assert post().status_code == 302
    entry = db.session.scalar(db.select(HoursLog))
    assert (entry.volunteer_id, entry.hours, entry.status) == (
        volunteer.id,
        Decimal("2.5"),
        HoursStatus.SUBMITTED.value,
    )
    assert "Waiting for approval" in client.get("/volunteers/me").get_data(as_text=True)


def test_coordinator_approves_and_declines(client, auth, me, programme):
    user, _volunteer, active, _ended = me
    first, second = log(active, "3"), log(active, "1.5", days_ago=2)
    auth.login(programme.coordinator)
    queue = client.get("/volunteers/hours").get_data(as_text=True)
    assert "Nat" in queue and "Hours awaiting approval (2)" in queue

    assert client.post(f"/volunteers/hours/{first.id}/approve").status_code == 302
    again = client.post(f"/volunteers/hours/{first.id}/approve")
    assert again.status_code == 400 and "already been reviewed" in again.get_data(True)
    no_reason = client.post(f"/volunteers/hours/{second.id}/decline", data={"reason": " "})
    assert no_reason.status_code == 400 and "Say why the hours are declined" in no_reason.get_data(
        as_text=True
    )
    declined = client.post(
        f"/volunteers/hours/{second.id}/decline", data={"reason": "That day was a training day"}
    )
    assert declined.status_code == 302

    db.session.expire_all()
    first, second = db.session.get(HoursLog, first.id), db.session.get(HoursLog, second.id)
    assert (first.status, first.reviewed_by_id) == ("approved", programme.coordinator.id)
    assert (second.status, second.decline_reason) == ("declined", "That day was a training day")
    queue = client.get("/volunteers/hours").get_data(as_text=True)
    assert "No hours waiting" in queue and long_month(TODAY) in queue  # a month, not "2026-11"

    auth.logout()
    auth.login(user)
    own = client.get("/volunteers/me").get_data(as_text=True)
    assert "Approved in total: 3" in own and "That day was a training day" in own


def test_many_hours_are_approved_or_declined_at_once(client, auth, me, programme):
    _user, _volunteer, active, _ended = me
    entries = [log(active, "2", days_ago=n) for n in range(1, 5)]
    auth.login(programme.coordinator)
    ids = [str(e.id) for e in entries]
    no_reason = client.post(
        "/volunteers/hours/review", data={"entry": ids[:2], "decision": "decline"}
    )
    assert no_reason.status_code == 400 and "Say why the hours are declined" in no_reason.get_data(
        as_text=True
    )
    nothing = client.post("/volunteers/hours/review", data={"decision": "approve"})
    assert nothing.status_code == 400 and "Tick the hours" in nothing.get_data(as_text=True)
    approved = client.post(
        "/volunteers/hours/review", data={"entry": ids[:3], "decision": "approve"}
    )
    assert approved.status_code == 302
    declined = client.post(
        "/volunteers/hours/review",
        data={"entry": ids[3:], "decision": "decline", "reason": "Not a volunteering day"},
    )
    assert declined.status_code == 302
    db.session.expire_all()
    assert [db.session.get(HoursLog, e.id).status for e in entries] == [
        "approved", "approved", "approved", "declined"
    ]  # fmt: skip
    # One already reviewed among the ticked: nothing changes at all.
    fresh = log(active, "1")
    mixed = client.post(
        "/volunteers/hours/review", data={"entry": [ids[0], str(fresh.id)], "decision": "approve"}
    )
    assert mixed.status_code == 400
    db.session.expire_all()
    assert db.session.get(HoursLog, fresh.id).status == "submitted"
    auth.logout()
    auth.login(programme.other_coordinator)
    assert (
        client.post(
            "/volunteers/hours/review", data={"entry": [str(fresh.id)], "decision": "approve"}
        ).status_code
        == 404
    )


def test_another_coordinator_cannot_review(client, auth, me, programme):
    _user, _volunteer, active, _ended = me
    entry = log(active)
    auth.login(programme.other_coordinator)
    assert client.post(f"/volunteers/hours/{entry.id}/approve").status_code == 404
    assert "Nat" not in client.get("/volunteers/hours").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(HoursLog, entry.id).status == HoursStatus.SUBMITTED.value
