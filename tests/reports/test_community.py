"""The community map over time: meetings, peers, champions per area, staff at open meetings.

Period 2026. Doncaster's intergroup lists meetings created/archived:
  m1 2025-01-01/-  m2 2025-06-01/2026-04-01  m3 2026-02-01/-  m4 2026-03-01/2026-09-01
  m5 2027-01-05/- (after)  m6 2025-01-01/2025-12-01 (before);  m1, m2, m6 AA, the rest NA.
Calderdale's lists m7 2025-01-01/- (AA).
"""

from datetime import date, datetime

import pytest

from community_hub.auth.models import User
from community_hub.extensions import db
from community_hub.people.models import PeerSupporter, RecoveryChampion
from community_hub.referrals.models import StaffMeetingAttendance
from community_hub.reports import community
from community_hub.reports.filters import parse_filters
from tests.reports.conftest import PERIOD

T = datetime.fromisoformat


@pytest.fixture
def map_world(make_org, make_meeting, make_fellowship):
    don = make_org(name="Doncaster Intergroup", area="Doncaster")
    cal = make_org(name="Calderdale Intergroup", area="Calderdale")
    aa, na = make_fellowship("aa"), make_fellowship("na")
    for org, fellowship, created, archived in [
        (don, aa, "2025-01-01", None), (don, aa, "2025-06-01", "2026-04-01"),
        (don, na, "2026-02-01", None), (don, na, "2026-03-01", "2026-09-01"),
        (don, na, "2027-01-05", None), (don, aa, "2025-01-01", "2025-12-01"),
        (cal, aa, "2025-01-01", None),
    ]:  # fmt: skip
        make_meeting(organisation=org, fellowship=fellowship, created_at=T(created),
                     archived_at=T(archived) if archived else None)  # fmt: skip
    listed = T("2025-01-01")
    for n, (org, created, consent, archived) in enumerate([
        (don, "2025-05-01", listed, None), (don, "2026-05-01", listed, None),
        (don, "2026-05-01", None, None), (cal, "2025-01-01", listed, "2026-07-01"),
    ]):  # fmt: skip
        db.session.add(PeerSupporter(slug=f"p{n}", organisation_id=org.id, display_name="P",
                                     area="x", consent_at=consent, created_at=T(created),
                                     archived_at=T(archived) if archived else None))  # fmt: skip
    for n, (org, level, created, archived, visibility) in enumerate([
        (don, "strategic", "2025-01-01", None, "public"),
        (don, "community", "2026-02-01", None, "public"),
        (don, "community", "2026-03-01", None, "private"),
        (cal, "therapeutic", "2025-01-01", "2026-10-01", "public"),
        (cal, "therapeutic", "2025-01-01", None, "public"),
    ]):  # fmt: skip
        db.session.add(RecoveryChampion(slug=f"c{n}", organisation_id=org.id, display_name="C",
                                        area="x", level=level, visibility=visibility,
                                        consent_at=listed, created_at=T(created),
                                        archived_at=T(archived) if archived else None))  # fmt: skip
    t1 = make_org(name="Don Treatment", kind="treatment", area="Doncaster")
    t2 = make_org(name="Calder Treatment", kind="treatment", area="Calderdale")

    def person(name, org, role="worker", active=True):
        # Straight to the table: no password hashing, which would only slow the test down.
        user = User(
            email=f"{name}@example.org",
            display_name=name,
            password_hash="-",
            role=role,
            organisation_id=org.id,
            active=active,
            created_at=listed,
        )
        db.session.add(user)
        return user

    staff = {n: person(n, t1) for n in "abcd"} | {n: person(n, t2) for n in "ef"}
    staff["boss"] = person("boss", t1, role="coordinator")
    person("gone", t1, active=False)
    db.session.flush()
    for who, day, fellowship in [
        ("a", "2026-02-01", aa), ("a", "2026-03-01", na), ("b", "2026-05-01", aa),
        ("e", "2025-12-31", aa), ("f", "2026-06-01", na), ("boss", "2026-04-01", aa),
    ]:  # fmt: skip
        user = staff[who]
        db.session.add(StaffMeetingAttendance(user_id=user.id, organisation_id=user.organisation_id,
                                              attended_on=date.fromisoformat(day),
                                              fellowship_id=fellowship.id))  # fmt: skip
    db.session.commit()


def build(args=None, suppress=False):
    filters = parse_filters({**PERIOD, **(args or {})}, date(2027, 1, 15))
    return community.build(filters, suppress)


def rows(report, table):
    return {row.label: [c.text() for c in row.cells] for row in report.table(table).rows}


def test_meetings_listed_new_and_closed(map_world, ctx):
    assert rows(build(), "meetings") == {
        "Calderdale": ["1", "0", "0"],
        "Doncaster": ["2", "2", "2"],
        "All areas": ["3", "2", "2"],
    }
    assert rows(build({"fellowship": "aa"}), "meetings") == {
        "Calderdale": ["1", "0", "0"],
        "Doncaster": ["1", "0", "1"],
        "All areas": ["2", "0", "1"],
    }


def test_peers_only_count_people_who_agreed_to_be_listed(map_world, ctx):
    assert rows(build(), "peers") == {
        "Calderdale": ["0", "0", "1"],
        "Doncaster": ["2", "1", "0"],
        "All areas": ["2", "1", "1"],
    }


def test_champions_by_level(map_world, ctx):
    # strategic, therapeutic, community, all listed, new, closed
    assert rows(build(), "champions") == {
        "Calderdale": ["0", "1", "0", "1", "0", "1"],
        "Doncaster": ["1", "0", "2", "3", "2", "0"],
        "All areas": ["1", "1", "2", "4", "2", "1"],
    }


def test_staff_attendance_at_open_meetings(map_world, ctx):
    # treatment staff, went at least once, share, meetings attended
    assert rows(build(), "staff") == {
        "Calderdale": ["2", "1", "50%", "1"],
        "Doncaster": ["4", "2", "50%", "3"],
        "All areas": ["6", "3", "50%", "4"],
    }
    assert rows(build({"fellowship": "aa"}), "staff")["Doncaster"] == ["4", "2", "50%", "2"]


def test_area_filter(map_world, ctx):
    assert rows(build({"area": "Calderdale"}), "meetings") == {
        "Calderdale": ["1", "0", "0"],
        "All areas": ["1", "0", "0"],
    }


def test_suppressed(map_world, ctx):
    report = build(suppress=True)
    # Every count here is under 5; the start of the period (never printed) is protected too.
    assert rows(report, "meetings")["All areas"] == ["fewer than 5"] * 3
    assert rows(report, "staff")["All areas"] == ["6", "fewer than 5", "withheld", "fewer than 5"]
