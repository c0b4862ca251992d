"""Volunteer pipeline: every figure against a small programme worked out by hand.

Programme of DREAM (Doncaster), period 2026, stage history (date: from -> to):
  Ann  2025-06-01 joined, 2025-09-01 -> in_training, 2026-02-01 -> active_volunteer
  Bea  2026-01-10 joined, 2026-02-01 -> applicant, 2026-03-01 -> in_training
  Cal  2025-01-01 joined, 2025-05-01 -> active_volunteer, 2026-06-01 -> left
  Dee  2026-03-01 joined
  Eve  2025-01-01 joined, 2025-03-01 -> peer_mentor, 2027-02-01 -> recovery_champion (after)
  Fay  2026-12-31 23:00 joined
And Gil, in another organisation (Calderdale), joined 2026-02-01.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest

from community_hub.extensions import db
from community_hub.reports import pipeline, publication
from community_hub.reports.filters import parse_filters
from community_hub.reports.periods import Quarter
from community_hub.reports.suppression import Equation, Mark, is_small, protect
from community_hub.volunteers.course_models import Course, Enrolment
from community_hub.volunteers.models import StageChange, Volunteer
from community_hub.volunteers.placement_models import HoursLog, Placement
from community_hub.volunteers.requirement_models import Check, RequirementType
from tests.reports.conftest import PERIOD
from tests.reports.reader import possible_values

HISTORY = {
    "Ann": [
        ("2025-06-01", "enquiry"),
        ("2025-09-01", "in_training"),
        ("2026-02-01", "active_volunteer"),
    ],
    "Bea": [("2026-01-10", "enquiry"), ("2026-02-01", "applicant"), ("2026-03-01", "in_training")],
    "Cal": [("2025-01-01", "enquiry"), ("2025-05-01", "active_volunteer"), ("2026-06-01", "left")],
    "Dee": [("2026-03-01", "enquiry")],
    "Eve": [
        ("2025-01-01", "enquiry"),
        ("2025-03-01", "peer_mentor"),
        ("2027-02-01", "recovery_champion"),
    ],
    "Fay": [("2026-12-31T23:00", "enquiry")],
}
D = date.fromisoformat


def _volunteer(org, name, history):
    volunteer = Volunteer(organisation_id=org.id, first_name=name, stage=history[-1][1],
                          created_at=datetime.fromisoformat(history[0][0]))  # fmt: skip
    db.session.add(volunteer)
    before = None
    for when, stage in history:
        db.session.add(StageChange(volunteer=volunteer, from_stage=before, to_stage=stage,
                                   changed_at=datetime.fromisoformat(when)))  # fmt: skip
        before = stage
    return volunteer


@pytest.fixture
def programme(make_org):
    dream = make_org(name="DREAM", area="Doncaster")
    other = make_org(name="Calder Peers", area="Calderdale")
    cafe = make_org(name="Recovery Café", kind="community")
    centre = make_org(name="Treatment Centre", kind="treatment")
    v = {name: _volunteer(dream, name, h) for name, h in HISTORY.items()}
    _volunteer(other, "Gil", [("2026-02-01", "enquiry")])
    db.session.flush()

    def course(name, starts_on, people):
        c = Course(organisation_id=dream.id, name=name, starts_on=starts_on)
        db.session.add(c)
        for who, status, on, enrolled_at in people:
            db.session.add(Enrolment(course=c, volunteer=v[who], status=status,
                                     completed_on=on if status == "completed" else None,
                                     enrolled_at=enrolled_at or datetime(2026, 1, 20)))  # fmt: skip

    done = D("2026-03-20")
    course("Peer mentoring", D("2026-02-01"), [
        ("Ann", "completed", done, None), ("Bea", "enrolled", None, None),
        ("Cal", "withdrawn", None, None), ("Eve", "completed", done, None),
        ("Dee", "completed", done, None), ("Fay", "withdrawn", None, None)])  # fmt: skip
    course("Naloxone", D("2025-11-01"), [("Ann", "completed", D("2025-11-05"), None)])
    course("Safeguarding", None, [("Bea", "completed", D("2026-05-10"), datetime(2026, 5, 1))])

    def place(who, host, status, started=None, ended=None):
        p = Placement(
            volunteer=v[who],
            organisation_id=dream.id,
            host_organisation_id=host.id,
            role="peer mentor",
            status=status,
            started_on=started,
            ended_on=ended,
        )
        db.session.add(p)
        return p

    p1 = place("Ann", cafe, "active", D("2026-02-15"))
    p2 = place("Eve", centre, "ended", D("2025-04-01"), D("2026-08-01"))
    place("Bea", cafe, "cancelled", D("2026-10-01"))
    p4 = place("Bea", centre, "active", D("2026-10-20"))
    p5 = place("Dee", cafe, "proposed")
    place("Cal", centre, "ended", D("2025-06-01"), D("2025-12-01"))
    for p, day, hours, status in [
        (p1, "2026-03-05", "2.5", "approved"), (p1, "2026-03-20", "1.5", "approved"),
        (p1, "2026-04-02", "3", "approved"), (p2, "2026-03-10", "4", "approved"),
        (p2, "2026-09-01", "2", "approved"), (p4, "2026-03-15", "1", "submitted"),
        (p5, "2026-09-10", "5", "declined"),
    ]:  # fmt: skip
        db.session.add(HoursLog(volunteer=p.volunteer, placement=p, worked_on=D(day),
                                hours=Decimal(hours), status=status))  # fmt: skip
    dbs = RequirementType(organisation_id=dream.id, code="dbs", name="DBS", kind="dbs",
                          validity_days=1095)  # fmt: skip
    safe = RequirementType(organisation_id=dream.id, code="sg", name="Safeguarding",
                           kind="safeguarding_adults", validity_days=365)  # fmt: skip
    for who, kind, completed, expires, renewing in [
        ("Ann", dbs, "2021-01-01", "2024-01-01", None),  # superseded by the next
        ("Ann", dbs, "2024-01-10", "2027-01-09", None),  # expiring within 60 days of the end
        ("Bea", dbs, "2026-02-01", "2029-01-31", None),  # current
        ("Eve", safe, "2025-06-01", "2026-06-01", None),  # expired
        ("Ann", safe, "2026-01-05", "2027-01-05", "2026-12-01"),  # expiring, renewal started
        ("Cal", dbs, "2023-03-01", "2026-03-01", None),  # expired, but Cal has left
        ("Bea", safe, "2027-01-02", "2028-01-02", None),  # after the period
    ]:  # fmt: skip
        db.session.add(Check(volunteer=v[who], requirement_type=kind, completed_on=D(completed),
                             expires_on=D(expires),
                             renewal_started_on=D(renewing) if renewing else None))  # fmt: skip
    db.session.commit()
    return dream


def build(programme, suppress=False, own=True):
    filters = parse_filters(PERIOD, date(2027, 1, 15), programme.id if own else None)
    return pipeline.build(filters, suppress)


def rows(report, table):
    return {row.key: [c.text() for c in row.cells] for row in report.table(table).rows}


def test_stages_at_the_start_and_end_of_the_period_come_from_history(programme, ctx):
    got = rows(build(programme), "stages")
    assert {k: v[1] for k, v in got.items()} == {
        "enquiry": "2", "applicant": "0", "in_training": "1", "active_volunteer": "1",
        "peer_mentor": "1", "recovery_champion": "0", "paid_work": "0", "left": "1", "total": "6",
    }  # fmt: skip
    # On 1 January 2026: Ann in training, Cal active, Eve a peer mentor; the rest not yet joined.
    assert {k: v[0] for k, v in got.items() if v[0] != "0"} == {
        "in_training": "1", "active_volunteer": "1", "peer_mentor": "1", "total": "3",
    }  # fmt: skip
    everyone = build(programme, own=False)
    assert everyone.cell("stages", "enquiry", "end").text() == "3"  # and Gil, elsewhere


def test_each_stage_balances_start_and_moves_with_the_end(programme, ctx):
    """start + moves in = end + moves out, for every stage: declared for suppression."""
    sheet = pipeline.collect(parse_filters(PERIOD, date(2027, 1, 15), programme.id))
    balances = [e for e in sheet.equations if ("stages", "enquiry", "start") in e.left]
    assert balances == [
        Equation((("stages", "enquiry", "start"), ("moves", ">enquiry", "n")),
                 (("stages", "enquiry", "end"), ("moves", "enquiry>applicant", "n")))
    ]  # fmt: skip
    assert sheet.carried[("stages", "enquiry", "start")] == ("stages", "enquiry", "end")
    values = sheet.values
    for e in sheet.equations:
        assert sum(values[r] for r in e.left) == sum(values[r] for r in e.right), e


def test_moves_between_stages(programme, ctx):
    got = {k: v[0] for k, v in rows(build(programme), "moves").items()}
    assert got == {
        ">enquiry": "3", "active_volunteer>left": "1", "applicant>in_training": "1",
        "enquiry>applicant": "1", "in_training>active_volunteer": "1", "total": "7",
    }  # fmt: skip


def test_course_completion_and_drop_out(programme, ctx):
    report = build(programme)
    labels = {row.key: row.label for row in report.table("courses").rows}
    got = {labels[k]: v for k, v in rows(report, "courses").items()}
    # enrolled, still on course, finished, completed, withdrew, completion, drop-out
    assert got == {
        "Peer mentoring (DREAM)": ["6", "1", "5", "3", "2", "60%", "40%"],
        "Safeguarding (DREAM)": ["1", "0", "1", "1", "0", "100%", "0%"],
        "All courses": ["7", "1", "6", "4", "2", "67%", "33%"],
    }


def test_placements_by_host(programme, ctx):
    report = build(programme)
    labels = {row.key: row.label for row in report.table("placements").rows}
    got = {labels[k]: v for k, v in rows(report, "placements").items()}
    assert got == {
        "Recovery Café": ["1", "1", "0"],
        "Treatment Centre": ["1", "1", "1"],
        "All hosts": ["2", "2", "1"],
    }


def test_hours_per_month_count_approved_hours_only(programme, ctx):
    assert rows(build(programme), "hours") == {
        "2026-03": ["2", "8.0"], "2026-04": ["1", "3.0"], "2026-09": ["1", "2.0"],
    }  # fmt: skip


def test_checks_expiring(programme, ctx):
    assert rows(build(programme), "checks") == {
        "dbs": ["1", "0", "0"],
        "safeguarding_adults": ["1", "1", "1"],
        "total": ["2", "1", "1"],
    }


def test_graduates_still_engaged_at_six_months(programme, ctx):
    """Ann (placement), Bea (placement) and Eve (hours) were engaged six months on; Dee not."""
    assert rows(build(programme), "graduates") == {"all": ["4", "3", "75%"]}


def test_suppressed(programme, ctx):
    report = build(programme, suppress=True)
    assert rows(report, "hours") == {
        "2026-03": ["fewer than 5", "withheld"],
        "2026-04": ["fewer than 5", "withheld"],
        "2026-09": ["fewer than 5", "withheld"],
    }
    assert report.cell("stages", "total", "end").text() == "6"
    # Five stages are under 5 and three are 0: the total of 6 leaves them all uncertain.
    assert report.cell("stages", "enquiry", "end").text() == "fewer than 5"
    assert report.cell("graduates", "all", "engaged_pct").text() == "withheld"


@pytest.fixture
def first_quarter(make_org):
    """Issue 19, item 3: a programme's first quarter (July to September 2026). Twelve people
    join; 11 move on to applicant, 9 of those to training, 7 of those to active volunteering.
    At the end: enquiry 1, applicant 2, in training 2, active 7."""
    dream = make_org(name="DREAM", area="Doncaster")
    for n in range(12):
        path = [("2026-07-02", "enquiry"), ("2026-08-03", "applicant"),
                ("2026-08-20", "in_training"), ("2026-09-10", "active_volunteer")]  # fmt: skip
        _volunteer(dream, f"V{n}", path[: 1 + (n < 11) + (n < 9) + (n < 7)])
    db.session.commit()
    return Quarter(2026, 3)


def _stages_and_moves(sheet, marks):
    refs = {r for r in sheet.values if r[0] in ("stages", "moves")}
    values = {r: sheet.values[r] for r in refs}
    equations = [e for e in sheet.equations if set(e.refs) <= refs]
    return values, {r: marks[r] for r in refs}, equations


def test_stages_and_moves_cannot_be_differenced_brute_force(first_quarter, ctx):
    """Every table of stages and moves a reader could think possible, given what is printed
    and every balance: each count under 5 could still be more than one number."""
    sheet = pipeline.collect(first_quarter.filters())
    balances = [e for e in sheet.equations if len(e.left) > 1]
    totals_only = [e for e in sheet.equations if e not in balances]
    # Before: only the totals were declared, so the printed figures let a reader subtract.
    before = protect(sheet.values, totals_only, sheet.hidden)
    values, marks, equations = _stages_and_moves(sheet, before)
    assert marks[("stages", "enquiry", "end")] == Mark.SMALL
    assert possible_values(values, marks, equations, cap=40)[("stages", "enquiry", "end")] == {1}
    # Now: published with the balances (first quarter, nothing before it).
    published = publication.publish("pipeline", first_quarter, first_quarter)
    values, marks, equations = _stages_and_moves(sheet, published.marks_of("pipeline"))
    possible = possible_values(values, marks, equations, cap=40)
    small = [r for r, v in values.items() if is_small(v)]
    assert len(small) == 3  # enquiry 1, applicant 2, in training 2
    for ref in small:
        assert marks[ref] == Mark.SMALL and values[ref] in possible[ref]
        assert len(possible[ref]) > 1, f"{ref} is pinned to {possible[ref]}"
    for ref, mark in marks.items():  # nothing printed that a reader could not have seen
        assert mark != Mark.SHOWN or possible[ref] == {values[ref]}
