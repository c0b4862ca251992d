"""The volunteer domain core: placement state machine, automatic holds, clearance, courses,
hours. Each allowed and each refused placement move is tested."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.volunteers import courses, hours, placements, services
from community_hub.volunteers.course_models import Course, CourseSession
from community_hub.volunteers.models import Stage, Volunteer
from community_hub.volunteers.placement_models import Placement
from community_hub.volunteers.placement_models import PlacementStatus as S
from community_hub.volunteers.placements import TRANSITIONS, TransitionRefused, move
from community_hub.volunteers.requirement_models import (
    CheckStatus,
    RequirementKind,
    RequirementType,
    RoleRequirement,
)
from community_hub.volunteers.requirements import may_accompany, supervision_overdue

TODAY = date(2026, 11, 23)


@pytest.fixture
def group(make_org, make_user):
    org = make_org(name="Don Valley Recovery Mentors", slug="dvrm")
    host = make_org(name="Beacon Café", slug="beacon")
    coordinator = make_user("coordinator", organisation=org)
    return org, host, coordinator


@pytest.fixture
def requirement(group):
    """A DBS check every 3 years for the peer mentor role, and safeguarding for accompanying."""
    org, _host, _c = group

    def build(
        code="dbs", role="peer_mentor", validity=1095, kind=RequirementKind.DBS.value, host=None
    ):
        rt = RequirementType(organisation_id=org.id, code=code, name=code.upper(), kind=kind,
                             validity_days=validity, renewal_window_days=60)  # fmt: skip
        db.session.add(rt)
        db.session.add(RoleRequirement(requirement_type=rt, role=role, host_organisation_id=host))
        db.session.flush()
        return rt

    return build


@pytest.fixture
def volunteer(group):
    org, _host, coordinator = group
    v = services.add_volunteer(
        services.VolunteerData(first_name="Kerry", email="kerry@example.org"), org, coordinator
    )
    db.session.commit()
    return v


@pytest.fixture
def placement(group, volunteer):
    org, host, _c = group
    p = Placement(volunteer=volunteer, organisation_id=org.id, host_organisation_id=host.id,
                  role="peer_mentor", status=S.PROPOSED.value)  # fmt: skip
    db.session.add(p)
    db.session.commit()
    return p


def dbs(volunteer, rt, completed_on, by=None):
    return services.record_check(volunteer, rt, completed_on, by, TODAY, dbs_level="enhanced",
                                 certificate_number="001234567890")  # fmt: skip


def walk_to(placement, target, by=None):
    """Move a placement along the main path to a status."""
    path = [S.AGREED, S.INDUCTION, S.ACTIVE, S.ON_HOLD, S.ENDED]
    if target == S.CANCELLED:
        move(placement, S.CANCELLED, by, TODAY, "changed plans")
        return
    for status in path:
        if S(placement.status) == target:
            return
        move(placement, status, by, TODAY, "next step", end_reason="completed")


ALL_PAIRS = [(a, b) for a in S for b in S if a != b]


@pytest.mark.parametrize(("start", "to"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
def test_every_transition_is_allowed_or_refused_by_the_table(placement, start, to):
    walk_to(placement, start)
    assert S(placement.status) == start
    if to in TRANSITIONS[start]:
        change = move(placement, to, None, TODAY, "because", end_reason="completed")
        assert S(placement.status) == to
        assert (change.from_status, change.to_status, change.reason) == (
            start.value,
            to.value,
            "because",
        )
    else:
        with pytest.raises(TransitionRefused, match="cannot become"):
            move(placement, to, None, TODAY, "because", end_reason="completed")
        assert S(placement.status) == start


def test_cancelling_is_only_possible_before_active():
    assert S.CANCELLED in TRANSITIONS[S.PROPOSED] | TRANSITIONS[S.AGREED] | TRANSITIONS[S.INDUCTION]
    assert S.CANCELLED not in TRANSITIONS[S.ACTIVE] | TRANSITIONS[S.ON_HOLD]


def test_cannot_become_active_with_a_missing_check(placement, requirement):
    requirement()
    move(placement, S.AGREED, None, TODAY)
    move(placement, S.INDUCTION, None, TODAY)
    with pytest.raises(TransitionRefused, match="DBS: not recorded"):
        move(placement, S.ACTIVE, None, TODAY)
    assert placement.status == S.INDUCTION.value


def test_cannot_become_active_with_an_expired_check(placement, requirement, volunteer):
    rt = requirement()
    dbs(volunteer, rt, TODAY - timedelta(days=1100))
    walk_to(placement, S.INDUCTION)
    with pytest.raises(TransitionRefused, match="expired on"):
        move(placement, S.ACTIVE, None, TODAY)


def test_becomes_active_when_every_check_is_current(placement, requirement, volunteer):
    rt = requirement()
    dbs(volunteer, rt, TODAY - timedelta(days=10))
    walk_to(placement, S.ACTIVE)
    assert placement.started_on == TODAY


def test_host_specific_requirement_applies_only_at_that_host(
    group, placement, requirement, volunteer, make_org
):
    _org, host, _c = group
    requirement(code="food", kind=RequirementKind.OTHER.value, role="", host=host.id)
    requirement(code="elsewhere", kind=RequirementKind.OTHER.value, role="", host=make_org().id)
    walk_to(placement, S.INDUCTION)
    with pytest.raises(TransitionRefused) as refused:
        move(placement, S.ACTIVE, None, TODAY)
    assert "FOOD" in str(refused.value) and "ELSEWHERE" not in str(refused.value)


def test_active_placement_goes_on_hold_automatically_when_a_check_expires(
    placement, requirement, volunteer
):
    rt = requirement()
    dbs(volunteer, rt, TODAY - timedelta(days=1000))
    walk_to(placement, S.ACTIVE)
    later = TODAY + timedelta(days=200)  # the certificate is now over three years old
    held = placements.hold_uncleared(later)
    assert held == [placement]
    assert placement.status == S.ON_HOLD.value
    from community_hub.volunteers.hold_reasons import describe

    assert placement.hold_reason.startswith("code:gaps:")  # a code, put in words per reader
    assert describe(placement.hold_reason).startswith("Automatic hold: ")
    assert placement.history[-1].changed_by is None
    assert placements.hold_uncleared(later) == []  # already on hold: nothing more


def test_renewal_in_progress_pauses_reminders_but_does_not_make_expired_valid(
    requirement, volunteer
):
    rt = requirement()
    check = dbs(volunteer, rt, TODAY - timedelta(days=1080))
    assert check.status(TODAY) == CheckStatus.DUE_FOR_RENEWAL
    services.start_renewal(check, TODAY)
    assert check.status(TODAY) == CheckStatus.RENEWAL_IN_PROGRESS
    assert check.valid_on(TODAY)
    assert not check.valid_on(TODAY + timedelta(days=30))
    renewed = dbs(volunteer, rt, TODAY)
    assert check.renewal_started_on is None and renewed.expires_on == TODAY + timedelta(days=1095)


def test_dbs_check_needs_level_and_a_twelve_digit_number(requirement, volunteer):
    rt = requirement()
    with pytest.raises(ValidationFailed) as failed:
        services.record_check(
            volunteer, rt, TODAY, None, TODAY, dbs_level="", certificate_number="12"
        )
    assert set(failed.value.errors) == {"dbs_level", "certificate_number"}


def test_may_accompany_only_when_cleared_today(group, placement, requirement, volunteer):
    _org, _host, coordinator = group
    rt = requirement()
    safeguarding = requirement(
        code="safe",
        role="accompanying",
        kind=RequirementKind.SAFEGUARDING_ADULTS.value,
        validity=730,
    )
    dbs(volunteer, rt, TODAY - timedelta(days=10))
    services.change_stage(volunteer, Stage.PEER_MENTOR.value, coordinator)
    walk_to(placement, S.ACTIVE)
    clearance = may_accompany(volunteer, TODAY)
    assert not clearance.cleared and "SAFE: not recorded" in clearance.reasons
    services.record_check(volunteer, safeguarding, TODAY, None, TODAY)
    assert may_accompany(volunteer, TODAY).cleared
    # Supervision every 28 days: overdue after that with none recorded.
    assert supervision_overdue(placement, TODAY + timedelta(days=29))
    assert (
        "supervision overdue at Beacon Café"
        in may_accompany(volunteer, TODAY + timedelta(days=29)).reasons
    )
    hours.record_supervision(
        placement,
        TODAY + timedelta(days=20),
        "one_to_one",
        "",
        coordinator,
        TODAY + timedelta(days=20),
    )
    assert may_accompany(volunteer, TODAY + timedelta(days=29)).cleared
    services.pause(volunteer, "Taking time for my own recovery", TODAY)
    clearance = may_accompany(volunteer, TODAY)
    assert "paused" in clearance.reasons
    assert placement.status == S.ON_HOLD.value  # pausing puts active placements on hold


def test_stage_changes_keep_their_history(group, volunteer):
    _org, _host, coordinator = group
    services.change_stage(volunteer, Stage.APPLICANT.value, coordinator, "Application form in")
    services.change_stage(volunteer, Stage.IN_TRAINING.value, coordinator)
    db.session.commit()
    assert [(h.from_stage, h.to_stage) for h in volunteer.history] == [
        (None, "enquiry"), ("enquiry", "applicant"), ("applicant", "in_training"),
    ]  # fmt: skip
    assert volunteer.history[1].reason == "Application form in"
    with pytest.raises(ValidationFailed):
        services.change_stage(volunteer, Stage.IN_TRAINING.value, coordinator)


def test_volunteer_validation_explains(group):
    org, _host, _c = group
    with pytest.raises(ValidationFailed) as failed:
        services.add_volunteer(
            services.VolunteerData(first_name="", email="nope", contact_preference="email"),
            org,
            None,
        )
    assert set(failed.value.errors) == {"first_name", "email"}
    assert db.session.scalar(db.select(db.func.count(Volunteer.id))) == 0


def test_course_completion_records_the_requirement_and_rates(group, requirement):
    org, _host, coordinator = group
    rt = requirement(code="psc", kind=RequirementKind.COURSE.value, validity=None)
    course = Course(
        organisation_id=org.id,
        name="Peer support (6 weeks)",
        accreditation="OCN",
        requirement_type=rt,
    )
    db.session.add(course)
    people = [
        services.add_volunteer(
            services.VolunteerData(first_name=f"V{i}", contact_preference="none"), org, None
        )
        for i in range(16)
    ]
    enrolments = [courses.enrol(course, v) for v in people]
    for e in enrolments[:11]:
        courses.complete(e, TODAY, coordinator, TODAY)
    for e in enrolments[11:15]:
        courses.withdraw(e, TODAY, "Moved away")
    figures = courses.figures(course)
    assert (figures.completed, figures.withdrawn, figures.in_progress) == (11, 4, 1)
    assert figures.completion_rate == pytest.approx(11 / 15)
    from community_hub.volunteers.requirements import latest_checks

    assert rt.id in latest_checks(people[0].id) and rt.id not in latest_checks(people[12].id)
    with pytest.raises(ValidationFailed):
        courses.enrol(course, people[0])
    with pytest.raises(ValidationFailed):
        courses.withdraw(enrolments[15], TODAY, "  ")


def test_attendance_is_recorded_once_per_session(group):
    org, _host, _c = group
    course = Course(organisation_id=org.id, name="Boundaries")
    session = CourseSession(course=course, held_on=TODAY)
    db.session.add_all([course, session])
    v = services.add_volunteer(
        services.VolunteerData(first_name="Ash", contact_preference="none"), org, None
    )
    enrolment = courses.enrol(course, v)
    courses.mark_attendance(session, enrolment, True)
    courses.mark_attendance(session, enrolment, False)
    from community_hub.volunteers.course_models import Attendance

    rows = db.session.scalars(db.select(Attendance)).all()
    assert [(r.attended) for r in rows] == [False]


def test_hours_are_logged_then_approved_or_declined(group, placement, volunteer):
    _org, _host, coordinator = group
    walk_to(placement, S.ACTIVE)
    placement.started_on = TODAY - timedelta(days=60)
    first = hours.log_hours(placement, TODAY, "2.5", "Café shift", TODAY)
    second = hours.log_hours(placement, TODAY - timedelta(days=31), "3", "Welcome desk", TODAY)
    for bad, field in (("abc", "hours"), ("0", "hours"), ("17", "hours"), ("1.1", "hours")):
        with pytest.raises(ValidationFailed) as failed:
            hours.log_hours(placement, TODAY, bad, "", TODAY)
        assert field in failed.value.errors
    with pytest.raises(ValidationFailed):
        hours.log_hours(placement, TODAY + timedelta(days=1), "1", "", TODAY)
    hours.review(first, True, coordinator)
    with pytest.raises(ValidationFailed):
        hours.review(second, False, coordinator, "")
    hours.review(second, False, coordinator, "Duplicate of another entry")
    with pytest.raises(ValidationFailed):
        hours.review(first, True, coordinator)
    totals = hours.approved_totals([first, second])
    assert totals["volunteer"][volunteer.id] == Decimal("2.5")
    assert dict(totals["month"]) == {TODAY.replace(day=1): Decimal("2.5")}


def test_hours_cannot_be_logged_before_a_placement_starts(placement):
    with pytest.raises(ValidationFailed) as failed:
        hours.log_hours(placement, TODAY, "1", "", TODAY)
    assert "placement" in failed.value.errors
