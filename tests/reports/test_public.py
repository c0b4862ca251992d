"""The public dashboard: the last quarter that has ended, area figures, always suppressed
(world in conftest.py).

Period for 15 August 2026: April to June 2026. Doncaster: referrals 6-12 by Don Valley (7, and
3 attended: 7, 11, 12), two meetings and five places that help listed today (a sixth archived),
five volunteers trained on 1 June. Calderdale: referrals 13-15 (2 attended), one place that
helps; its one volunteer was trained in 2025.
"""

from datetime import date, datetime

import pytest

from community_hub.extensions import db
from community_hub.reports import public, publication
from community_hub.resources.models import Service
from community_hub.volunteers.course_models import Course, Enrolment
from community_hub.volunteers.models import Volunteer


@pytest.fixture
def dashboard_world(world):
    for n, (org, archived) in enumerate(
        [(world.a, None)] * 5 + [(world.a, datetime(2026, 1, 1)), (world.b, None)]
    ):
        db.session.add(Service(slug=f"s{n}", organisation_id=org.id, name=f"Place {n}",
                               archived_at=archived))  # fmt: skip
    course = Course(organisation_id=world.a.id, name="Peer mentoring")
    other = Course(organisation_id=world.b.id, name="Peer support")
    for n in range(5):
        volunteer = Volunteer(organisation_id=world.a.id, first_name=f"V{n}")
        db.session.add(Enrolment(course=course, volunteer=volunteer, status="completed",
                                 completed_on=date(2026, 6, 1)))  # fmt: skip
    # One of them completes a second course: still one person trained.
    db.session.add(Enrolment(course=Course(organisation_id=world.a.id, name="Naloxone"),
                             volunteer=volunteer, status="completed",
                             completed_on=date(2026, 7, 1)))  # fmt: skip
    trained_before = Volunteer(organisation_id=world.b.id, first_name="W")
    db.session.add(Enrolment(course=other, volunteer=trained_before, status="completed",
                             completed_on=date(2025, 6, 1)))  # fmt: skip
    db.session.commit()


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (date(2027, 1, 15), date(2026, 10, 1), date(2026, 12, 31)),
        (date(2026, 3, 31), date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 4, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 12, 3), date(2026, 7, 1), date(2026, 9, 30)),
    ],
)
def test_period_is_the_last_quarter_that_has_ended(today, start, end):
    period = public.public_period(today)
    assert (period.start, period.end) == (start, end)


def test_figures_before_suppression(dashboard_world):
    found = public.figures(public.public_period(date(2026, 8, 15)))
    assert found == {
        "Doncaster": {"meetings": 2, "resources": 5, "referrals": 7, "attended": 3, "trained": 5},
        "Calderdale": {"meetings": 0, "resources": 1, "referrals": 3, "attended": 2, "trained": 0},
    }


def test_the_dashboard_is_suppressed_including_differences(dashboard_world, ctx):
    report = publication.dashboard(date(2026, 8, 15))
    rows = {row.label: [c.text() for c in row.cells] for row in report.table("areas").rows}
    # meetings, places, referrals, first meetings, share, volunteers trained
    assert rows == {
        "Calderdale": ["0", "fewer than 5", "fewer than 5", "fewer than 5", "withheld", "0"],
        # 6 - 1 places would give Calderdale's away: Doncaster's are withheld.
        "Doncaster": ["fewer than 5", "withheld", "withheld", "fewer than 5", "withheld", "5"],
        # 6 places = 5 + 1: with Doncaster's 5 withheld, the total would still pin it to 5.
        # The 10 referrals are the linkage report's total for the quarter, which its own small
        # figures make it withhold: the dashboard prints the same count the same way.
        "All areas": ["fewer than 5", "withheld", "withheld", "withheld", "withheld", "5"],
    }
