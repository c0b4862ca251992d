"""The programme's pages render, and each person sees only what their role and group allow."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community_hub.extensions import db
from community_hub.volunteers.models import Stage, StageChange, Volunteer
from community_hub.volunteers.placement_models import Placement, PlacementChange
from community_hub.volunteers.placement_models import PlacementStatus as S
from community_hub.volunteers.requirement_models import Check
from tests.volunteers.factories import TODAY, expiring_in, log, record, supervise


@pytest.fixture
def signed_in(auth, programme):
    auth.login(programme.coordinator)
    return programme


def test_dashboard_shows_what_needs_doing(
    client, signed_in, make_volunteer, make_requirement, make_placement, make_course
):
    dbs = make_requirement()
    ready = make_volunteer(first_name="Amira", stage=Stage.ACTIVE.value)
    record(ready, dbs, TODAY - timedelta(days=100))
    expiring = make_volunteer(first_name="Bryn", stage=Stage.PEER_MENTOR.value)
    record(expiring, dbs, expiring_in(dbs, 20))
    expired = make_volunteer(first_name="Cerys", stage=Stage.ACTIVE.value)
    record(expired, dbs, expiring_in(dbs, -3))
    late = make_volunteer(first_name="Dev", stage=Stage.PEER_MENTOR.value)
    record(late, dbs, TODAY - timedelta(days=30))
    placement = make_placement(late, S.ACTIVE.value, started_on=TODAY - timedelta(days=90))
    supervise(placement, 40)
    log(placement)
    make_course(name="Peer Support Level 2")

    page = client.get("/volunteers/")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    ready_section = html.split('id="ready-title"')[1].split("</section>")[0]
    assert "Amira" in ready_section and "Dev" not in ready_section  # Dev is placed
    assert "Cerys" not in ready_section  # an expired check
    expiring_section = html.split('id="expiring-title"')[1].split("</section>")[0]
    assert "Bryn" in expiring_section and "in 20 days" in expiring_section
    expired_section = html.split('id="expired-title"')[1].split("</section>")[0]
    assert "Cerys" in expired_section
    supervision = html.split('id="supervision-title"')[1].split("</section>")[0]
    assert "Dev" in supervision
    assert "Hours awaiting approval (1)" in html
    assert "Peer Support Level 2" in html


def test_dashboard_puts_uncleared_placements_on_hold_and_says_so(
    client, signed_in, make_volunteer, make_requirement, make_placement
):
    dbs = make_requirement()
    volunteer = make_volunteer(first_name="Ellis")
    record(volunteer, dbs, expiring_in(dbs, -1))
    placement = make_placement(volunteer, S.ACTIVE.value)

    html = client.get("/volunteers/").get_data(as_text=True)

    assert "Put on hold: Ellis at Beacon Recovery Café" in html
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).status == S.ON_HOLD.value
    change = db.session.scalar(db.select(PlacementChange))
    assert change.changed_by_id is None and change.reason.startswith("code:gaps:")
    # The history shows it as automatic, with the reason in words.
    history = client.get(f"/volunteers/placements/{placement.id}").get_data(True)
    assert "automatic" in history and "Automatic hold: " in history
    client.set_cookie("lang", "cy")
    welsh = client.get(f"/volunteers/placements/{placement.id}").get_data(True)
    assert "Automatic hold" not in welsh  # the stored code is read in Welsh too


def test_every_page_renders(
    client, signed_in, make_volunteer, make_requirement, make_placement, make_course
):
    dbs = make_requirement()
    volunteer = make_volunteer(first_name="Fran", emergency_contact_name="Pat")
    check = record(volunteer, dbs, TODAY - timedelta(days=10))
    placement = make_placement(volunteer)
    course = make_course()
    client.post(
        f"/volunteers/courses/{course.id}/sessions",
        data={"session-held_on": TODAY.isoformat(), "session-topic": "Boundaries"},
    )
    session_id = course.sessions[0].id
    pages = [
        "/volunteers/",
        "/volunteers/people",
        "/volunteers/people/new",
        f"/volunteers/{volunteer.id}",
        f"/volunteers/{volunteer.id}/edit",
        "/volunteers/placements",
        "/volunteers/placements?status=active",
        "/volunteers/placements/new",
        f"/volunteers/placements/{placement.id}",
        "/volunteers/courses",
        "/volunteers/courses/new",
        f"/volunteers/courses/{course.id}",
        f"/volunteers/courses/{course.id}/sessions/{session_id}",
        "/volunteers/hours",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "<h1" in response.get_data(as_text=True), path
    record_page = client.get(f"/volunteers/{volunteer.id}").get_data(as_text=True)
    assert "Pat" in record_page  # emergency contact: staff only, and this is staff
    assert check.certificate_number in record_page


def test_add_and_edit_a_volunteer(client, signed_in):
    response = client.post(
        "/volunteers/people/new",
        data={
            "first_name": "Gina",
            "contact_preference": "email",
            "email": "",
            "languages": ["en", "pl"],
        },
    )
    assert response.status_code == 400
    assert "add their email address" in response.get_data(as_text=True)

    response = client.post(
        "/volunteers/people/new",
        data={
            "first_name": "Gina",
            "contact_preference": "text",
            "phone": "07700 900123",
            "languages": ["en", "pl"],
        },
    )
    assert response.status_code == 302
    volunteer = db.session.scalar(db.select(Volunteer).where(Volunteer.first_name == "Gina"))
    assert volunteer.organisation_id == signed_in.org.id
    assert volunteer.languages == "en,pl"

    response = client.post(
        f"/volunteers/{volunteer.id}/edit",
        data={"first_name": "Gina", "contact_preference": "none", "languages": ["en"]},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Volunteer, volunteer.id).contact_preference == "none"
    # Languages are chosen from the list and shown by name.
    record = client.get(f"/volunteers/{volunteer.id}").get_data(as_text=True)
    assert "English" in record


def test_languages_typed_as_words_become_codes(signed_in):
    from community_hub.volunteers.services import VolunteerData, add_volunteer

    volunteer = add_volunteer(
        VolunteerData(first_name="Ola", contact_preference="none", languages="english, Polish"),
        signed_in.org,
        signed_in.coordinator,
    )
    assert volunteer.languages == "en,pl"


def test_stage_change_pause_and_resume(client, signed_in, make_volunteer, make_placement):
    volunteer = make_volunteer(first_name="Hari")
    placement = make_placement(volunteer, S.ACTIVE.value)

    response = client.post(
        f"/volunteers/{volunteer.id}/stage",
        data={"stage-stage": "applicant", "stage-reason": "Met the team"},
    )
    assert response.status_code == 302
    again = client.post(f"/volunteers/{volunteer.id}/stage", data={"stage-stage": "applicant"})
    assert again.status_code == 400 and "already at that stage" in again.get_data(True)

    assert (
        client.post(
            f"/volunteers/{volunteer.id}/pause", data={"pause-pause_reason": "Family time"}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Volunteer, volunteer.id).is_paused
    assert db.session.get(Placement, placement.id).status == S.ON_HOLD.value
    history = db.session.scalars(db.select(StageChange).order_by(StageChange.id)).all()
    assert [(h.to_stage, h.reason) for h in history][-1] == ("applicant", "Met the team")

    assert client.post(f"/volunteers/{volunteer.id}/resume").status_code == 302
    db.session.expire_all()
    assert not db.session.get(Volunteer, volunteer.id).is_paused


def test_record_a_dbs_check_and_mark_a_renewal(client, signed_in, make_volunteer, make_requirement):
    dbs = make_requirement()
    volunteer = make_volunteer()
    bad = client.post(
        f"/volunteers/{volunteer.id}/checks",
        data={
            "check-requirement_type_id": dbs.id,
            "check-completed_on": TODAY.isoformat(),
            "check-dbs_level": "enhanced",
            "check-certificate_number": "12",
        },
    )
    assert bad.status_code == 400 and "12 digits" in bad.get_data(as_text=True)

    good = client.post(
        f"/volunteers/{volunteer.id}/checks",
        data={
            "check-requirement_type_id": dbs.id,
            "check-completed_on": TODAY.isoformat(),
            "check-dbs_level": "enhanced",
            "check-certificate_number": "001122334455",
            "check-update_service": "y",
        },
    )
    assert good.status_code == 302
    check = db.session.scalar(db.select(Check))
    assert (check.dbs_level, check.update_service) == ("enhanced", True)
    assert check.expires_on == TODAY + timedelta(days=1095)

    # A check recorded today is not offered a renewal, and asking anyway is refused.
    record_page = client.get(f"/volunteers/{volunteer.id}").get_data(True)
    assert "Renewal in progress" not in record_page.split('id="checks-title"')[-1]
    refused = client.post(
        f"/volunteers/{volunteer.id}/checks/{check.id}/renewal", follow_redirects=True
    )
    assert "only just recorded" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Check, check.id).renewal_started_on is None

    check = db.session.get(Check, check.id)
    check.completed_on = TODAY - timedelta(days=1060)  # inside the renewal window now
    check.expires_on = TODAY + timedelta(days=35)
    db.session.commit()
    assert "Renewal in progress" in client.get(f"/volunteers/{volunteer.id}").get_data(True)
    response = client.post(f"/volunteers/{volunteer.id}/checks/{check.id}/renewal")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Check, check.id).renewal_started_on == TODAY


# ---- who may see what ------------------------------------------------------------------------


def test_another_organisations_records_are_not_found(
    client, auth, programme, make_volunteer, make_placement, make_course, make_requirement
):
    theirs = make_volunteer(organisation=programme.other_org, first_name="Iolo")
    their_placement = make_placement(theirs)
    their_course = make_course(organisation_id=programme.other_org.id)
    their_hours = log(make_placement(theirs, S.ACTIVE.value))
    auth.login(programme.coordinator)

    for path in (
        f"/volunteers/{theirs.id}",
        f"/volunteers/{theirs.id}/edit",
        f"/volunteers/placements/{their_placement.id}",
        f"/volunteers/courses/{their_course.id}",
    ):
        assert client.get(path).status_code == 404, path
    for path in (
        f"/volunteers/{theirs.id}/pause",
        f"/volunteers/{theirs.id}/stage",
        f"/volunteers/placements/{their_placement.id}/move",
        f"/volunteers/hours/{their_hours.id}/approve",
    ):
        assert client.post(path, data={"to": "agreed"}).status_code == 404, path
    assert "Iolo" not in client.get("/volunteers/people").get_data(as_text=True)
    assert "Iolo" not in client.get("/volunteers/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Placement, their_placement.id).status == S.PROPOSED.value


@pytest.mark.parametrize("role", ["worker", "commissioner", "volunteer"])
def test_other_roles_are_refused_the_coordinator_pages(client, auth, make_user, programme, role):
    user = make_user(role, organisation=programme.org if role != "commissioner" else None)
    auth.login(user)
    for path in (
        "/volunteers/",
        "/volunteers/people",
        "/volunteers/hours",
        "/volunteers/export/volunteers.csv",
    ):
        assert client.get(path).status_code == 403, path


def test_signed_out_visitors_are_sent_to_sign_in(client, programme):
    for path in ("/volunteers/", "/volunteers/me", "/volunteers/export/hours.csv"):
        response = client.get(path)
        assert response.status_code in (302, 401), path


def test_an_administrator_sees_every_organisation(
    client, auth, make_user, make_volunteer, programme
):
    theirs = make_volunteer(organisation=programme.other_org, first_name="Iolo")
    auth.login(make_user("admin"))
    assert client.get(f"/volunteers/{theirs.id}").status_code == 200
    assert "Iolo" in client.get("/volunteers/people").get_data(as_text=True)


def test_ready_to_place_means_every_requirement_of_a_role_is_current(
    client, signed_in, make_volunteer, make_requirement
):
    dbs = make_requirement(code="dbs", name="Enhanced DBS check")
    make_requirement(code="safeguarding", name="Safeguarding adults", kind="other")
    # Nothing recorded at all: an applicant is not ready, and the page says what is missing.
    make_volunteer(first_name="Bryony", stage=Stage.APPLICANT.value)
    half = make_volunteer(first_name="Hana", stage=Stage.ACTIVE.value)
    record(half, dbs, TODAY - timedelta(days=10))
    html = client.get("/volunteers/").get_data(as_text=True)
    ready = html.split('id="ready-title"')[1].split("</section>")[0]
    waiting = html.split('id="waiting-title"')[1].split("</section>")[0]
    assert "Bryony" not in ready and "Hana" not in ready
    assert "Bryony" in waiting and "Enhanced DBS check: not recorded" in waiting
    assert "Safeguarding adults: not recorded" in waiting
    hana = waiting[waiting.index("Hana") :].split("</li>")[0]
    assert "Safeguarding adults: not recorded" in hana and "DBS" not in hana
