"""Near-me search at directory scale: the query plans and the exact distance behind the speed.

The figures themselves come from bench/search.py; these tests pin down what makes them: a day
search reads one short index range per day and latitude band, fellowship and latitude are
checked inside the index, and the faster geodesic gives geopy's figures to within a millimetre.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time

import pytest
from geopy.distance import geodesic
from sqlalchemy import insert, text
from sqlalchemy.dialects import postgresql, sqlite

from community_hub.extensions import db
from community_hub.geo.spatial import distance_km, lat_band
from community_hub.meetings.models import Meeting
from community_hub.meetings.search import MeetingQuery, candidate_query, search_meetings

MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DONCASTER = (53.5228, -1.1285)


@pytest.fixture
def region(make_meeting, make_fellowship):
    """Forty meetings of two fellowships on every day, up to ~35 km around Doncaster."""
    rng = random.Random(5)
    fellowships = [make_fellowship("aa"), make_fellowship("na")]
    for i in range(40):
        make_meeting(
            name=f"Meeting {i}",
            fellowship=fellowships[i % 2],
            day=rng.randrange(7),
            venue_latitude=DONCASTER[0] + rng.uniform(-0.3, 0.3),
            venue_longitude=DONCASTER[1] + rng.uniform(-0.5, 0.5),
        )


@pytest.fixture
def crowded(make_org, make_fellowship):
    """20,000 meetings on every day around a hundred towns, with the planner's statistics.

    Plans are only worth checking on a table big enough for the index to matter: on a handful
    of rows any plan is as good as another. PostgreSQL gets VACUUM ANALYZE, as autovacuum would;
    SQLite is left without statistics, as a deployment that never runs ANALYZE would be.
    """
    rng = random.Random(3)
    org = make_org()
    ids = [make_fellowship(slug).id for slug in ("aa", "na", "ca", "smart", "al-anon")]
    towns = [(rng.uniform(50.5, 55.5), rng.uniform(-4.5, 1.0)) for _ in range(100)]
    rows = []
    for i in range(20_000):
        lat, lng = rng.choice(towns)
        lat, lng = lat + rng.uniform(-0.05, 0.05), lng + rng.uniform(-0.08, 0.08)
        rows.append(
            {
                "slug": f"crowded-{i}", "name": f"Meeting {i}", "organisation_id": org.id,
                "fellowship_id": rng.choice(ids), "day": rng.randrange(7),
                "start_time": time(19, 30), "end_time": time(20, 30),
                "timezone": "Europe/London", "types": ",O,", "attendance": "in_person",
                "latitude": lat, "longitude": lng, "lat_band": lat_band(lat),
            }
        )  # fmt: skip
    db.session.execute(insert(Meeting), rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE meeting"))


def plan_for(query: MeetingQuery) -> str:
    """The database's plan for the service's candidate query (10 km around Doncaster)."""
    query.lat, query.lng = DONCASTER
    stmt, params = candidate_query(query, 10)
    stmt = stmt.params(params)
    if db.engine.dialect.name == "sqlite":
        compiled = stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
        rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        return " ".join(str(r[-1]) for r in rows)
    compiled = stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    return " ".join(r[0] for r in db.session.execute(text(f"EXPLAIN {compiled}")))


DAY_SEARCHES = {
    "day": {"days": frozenset({1})},
    "day and fellowship": {"days": frozenset({1}), "fellowships": frozenset({"aa"})},
    "two days, two fellowships": {
        "days": frozenset({1, 2}),
        "fellowships": frozenset({"aa", "na"}),
    },
}
OTHER_SEARCHES = {"no filter": {}, "fellowship only": {"fellowships": frozenset({"aa"})}}


def test_a_day_search_reads_one_range_per_band_and_day(app, crowded):
    """Band and day are equalities and longitude a range, all inside ix_meeting_geo_day, or
    band, day and fellowship in ix_meeting_geo_day_fellowship for a search that names one.

    Both hold every column the search needs, so no table row is read: SQLite says COVERING
    INDEX, PostgreSQL an index-only scan. PostgreSQL may check a list of days as a filter
    rather than as ranges, but still inside the index, and on these 20,000 rows it may find
    either index as good for a fellowship (bench/search.py prints its plan on dense data).
    """
    for name, filters in DAY_SEARCHES.items():
        plan = plan_for(MeetingQuery(now=MONDAY_NOON, **filters))
        if db.engine.dialect.name == "sqlite":
            if "fellowships" in filters:
                expected = (
                    "COVERING INDEX ix_meeting_geo_day_fellowship"
                    " (lat_band=? AND day=? AND fellowship_id=? AND longitude>? AND longitude<?)"
                )
            else:
                expected = (
                    "COVERING INDEX ix_meeting_geo_day"
                    " (lat_band=? AND day=? AND longitude>? AND longitude<?)"
                )
            assert expected in plan, (name, plan)
        else:
            assert "Index Only Scan using ix_meeting_geo_day" in plan, plan
            condition = plan.split("ix_meeting_geo_day")[1].split("Filter")[0]
            assert "lat_band = ANY" in condition, plan
            assert "longitude >=" in condition and "longitude <=" in condition, plan
            if len(filters["days"]) == 1:
                assert "day = " in condition, plan
            if "fellowships" in filters:
                assert "fellowship_id = " in plan.split("InitPlan")[0], plan


def test_a_search_without_a_day_still_uses_a_spatial_index(app, crowded):
    """Never the fellowship's own index, which would read every meeting of that fellowship."""
    for name, filters in OTHER_SEARCHES.items():
        plan = plan_for(MeetingQuery(now=MONDAY_NOON, **filters))
        assert "ix_meeting_geo" in plan, name  # ix_meeting_geo or ix_meeting_geo_day
        assert "ix_meeting_fellowship_id" not in plan, name
        assert "Seq Scan on meeting" not in plan and "SCAN meeting" not in plan, name


def test_day_search_results_match_the_unfiltered_search(region):
    """The index changes how rows are found, never which: filter in Python and compare."""
    everything = search_meetings(
        MeetingQuery(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=30, limit=100, now=MONDAY_NOON)
    )
    for day in range(7):
        found = search_meetings(
            MeetingQuery(
                lat=DONCASTER[0], lng=DONCASTER[1], radius_km=30, limit=100,
                days=frozenset({day}), fellowships=frozenset({"aa"}), now=MONDAY_NOON,
            )
        )  # fmt: skip
        expected = [
            (r.meeting.slug, r.distance_km)
            for r in everything.results
            if r.meeting.day == day and r.meeting.fellowship.slug == "aa"
        ]
        assert [(r.meeting.slug, r.distance_km) for r in found.results] == expected


def test_distance_is_geopys_geodesic_within_a_millimetre():
    rng = random.Random(11)
    for _ in range(2000):
        a = (rng.uniform(-89, 89), rng.uniform(-180, 180))
        b = (a[0] + rng.uniform(-0.3, 0.3), a[1] + rng.uniform(-0.3, 0.3))
        b = (max(-90.0, min(90.0, b[0])), b[1])
        if rng.random() < 0.2:
            b = (rng.uniform(-89, 89), rng.uniform(-180, 180))
        assert distance_km(*a, *b) == pytest.approx(geodesic(a, b).km, rel=0, abs=1e-6)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((0.0, 0.0), (0.5, 179.7)),  # nearly antipodal: Vincenty does not converge
        ((0.0, 0.0), (0.0, 180.0)),
        ((89.9, 10.0), (-89.9, -170.0)),
        ((0.0, 10.0), (0.0, 11.0)),  # along the equator
        ((53.5, -1.1), (53.5, -1.1)),  # the same point
        ((-90.0, 0.0), (90.0, 0.0)),  # pole to pole
    ],
)
def test_distance_at_the_awkward_places(a, b):
    """Where Vincenty's formula struggles the answer is still geopy's."""
    assert distance_km(*a, *b) == pytest.approx(geodesic(a, b).km, rel=0, abs=1e-6)
