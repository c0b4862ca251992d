"""Near-me search through the service: radius, nearest N, every filter, the index."""

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import text

from community_hub.extensions import db
from community_hub.geo.spatial import distance_km
from community_hub.meetings.search import MeetingQuery, search_meetings

DONCASTER = (53.5228, -1.1285)
MEXBOROUGH = (53.4939, -1.2924)
SHEFFIELD = (53.3811, -1.4701)
CARDIFF = (51.4816, -3.1791)
MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def region(make_meeting, make_fellowship):
    aa = make_fellowship("aa")
    na = make_fellowship("na")

    def at(place, **fields):
        lat, lng = place
        return make_meeting(venue_latitude=lat, venue_longitude=lng, **fields)

    return {
        "don_aa_mon": at(
            DONCASTER, name="Doncaster Monday", fellowship=aa, day=1, types=["O", "X"]
        ),
        "don_na_tue": at(
            DONCASTER,
            name="Doncaster NA",
            fellowship=na,
            day=2,
            start_time=time(10, 0),
            end_time=time(11, 0),
            types=["C", "W"],
        ),
        "mex_aa_mon": at(
            MEXBOROUGH,
            name="Mexborough",
            fellowship=aa,
            day=1,
            start_time=time(12, 30),
            end_time=time(13, 30),
        ),
        "shef_aa_mon": at(
            SHEFFIELD,
            name="Sheffield",
            fellowship=aa,
            day=1,
            start_time=time(21, 0),
            end_time=time(22, 0),
        ),
        "cardiff": at(CARDIFF, name="Cardiff", fellowship=aa, day=1),
        "online": make_meeting(
            name="Online daily",
            venue=None,
            fellowship=aa,
            day=1,
            start_time=time(13, 0),
            end_time=time(14, 0),
            conference_url="https://meet.example.org/x",
        ),
        "closed": at(DONCASTER, name="Closed for repairs", fellowship=aa, day=1, types=["TC"]),
    }


def names(outcome):
    return [r.meeting.name for r in outcome.results]


def run(**kwargs):
    kwargs.setdefault("now", MONDAY_NOON)
    return search_meetings(MeetingQuery(**kwargs))


def test_radius_search_is_nearest_first_and_excludes_far_meetings(region):
    outcome = run(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=15)
    assert names(outcome) == ["Doncaster Monday", "Doncaster NA", "Mexborough"]
    distances = [r.distance_km for r in outcome.results]
    assert distances == sorted(distances)
    expected = distance_km(*DONCASTER, *MEXBOROUGH)
    assert outcome.results[-1].distance_km == pytest.approx(expected)
    assert 10 < expected < 15


def test_temporarily_closed_meetings_are_not_listed_by_default(region):
    outcome = run(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=5)
    assert "Closed for repairs" not in names(outcome)
    inactive = run(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=5, modes=frozenset({"inactive"}))
    assert names(inactive) == ["Closed for repairs"]


def test_nearest_n_widens_until_enough(region):
    outcome = run(lat=DONCASTER[0], lng=DONCASTER[1], limit=4)
    assert names(outcome)[:3] == ["Doncaster Monday", "Doncaster NA", "Mexborough"]
    assert names(outcome)[3] == "Sheffield"
    assert outcome.radius_km is not None and outcome.radius_km >= 20


def test_day_filter(region):
    outcome = run(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=30, days=frozenset({2}))
    assert names(outcome) == ["Doncaster NA"]


def test_fellowship_filter(region):
    outcome = run(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=30, fellowships=frozenset({"na"}))
    assert names(outcome) == ["Doncaster NA"]


def test_type_filter_needs_every_type(region):
    both = run(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=30, types=frozenset({"C", "W"}))
    assert names(both) == ["Doncaster NA"]
    none = run(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=30, types=frozenset({"O", "W"}))
    assert names(none) == []


def test_time_of_day_filter(region):
    morning = run(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=30, time_of_day="morning")
    night = run(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=30, time_of_day="night")
    assert names(morning) == ["Doncaster NA"]
    assert names(night) == ["Sheffield"]


def test_starting_within_hours(region):
    # At Monday noon: Mexborough 12:30 and the online 13:00 are within 2 hours.
    outcome = run(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=30, within_hours=2)
    assert names(outcome) == ["Mexborough"]
    anywhere = run(within_hours=2, modes=frozenset({"online"}))
    assert names(anywhere) == ["Online daily"]


def test_online_mode_ignores_distance(region):
    outcome = run(lat=CARDIFF[0], lng=CARDIFF[1], radius_km=1, modes=frozenset({"online"}))
    assert names(outcome) == ["Online daily"]
    assert outcome.results[0].distance_km is None


def test_sort_by_time(region):
    outcome = run(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=30, sort="time")
    starts = [r.occurrence.start for r in outcome.results]
    assert starts == sorted(starts)
    assert names(outcome)[0] == "Mexborough"


def test_now_and_next_banner(region):
    at_1240 = datetime(2026, 11, 23, 12, 40, tzinfo=UTC)
    outcome = run(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=30, now=at_1240, banners=True)
    assert [r.meeting.name for r in outcome.now_running] == ["Mexborough"]
    assert next(r.meeting.name for r in outcome.starting_next) == "Doncaster Monday"
    # Only the finder page shows them: the API and calendar searches skip that work.
    plain = run(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=30, now=at_1240)
    assert plain.now_running == [] and plain.starting_next == []
    assert names(plain) == names(outcome)


def test_archived_meetings_are_hidden(region):
    region["don_aa_mon"].archived_at = datetime(2026, 11, 1)
    db.session.commit()
    outcome = run(lat=DONCASTER[0], lng=DONCASTER[1], radius_km=5)
    assert "Doncaster Monday" not in names(outcome)


def test_search_across_the_antimeridian(make_meeting):
    make_meeting(name="Fiji east", venue_latitude=-17.8, venue_longitude=179.95)
    make_meeting(name="Fiji west", venue_latitude=-17.8, venue_longitude=-179.95)
    outcome = run(lat=-17.8, lng=179.99, radius_km=20)
    assert sorted(names(outcome)) == ["Fiji east", "Fiji west"]


def test_radius_search_uses_the_spatial_index(app, region):
    """The query plan must use ix_meeting_geo rather than scanning the table."""
    from sqlalchemy.dialects import postgresql, sqlite

    from community_hub.meetings.search import candidate_query

    query = MeetingQuery(lat=DONCASTER[0], lng=DONCASTER[1], now=MONDAY_NOON)
    stmt, params = candidate_query(query, 10)
    stmt = stmt.params(params)
    dialect = db.engine.dialect.name
    compiled = stmt.compile(
        dialect=sqlite.dialect() if dialect == "sqlite" else postgresql.dialect(),
        compile_kwargs={"literal_binds": True},
    )
    if dialect == "sqlite":
        plan = " ".join(str(r) for r in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert "ix_meeting_geo" in plan
    else:
        db.session.execute(text("SET enable_seqscan = off"))  # tiny tables: ask if it *can*
        plan = " ".join(r[0] for r in db.session.execute(text(f"EXPLAIN {compiled}")))
        assert "ix_meeting_geo" in plan


def test_fast_ranking_distance_agrees_with_geopy():
    """Ranking uses a spherical formula; it must stay within SPHERE_ERROR of geopy's geodesic."""
    import random

    from community_hub.geo.spatial import SPHERE_ERROR, Origin

    rng = random.Random(7)
    for _ in range(500):
        lat, lng = rng.uniform(-60, 70), rng.uniform(-180, 180)
        other = (lat + rng.uniform(-1, 1), ((lng + rng.uniform(-1, 1) + 180) % 360) - 180)
        exact = distance_km(lat, lng, *other)
        assert Origin(lat, lng).km_to(*other) == pytest.approx(exact, rel=SPHERE_ERROR, abs=1e-6)


def test_radius_edge_is_decided_by_the_exact_distance(make_meeting):
    """A meeting just inside the radius (geodesic) is found even where the sphere says outside."""
    north = make_meeting(name="Due north", venue_latitude=53.5 + 0.0896, venue_longitude=-1.1)
    exact = distance_km(53.5, -1.1, north.latitude, north.longitude)
    inside = run(lat=53.5, lng=-1.1, radius_km=exact + 0.001)
    outside = run(lat=53.5, lng=-1.1, radius_km=exact - 0.001)
    assert names(inside) == ["Due north"]
    assert names(outside) == []


def test_radius_edge_near_the_equator(make_meeting):
    """Meridian degrees are shortest at the equator: the box must still hold the radius."""
    make_meeting(name="Quito north", venue_latitude=0.0 + 0.0904, venue_longitude=-78.5)
    exact = distance_km(0.0, -78.5, 0.0904, -78.5)
    assert names(run(lat=0.0, lng=-78.5, radius_km=exact + 0.001)) == ["Quito north"]
