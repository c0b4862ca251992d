"""Courses through the pages: sessions, enrolment, the register, completion and withdrawal."""

from __future__ import annotations

from datetime import timedelta

from community_hub.extensions import db
from community_hub.volunteers.course_models import Attendance, Course, Enrolment
from community_hub.volunteers.requirement_models import Check, RequirementKind
from tests.volunteers.factories import TODAY


def test_a_course_from_start_to_finish(client, auth, programme, make_volunteer, make_requirement):
    peer_course = make_requirement(
        "ocn", kind=RequirementKind.COURSE.value, validity=1095, name="Peer support course"
    )
    auth.login(programme.coordinator)
    response = client.post(
        "/volunteers/courses/new",
        data={
            "name": "Peer Support Level 2",
            "accreditation": "Open College Network",
            "starts_on": (TODAY - timedelta(days=21)).isoformat(),
            "requirement_type_id": peer_course.id,
        },
    )
    assert response.status_code == 302
    course = db.session.scalar(db.select(Course))
    for week in range(3):
        day = TODAY - timedelta(days=21 - 7 * week)
        assert (
            client.post(
                f"/volunteers/courses/{course.id}/sessions",
                data={"session-held_on": day.isoformat(), "session-topic": f"Week {week + 1}"},
            ).status_code
            == 302
        )
    duplicate = client.post(
        f"/volunteers/courses/{course.id}/sessions",
        data={"session-held_on": (TODAY - timedelta(days=7)).isoformat()},
    )
    assert duplicate.status_code == 400 and "already a session" in duplicate.get_data(True)

    people = [make_volunteer(first_name=name) for name in ("Lee", "Mai", "Nia")]
    for volunteer in people:
        assert (
            client.post(
                f"/volunteers/courses/{course.id}/enrol", data={"enrol-volunteer_id": volunteer.id}
            ).status_code
            == 302
        )
    lee, mai, nia = (
        db.session.scalar(db.select(Enrolment).where(Enrolment.volunteer_id == v.id))
        for v in people
    )

    first_session = course.sessions[0]
    register = f"/volunteers/courses/{course.id}/sessions/{first_session.id}"
    assert client.post(register, data={"present": [lee.id, mai.id]}).status_code == 302
    assert client.post(register, data={"present": [lee.id]}).status_code == 302  # a correction
    marks = {a.enrolment_id: a.attended for a in db.session.scalars(db.select(Attendance))}
    assert marks == {lee.id: True, mai.id: False, nia.id: False}
    assert "checked" in client.get(register).get_data(as_text=True)

    complete = f"/volunteers/courses/{course.id}/enrolments/{lee.id}/complete"
    early = client.post(complete, data={"completed_on": TODAY.isoformat()})
    # Sessions missed or still to come: completing anyway needs a reason, and saves nothing.
    assert early.status_code == 400 and "To mark the course completed anyway, say why" in (
        early.get_data(as_text=True)
    )
    assert db.session.scalar(db.select(Check)) is None
    assert (
        client.post(
            complete,
            data={"completed_on": TODAY.isoformat(), "override_reason": "Did the rest at Leeds"},
        ).status_code
        == 302
    )
    no_reason = client.post(
        f"/volunteers/courses/{course.id}/enrolments/{mai.id}/withdraw", data={"reason": ""}
    )
    assert no_reason.status_code == 400 and "Say why they withdrew" in no_reason.get_data(True)
    assert (
        client.post(
            f"/volunteers/courses/{course.id}/enrolments/{mai.id}/withdraw",
            data={"reason": "Started a new job"},
        ).status_code
        == 302
    )

    db.session.expire_all()
    check = db.session.scalar(db.select(Check))
    assert (check.volunteer_id, check.requirement_type_id) == (lee.volunteer_id, peer_course.id)
    page = client.get(f"/volunteers/courses/{course.id}").get_data(as_text=True)
    assert "1 of 2 completed (50%)" in page
    assert "1 of 3 withdrew (33%); 1 still enrolled" in page  # not "100% withdrew"
    assert "Did the rest at Leeds" in page
    assert "Started a new job" in page
    assert "1 of 3 sessions" in page
    assert "1 of 2 completed (50%)" in client.get("/volunteers/").get_data(as_text=True)


def test_completion_rate_reads_like_the_reports(
    client, auth, programme, make_volunteer, make_course
):
    course = make_course(name="Peer mentoring scheme")
    for n in range(16):
        status = "completed" if n < 11 else "withdrawn"
        db.session.add(Enrolment(course=course, volunteer=make_volunteer(), status=status))
    db.session.commit()
    auth.login(programme.coordinator)
    assert "11 of 16 completed (69%)" in client.get("/volunteers/courses").get_data(True)


def test_cannot_enrol_another_organisations_volunteer(
    client, auth, programme, make_volunteer, make_course
):
    course = make_course()
    theirs = make_volunteer(organisation=programme.other_org)
    auth.login(programme.coordinator)
    response = client.post(
        f"/volunteers/courses/{course.id}/enrol", data={"enrol-volunteer_id": theirs.id}
    )
    assert response.status_code in (400, 404)
    assert db.session.scalar(db.select(db.func.count()).select_from(Enrolment)) == 0
