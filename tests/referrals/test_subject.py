"""Subject access and erasure by an administrator; references stay out of URLs and logs."""

from __future__ import annotations

import logging
from collections import Counter

import pytest
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.referrals.models import AuditEvent, Client, FollowUp, Referral
from tests.helpers import page, today
from tests.referrals.conftest import meeting_date
from tests.referrals.test_pages import referral_form


@pytest.fixture
def referred(client, auth, worker, meeting):
    """DV-0042, referred by the worker with a note, a planned meeting and a recorded follow-up."""
    auth.login(worker)
    data = referral_form(meeting, made_by="worker", note="Prefers the side door", gender="Woman")
    client.post("/referrals/new", data=data)
    referral = db.session.scalar(select(Referral))
    client.post(f"/referrals/{referral.id}/move", data={"to": "first_meeting_planned"})
    client.post(
        f"/referrals/follow-ups/{referral.follow_ups[0].id}",
        data={"attended_first_meeting": "yes", "attending_weekly": "yes", "barriers": "Buses"},
    )
    auth.logout()
    return referral


def aggregates() -> Counter:
    """What the reports count: referrals by status and method, follow-up answers."""
    counts: Counter = Counter()
    for r in db.session.scalars(select(Referral)):
        counts[(r.status, r.link_method, r.planned_first_meeting)] += 1
    for f in db.session.scalars(select(FollowUp).where(FollowUp.status == "done")):
        counts[(f.day_offset, f.attended_first_meeting, f.attending_weekly)] += 1
    return counts


def test_an_admin_exports_everything_held_about_a_client(client, auth, referred, make_user):
    auth.login(make_user("admin"))
    found = page(
        client.post(
            "/referrals/subject-requests", data={"organisation": "dvt", "reference": "DV-0042"}
        )
    )
    assert "Client DV-0042 at Don Valley Treatment" in found
    document = client.get(f"/referrals/subject-requests/{referred.client_id}.json").get_json()
    assert document["client"]["reference"] == "DV-0042"
    assert {c["purpose"] for c in document["consents"]} == {
        "share_with_peer", "follow_up", "outcome_to_referrer",
    }  # fmt: skip
    (exported,) = document["referrals"]
    assert exported["note"] == "Prefers the side door"
    assert exported["follow_ups"][0]["barriers"] == "Buses"
    assert any(e["action"] == "view" for e in document["access_log"])
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))


def test_erasure_needs_confirmation_and_leaves_aggregates_intact(client, auth, referred, make_user):
    before = aggregates()
    admin = make_user("admin")
    auth.login(admin)
    url = f"/referrals/subject-requests/{referred.client_id}/erase"
    client.post(url, data={"confirm": "DV-004"})
    db.session.expire_all()
    assert db.session.get(Client, referred.client_id).reference == "DV-0042"

    client.post(url, data={"confirm": "DV-0042"})
    db.session.expire_all()
    erased = db.session.get(Client, referred.client_id)
    assert erased.reference == f"erased-{erased.id}" and erased.gender == ""
    referral = db.session.get(Referral, referred.id)
    assert referral.note == "" and all(f.barriers == "" for f in referral.follow_ups)
    assert all(c.withdrawn_on == today() for c in erased.consents)
    assert {f.status for f in referral.follow_ups} == {"done", "cancelled"}
    after = aggregates()
    assert after == before
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "erase"))


def test_only_admins_handle_subject_requests(client, auth, referred, worker):
    auth.login(worker)
    assert client.get("/referrals/subject-requests").status_code == 403
    assert client.get(f"/referrals/subject-requests/{referred.client_id}.json").status_code == 403
    assert client.post(f"/referrals/subject-requests/{referred.client_id}/erase").status_code == 403


def test_no_reference_or_note_reaches_a_url_or_the_logs(app, client, auth, worker, meeting, caplog):
    caplog.set_level(logging.DEBUG)
    urls: list[str] = []

    @app.before_request
    def _remember() -> None:
        from flask import request

        urls.append(request.full_path)

    auth.login(worker)
    data = referral_form(meeting, made_by="worker", note="Sister is called Mary")
    created = client.post("/referrals/new", data=data)
    cookie = client.get_cookie("session")
    assert cookie is not None
    session = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert "DV-0042" not in str(session)  # the flash waiting in the cookie names nobody
    client.get(created.headers["Location"])
    referral = db.session.scalar(select(Referral))
    client.post("/referrals/clients/find", data={"reference": "DV-0042"})
    client.get(f"/referrals/clients/{referral.client_id}")
    client.post(f"/referrals/{referral.id}/move", data={"to": "first_meeting_planned"})
    client.get("/referrals/")
    client.post(
        f"/referrals/follow-ups/{referral.follow_ups[0].id}",
        data={"attended_first_meeting": "no", "barriers": "Mary was ill"},
    )
    client.get(f"/referrals/{referral.id}/fhir.json")
    for secret in ("DV-0042", "Mary", "DN4"):
        assert not any(secret in url for url in urls), secret
        assert secret not in caplog.text, secret
    assert len(urls) >= 8
    assert meeting_date(meeting).isoformat() not in caplog.text
