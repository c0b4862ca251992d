"""Uptake by postcode district against distance to the nearest meeting (world in conftest.py).

Districts of referrals 1-15: DN1 1-5 (5 referred, 5 attended); DN4 6-9 and 11 (5, 2 attended);
HX1 10, 12, 13, 15 (4, 3 attended); not recorded: 14 (1, 0 attended).
Both meetings are at the DN1 venue; DN4 is placed by an archived meeting's venue there, HX1 by
a resource's address in Halifax; an online meeting in Halifax does not count as near.
"""

from datetime import date, datetime

import pytest

from community_hub.extensions import db
from community_hub.geo.spatial import distance_km
from community_hub.reports import uptake
from community_hub.reports.filters import parse_filters
from community_hub.resources.models import Location
from tests.reports.conftest import PERIOD

MEETING = (53.5228, -1.1285)  # make_venue's default position, postcode DN1 1AA
DN4 = (53.50, -1.10)
HALIFAX = (53.7248, -1.8658)


@pytest.fixture
def places(world, make_meeting, make_org):
    make_meeting(organisation=world.a, venue_postcode="DN4 5PL", venue_latitude=DN4[0],
                 venue_longitude=DN4[1], archived_at=datetime(2025, 1, 1))  # fmt: skip
    make_meeting(organisation=world.a, venue_postcode="HX1 2ZZ", venue_latitude=HALIFAX[0],
                 venue_longitude=HALIFAX[1], venue_approximate=True,
                 conference_url="https://meet.example.org/x")  # fmt: skip
    location = Location(organisation_id=make_org().id, postcode="HX1 1AA", city="Halifax")
    location.place_at(*HALIFAX)
    db.session.add(location)
    db.session.commit()


def build(args=None, suppress=False):
    filters = parse_filters({**PERIOD, **(args or {})}, date(2027, 1, 15))
    return uptake.build(filters, suppress)


def rows(report, table):
    return {row.key: [c.text() for c in row.cells] for row in report.table(table).rows}


def test_by_district_nearest_first(places, ctx):
    dn4 = f"{distance_km(*DN4, *MEETING):.1f}"
    halifax = f"{distance_km(*HALIFAX, *MEETING):.1f}"
    assert dn4 == "3.2" and halifax == "53.7"
    report = build()
    assert list(rows(report, "districts")) == ["DN1", "DN4", "HX1", ""]
    assert rows(report, "districts") == {
        "DN1": ["0.0", "5", "5", "100%"],
        "DN4": [dn4, "5", "2", "40%"],
        "HX1": [halifax, "4", "3", "75%"],
        "": ["–", "1", "0", "0%"],
    }


def test_by_distance_band(places, ctx):
    # districts, referrals, attended, share
    assert rows(build(), "bands") == {
        "0.0": ["1", "5", "5", "100%"],
        "2.0": ["1", "5", "2", "40%"],
        "5.0": ["0", "0", "0", "–"],
        "10.0": ["0", "0", "0", "–"],
        "20.0": ["1", "4", "3", "75%"],
        "unknown": ["1", "1", "0", "0%"],
        "~total": ["4", "15", "10", "67%"],
    }


def test_fellowship_filter_counts_its_referrals_and_its_meetings(places, ctx):
    report = build({"fellowship": "aa"})  # referrals 1-8
    assert rows(report, "districts") == {
        "DN1": ["0.0", "5", "5", "100%"],
        "DN4": ["3.2", "3", "1", "33%"],
    }


def test_suppressed(places, ctx):
    report = build(suppress=True)
    districts = rows(report, "districts")
    assert districts["HX1"][1:] == ["fewer than 5", "fewer than 5", "withheld"]
    assert districts["DN4"][0] == "3.2"  # distances are about places, never suppressed
    # DN1's 5 of 5 would say nobody there missed out, which is 0: it may stand.
    assert districts["DN1"][1:] == ["5", "5", "100%"]
    # DN4: 5 referred, 2 attended: the 3 who did not must not be worked out.
    assert districts["DN4"][1:3] in (["5", "fewer than 5"], ["withheld", "fewer than 5"])
