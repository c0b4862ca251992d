"""The demo volunteer programme: loads twice without duplicates and covers every state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community_hub.auth.services import find_user
from community_hub.extensions import db
from community_hub.seed import DEFAULT_DIRECTORY, load_seed
from community_hub.volunteers import dashboard as board
from community_hub.volunteers.course_models import (
    Attendance,
    Course,
    CourseSession,
    Enrolment,
)
from community_hub.volunteers.courses import figures
from community_hub.volunteers.models import Stage, StageChange, Volunteer
from community_hub.volunteers.placement_models import (
    HoursLog,
    HoursStatus,
    Placement,
    PlacementChange,
    PlacementStatus,
    SupervisionSession,
)
from community_hub.volunteers.placements import hold_uncleared
from community_hub.volunteers.requirement_models import Check, RequirementType, RoleRequirement
from community_hub.volunteers.requirements import may_accompany
from community_hub.volunteers.seed import load_volunteers
from tests.volunteers.factories import TODAY

MODELS = (
    RequirementType,
    RoleRequirement,
    Volunteer,
    StageChange,
    Check,
    Placement,
    PlacementChange,
    SupervisionSession,
    HoursLog,
    Course,
    CourseSession,
    Enrolment,
    Attendance,
)


def counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


@pytest.fixture
def seeded(app):
    load_seed(today=TODAY)
    result = load_volunteers(DEFAULT_DIRECTORY, TODAY)
    db.session.commit()
    return result


def test_loads_twice_without_duplicates(seeded):
    before = counts()
    assert load_volunteers(DEFAULT_DIRECTORY, TODAY) == seeded
    db.session.commit()
    assert counts() == before
    # Another day moves the dates along instead of adding rows.
    load_volunteers(DEFAULT_DIRECTORY, TODAY + timedelta(days=3))
    db.session.commit()
    assert counts() == before


def test_volunteers_at_every_stage_and_one_paused(seeded):
    volunteers = db.session.scalars(select(Volunteer)).all()
    assert {v.stage for v in volunteers} == {s.value for s in Stage}
    assert any(v.is_paused for v in volunteers)
    assert all(v.history for v in volunteers)
    assert all(v.organisation.slug == "doncaster-recovery-mentors" for v in volunteers)


def test_placements_in_every_status_and_consistent(seeded):
    statuses = set(db.session.scalars(select(Placement.status)))
    assert statuses == {s.value for s in PlacementStatus}
    # Every active placement really is cleared: the automatic hold finds nothing to do.
    assert hold_uncleared(TODAY) == []
    org_id = db.session.scalar(select(Volunteer.organisation_id))
    assert len(board.overdue_supervision(org_id, TODAY)) == 1
    automatic = db.session.scalars(
        select(PlacementChange).where(PlacementChange.changed_by_id.is_(None))
    ).all()
    assert [c.to_status for c in automatic] == ["on_hold"]


def test_checks_current_expiring_expired_and_one_renewal(seeded):
    org_id = db.session.scalar(select(Volunteer.organisation_id))
    expiring, expired = board.expiring_and_expired(org_id, TODAY)
    assert expiring and expired
    rows = board.current_checks(org_id, TODAY)
    assert any(r.days_left > 60 for r in rows)
    renewals = db.session.scalars(select(Check).where(Check.renewal_started_on.is_not(None))).all()
    assert len(renewals) == 1
    dbs = db.session.scalars(select(Check).where(Check.dbs_level != "")).all()
    assert all(len(c.certificate_number) == 12 for c in dbs)
    hosted = db.session.scalar(
        select(func.count())
        .select_from(RoleRequirement)
        .where(RoleRequirement.host_organisation_id.is_not(None))
    )
    assert hosted == 1
    assert {"peer_mentor", "accompanying"} <= set(db.session.scalars(select(RoleRequirement.role)))


def test_a_course_in_progress_with_every_outcome(seeded):
    course = db.session.scalar(select(Course).where(Course.name.contains("autumn")))
    assert len(course.sessions) == 6
    assert course.sessions[0].held_on < TODAY < course.sessions[-1].held_on
    statuses = set(db.session.scalars(select(Enrolment.status)))
    assert statuses == {"enrolled", "completed", "withdrawn"}
    assert figures(course).withdrawn == 1 and figures(course).in_progress == 3
    assert any(e.withdrawal_reason for e in course.enrolments)
    assert db.session.scalar(select(func.count()).select_from(Attendance)) > 0


def test_hours_in_every_state_and_the_demo_volunteer_is_linked(seeded):
    assert set(db.session.scalars(select(HoursLog.status))) == {s.value for s in HoursStatus}
    user = find_user("volunteer@example.org")
    dean = db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))
    assert dean.first_name == "Dean"
    assert may_accompany(dean, TODAY).cleared


def test_the_demo_pages_work_for_the_seeded_accounts(seeded, client, auth):
    coordinator = find_user("coordinator@example.org")
    auth.login(coordinator, "demo-password-coordinator")
    page = client.get("/volunteers/")
    assert page.status_code == 200
    assert "Put on hold" not in page.get_data(as_text=True)
    for placement in db.session.scalars(select(Placement)):
        assert client.get(f"/volunteers/placements/{placement.id}").status_code == 200
    auth.logout()
    auth.login(find_user("volunteer@example.org"), "demo-password-volunteer")
    assert "Your volunteering, Dean" in client.get("/volunteers/me").get_data(as_text=True)
