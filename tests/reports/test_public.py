"""The public dashboard: the last quarter that has ended, area figures, always suppressed
(world in conftest.py).

Period for 15 August 2026: April to June 2026. Doncaster: referrals 6-12 by Don Valley (7, and
3 attended: 7, 11, 12), two meetings and five places that help listed today (a sixth archived),
five volunteers trained on 1 June. Calderdale: referrals 13-15 (2 attended), one place that
helps; its one volunteer was trained in 2025.
"""

import itertools
import random
from datetime import date, datetime, timedelta

import pytest

from community_hub.extensions import db
from community_hub.reports import public, publication
from community_hub.reports.filters import Filters
from community_hub.reports.periods import Quarter
from community_hub.reports.suppression import Equation
from community_hub.resources.models import Service
from community_hub.volunteers.course_models import Course, Enrolment
from community_hub.volunteers.models import Volunteer
from tests.reports.conftest import TODAY, add_referral
from tests.reports.reader import pinned


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


# ---- Issue 19, item 6: a year of publishing dates ------------------------------------------

YEAR = [TODAY + timedelta(days=n) for n in range(365)]  # 3 December 2026 to 2 December 2027


@pytest.fixture
def eighteen_months(make_org, make_meeting, make_fellowship):
    """Referrals from April 2026 (when the services began) to September 2027, a few a month
    by each of three services in two areas; volunteers trained now and then."""
    rng = random.Random(6)
    orgs = [make_org(name="Don Valley", area="Doncaster"), make_org(name="Mexborough",
            area="Doncaster"), make_org(name="Calder", area="Calderdale")]  # fmt: skip
    meeting = make_meeting(organisation=orgs[0], fellowship=make_fellowship("aa"))
    day = date(2026, 4, 1)
    while day <= date(2027, 9, 30):
        for org in orgs:
            for _n in range(rng.randrange(4)):
                went = rng.random() < 0.5
                made = day + timedelta(days=rng.randrange(28))
                add_referral(org, meeting, made, days=3 if went else None,
                             status="engaged" if went else "requested")  # fmt: skip
        if rng.random() < 0.4:
            course = Course(organisation_id=orgs[0].id, name=f"Course {day}")
            db.session.add(Enrolment(course=course, status="completed", completed_on=day,
                                     volunteer=Volunteer(organisation_id=rng.choice(orgs).id,
                                                         first_name="V")))  # fmt: skip
        day = (day + timedelta(days=32)).replace(day=1)
    db.session.commit()


def _printed(report):
    return {row.key: [c.text() for c in row.cells] for row in report.table("areas").rows}


def test_a_year_of_publishing_dates_never_gives_a_small_count_away(eighteen_months, ctx):
    """Whatever the day, the dashboard shows the last quarter that has ended; every day of that
    quarter's turn it shows the same figures; and everything it shows over the year, taken
    together with every relation between figures, pins no count from 1 to 4."""
    turns: dict[Quarter, list[date]] = {}
    for day in YEAR:
        period = public.public_period(day)
        quarter = Quarter.containing(period.start)
        assert period == quarter.filters() and period.end < day  # a whole quarter, ended
        turns.setdefault(quarter, []).append(day)
    assert list(turns) == [Quarter(2026, 3), Quarter(2026, 4), Quarter(2027, 1),
                           Quarter(2027, 2), Quarter(2027, 3)]  # fmt: skip
    values, marks, equations = {}, {}, []
    for quarter, days in turns.items():
        printed = [_printed(publication.dashboard(d)) for d in (days[0], days[len(days) // 2],
                                                                days[-1])]  # fmt: skip
        assert printed[0] == printed[1] == printed[2]
        published = publication.publish("public", quarter, quarter)
        sheet, own = published.parts["public"], published.marks_of("public")
        assert _printed(sheet.resolve(True, own)) == printed[0]

        def tag(ref, q=quarter):
            # Listings are counted today: the same figure whichever quarter is shown.
            listing = ref[2] in ("meetings", "resources")
            return ("listings" if listing else f"{q.key}/{ref[0]}", ref[1], ref[2])

        for ref, value in sheet.values.items():
            assert marks.get(tag(ref), own[ref]) == own[ref]  # a listing, printed alike
            values[tag(ref)], marks[tag(ref)] = value, own[ref]
        equations += [Equation(tuple(map(tag, e.left)), tuple(map(tag, e.right)))
                      for e in sheet.equations]  # fmt: skip
    assert sum(1 for r, v in values.items() if 0 < v < 5) > 20
    assert pinned(values, marks, equations) == []


def test_the_old_rolling_twelve_months_gave_a_month_away(eighteen_months, ctx):
    """Before: the twelve months before this one, published every month. Doncaster's figure
    one month less the month before is what the new month added, once the month dropped is
    from before the services began (they began in April 2026)."""

    def rolling(day):
        end = day.replace(day=1) - timedelta(days=1)
        return Filters((end.replace(day=1) - timedelta(days=335)).replace(day=1), end)

    shown = {}
    for day in [date(2026, 12, 3), date(2027, 1, 3), date(2027, 2, 3), date(2027, 3, 3)]:
        period = rolling(day)
        assert period.start <= date(2026, 4, 1)  # the month dropped had no referrals yet
        cell = public.collect(period).resolve(True).cell("areas", "Doncaster", "referrals")
        shown[period.end] = cell.value if cell.shown else None
    months = sorted(shown)
    differences = [shown[b] - shown[a] for a, b in itertools.pairwise(months)
                   if shown[a] is not None and shown[b] is not None]  # fmt: skip
    assert any(0 < d < 5 for d in differences), shown  # one month's small count, exactly
