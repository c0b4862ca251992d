"""A dense search ranks only the page it shows (meetings/nearest.py), and gives exactly what
ranking every candidate gives: the same meetings in the same order, and the same total."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import UTC, datetime, time

import pytest
from geopy.distance import geodesic
from sqlalchemy import insert

from community_hub.extensions import db
from community_hub.geo import flat
from community_hub.geo.spatial import EARTH_RADIUS_KM, Origin, lat_band
from community_hub.meetings import nearest
from community_hub.meetings.models import Meeting
from community_hub.meetings.search import MeetingQuery, rank_meetings, search_meetings

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def destination(lat: float, lng: float, bearing: float, km: float) -> tuple[float, float]:
    """The point `km` along the ellipsoid from (lat, lng) on `bearing` (geopy)."""
    point = geodesic(kilometers=km).destination((lat, lng), bearing)
    return point.latitude, point.longitude


CENTRES = [(51.5074, -0.1278), (53.5228, -1.1285), (-33.87, 151.21), (64.1466, -21.9426)]


@pytest.fixture
def dense(make_org, make_fellowship):
    """6,000 meetings crowded round four cities: many share a venue (the same position and
    often the same time), and a ring sits exactly on the 5 and 10 km edges."""
    rng = random.Random(11)
    org = make_org()
    ids = [make_fellowship(slug).id for slug in ("aa", "na")]
    rows = []
    venues: list[tuple[float, float]] = []
    for i in range(6000):
        lat0, lng0 = rng.choice(CENTRES)
        if venues and rng.random() < 0.4:
            lat, lng = rng.choice(venues)  # another meeting at a venue already used
        elif rng.random() < 0.1:  # on (or a hair either side of) a search's edge
            km = rng.choice((5.0, 10.0)) * (1 + rng.choice((-1e-9, 0.0, 1e-9, 0.004, -0.004)))
            lat, lng = destination(lat0, lng0, rng.uniform(0, 360), km)
        else:
            lat = lat0 + rng.gauss(0, 0.08)
            lng = lng0 + rng.gauss(0, 0.12)
        venues.append((lat, lng))
        hour = rng.choice((7, 12, 19, 19, 20))
        rows.append(
            {
                "slug": f"dense-{i}", "name": f"Meeting {i}", "organisation_id": org.id,
                "fellowship_id": rng.choice(ids), "day": rng.randrange(7),
                "start_time": time(hour, rng.choice((0, 30))), "end_time": time(hour + 1, 30),
                "timezone": "Europe/London", "types": ",O,", "attendance": "in_person",
                "latitude": lat, "longitude": lng, "lat_band": lat_band(lat),
            }
        )  # fmt: skip
    db.session.execute(insert(Meeting), rows)
    db.session.commit()


def _queries() -> list[MeetingQuery]:
    rng = random.Random(12)
    queries = []
    for _ in range(60):
        lat0, lng0 = rng.choice(CENTRES)
        lat, lng = lat0 + rng.gauss(0, 0.03), lng0 + rng.gauss(0, 0.05)
        queries.append(
            MeetingQuery(
                lat=lat, lng=lng, now=NOW,
                radius_km=rng.choice((None, 1.0, 5.0, 10.0, 25.0)),
                days=frozenset(rng.sample(range(7), rng.choice((0, 1, 1, 2)))),
                fellowships=frozenset({"aa"}) if rng.random() < 0.5 else frozenset(),
                limit=rng.choice((1, 5, 20, 100)),
                offset=rng.choice((0, 0, 20)),
            )
        )  # fmt: skip
    # Searched from exactly a crowded venue's position, and exactly on an edge's centre.
    queries.append(MeetingQuery(lat=CENTRES[0][0], lng=CENTRES[0][1], radius_km=10.0, now=NOW))
    queries.append(MeetingQuery(lat=CENTRES[1][0], lng=CENTRES[1][1], radius_km=5.0, now=NOW))
    return queries


@pytest.mark.parametrize("way", ["as set", "dense", "dense, tight reads", "dense, ties"])
def test_the_page_and_total_are_those_of_ranking_everything(app, dense, monkeypatch, way):
    """Sparse, medium and dense searches, and with few rows read nearest first the database
    counts the rest, or every position is read when the first rows cannot settle the page:
    every way gives the answer of ranking everything."""
    if way != "as set":  # these 6,000 meetings are dense only with the thresholds lowered
        monkeypatch.setattr(nearest, "SPARSE", 4)
        monkeypatch.setattr(nearest, "MEDIUM", 8)
    extra = {"dense, tight reads": 3, "dense, ties": 0}.get(way)
    if extra is not None:
        monkeypatch.setattr(nearest, "closest_limit", lambda wanted: wanted + extra)
    ways = {"nearest": 0, "_classify": 0, "_total": 0, "_page": 0, "_everything": 0}
    for name in ways:
        monkeypatch.setattr(nearest, name, counted(getattr(nearest, name), ways, name))
    fast_used = 0
    for query in _queries():
        assert nearest.applies(query, query.radius_km or 5.0, False) or abs(query.lat) > 60
        fast = rank_meetings(query)
        # A banner needs every match ranked, so the same search with one takes the full way.
        full = rank_meetings(replace(query, banners=True))
        wanted = query.offset + query.limit
        assert fast.total == full.total == len(full.ranked), query
        assert fast.ranked[:wanted] == full.ranked[:wanted], query  # all a page can show
        assert (fast.radius_km, fast.capped) == (full.radius_km, full.capped)
        fast_used += len(fast.ranked) < len(full.ranked)
        db.session.remove()
    assert fast_used > 20  # most of these searches really did skip most of the ranking
    if way == "as set":  # a few hundred candidates at most: settled from their positions
        assert ways["nearest"] > ways["_classify"] > 20, ways
    elif way == "dense":  # counted in the database, the page settled by the nearest rows
        assert ways["_total"] > 20 and ways["_everything"] == 0, ways
    elif way == "dense, tight reads":  # a circle too small for the page widens
        assert ways["_page"] > ways["_total"] > 20, ways
    else:  # the page's last row is read last: whatever follows could tie with it
        assert ways["_everything"] > 5, ways


@pytest.mark.parametrize("lowered", [False, True])
def test_a_search_that_shows_no_total_shows_the_same_page(app, dense, monkeypatch, lowered):
    """The nearby lists (counted=False) skip the count and go straight to the page."""
    if lowered:
        monkeypatch.setattr(nearest, "SPARSE", 4)
        monkeypatch.setattr(nearest, "MEDIUM", 8)
    ways = {"_page_rows": 0, "_total": 0}
    for name in ways:
        monkeypatch.setattr(nearest, name, counted(getattr(nearest, name), ways, name))
    for query in _queries():
        if query.radius_km is None:  # the nearest N widen by the count: always counted
            continue
        full = rank_meetings(replace(query, banners=True))
        ways["_total"] = 0
        quick = rank_meetings(replace(query, counted=False))
        assert ways["_total"] == 0, query
        wanted = query.offset + query.limit
        assert quick.ranked[:wanted] == full.ranked[:wanted], query
        db.session.remove()
    assert ways["_page_rows"] > 10, ways


def _capped(monkeypatch, medium: int, cap: int, ways: dict[str, int]) -> tuple[int, int]:
    """Every query with count_up_to=cap against the full ranking, with the functions named in
    `ways` counted: the same page; the exact total where it says so, else the cap as a lower
    bound of more (and, where `_total` is counted, not counted in full). (exact, lower bounds)"""
    monkeypatch.setattr(nearest, "SPARSE", 4)
    monkeypatch.setattr(nearest, "MEDIUM", medium)
    for name in ways:
        monkeypatch.setattr(nearest, name, counted(getattr(nearest, name), ways, name))
    exact = lower_bounds = 0
    for query in _queries():
        full = rank_meetings(replace(query, banners=True))
        if "_total" in ways:
            ways["_total"] = 0
        fast = rank_meetings(replace(query, count_up_to=cap))
        wanted = query.offset + query.limit
        assert fast.ranked[:wanted] == full.ranked[:wanted], query
        if fast.exact:
            assert fast.total == full.total, query
            exact += 1
        else:
            assert wanted < cap < full.total and fast.total == cap, query
            assert ways.get("_total", 0) == 0, query  # not counted
            lower_bounds += 1
        db.session.remove()
    return exact, lower_bounds


def test_a_count_up_to_a_cap_says_more_than_it_and_shows_the_same_page(app, dense, monkeypatch):
    """With count_up_to (the JSON API's), a dense search where more than that many are surely
    inside gives that number as a lower bound, uncounted; the page is the full ranking's, and
    wherever the cap does not apply the total is exact."""
    ways = {"_total": 0, "_surely_up_to": 0}
    exact, lower_bounds = _capped(monkeypatch, medium=8, cap=6, ways=ways)
    assert lower_bounds > 5 and exact > 20, (lower_bounds, exact)
    assert ways["_surely_up_to"] >= lower_bounds, ways  # counted one past the cap at most


def test_a_capped_search_of_a_few_hundred_does_not_count_the_whole_radius(app, dense, monkeypatch):
    """With count_up_to, where the middle of the radius is not crowded the candidates'
    positions are read at once, as for any search of a few hundred: the whole radius is not
    counted first (a statement that only told what the positions tell). The total is exact up
    to the cap and the cap, as a lower bound, past it; the page is the full ranking's."""
    ways = {"_in_middle": 0, "_surely_more": 0}
    # MEDIUM so high that every search here holds "a few hundred".
    exact, lower_bounds = _capped(monkeypatch, medium=100_000, cap=50, ways=ways)
    assert ways["_in_middle"] > 10 and ways["_surely_more"] == 0, ways
    assert exact > 5 and lower_bounds > 5, (exact, lower_bounds)


def counted(function, ways, name):
    def wrapper(*args, **kwargs):
        ways[name] += 1
        return function(*args, **kwargs)

    return wrapper


def test_search_pages_are_unchanged(app, dense):
    for query in _queries()[:15]:
        page = search_meetings(query)
        full = search_meetings(replace(query, banners=True))
        assert [r.meeting.id for r in page.results] == [r.meeting.id for r in full.results]
        assert [r.distance_km for r in page.results] == [r.distance_km for r in full.results]
        assert page.total_within == full.total_within
        db.session.remove()


def test_what_takes_the_full_way():
    base = MeetingQuery(lat=51.5, lng=-0.1, radius_km=10.0, now=NOW)
    assert nearest.applies(base, 10.0, False)
    assert not nearest.applies(replace(base, sort="time"), 10.0, False)
    assert not nearest.applies(replace(base, within_hours=3), 10.0, False)
    assert not nearest.applies(replace(base, banners=True), 10.0, False)
    assert not nearest.applies(base, 10.0, True)  # across the 180th meridian
    assert not nearest.applies(base, 320.0, False)  # too wide for the flat distance
    assert not nearest.applies(replace(base, lat=78.2, lng=15.6), 10.0, False)  # Svalbard


@pytest.mark.parametrize("lat", [0.0, 35.0, 51.5, 60.0, -45.0, 70.0])
@pytest.mark.parametrize("radius_km", [1.0, 10.0, 50.0, 100.0])
def test_the_flat_distance_stays_within_its_margin(lat, radius_km):
    margin = flat.flat_margin(lat, radius_km)
    if margin is None:
        return
    rng = random.Random(int(lat * 100 + radius_km))
    origin = Origin(lat, 20.0)
    ky = flat.KM_PER_DEGREE
    kx = ky * math.cos(math.radians(lat))
    worst = 0.0
    for _ in range(4000):
        bearing, km = rng.uniform(0, 360), radius_km * math.sqrt(rng.random()) * 1.02
        p_lat, p_lng = destination(lat, 20.0, bearing, km)
        sphere = origin.km_to(p_lat, p_lng)
        if sphere < 1e-6:
            continue
        flat_km = math.hypot((p_lat - lat) * ky, (p_lng - 20.0) * kx)
        worst = max(worst, abs(flat_km - sphere) / sphere)
    assert worst <= margin, (worst, margin)
    assert margin < 0.05 and EARTH_RADIUS_KM > 6000


@pytest.mark.parametrize("counted_", [True, False])
def test_the_smallest_radius_finds_the_meetings_at_the_spot(
    app, make_org, make_fellowship, counted_
):
    """70 meetings at one spot, the nearest searched from it within 5e-324 km (the smallest
    radius there is; its circles underflow to 0): the meetings at the very spot are found."""
    org, aa = make_org(), make_fellowship("aa")
    lat, lng = CENTRES[1]
    rows = [
        {"slug": f"spot-{i}", "name": f"Spot {i}", "organisation_id": org.id,
         "fellowship_id": aa.id, "day": 1, "start_time": time(19, 0), "end_time": time(20, 0),
         "timezone": "Europe/London", "types": ",O,", "attendance": "in_person",
         "latitude": lat, "longitude": lng, "lat_band": lat_band(lat)}
        for i in range(70)
    ]  # fmt: skip
    db.session.execute(insert(Meeting), rows)
    db.session.commit()
    query = MeetingQuery(lat=lat, lng=lng, radius_km=5e-324, limit=1, now=NOW, counted=counted_)
    found = rank_meetings(query)
    assert len(found.ranked[: query.limit]) == query.limit
    assert all(km == 0.0 for km, _occurrence, _id in found.ranked)
