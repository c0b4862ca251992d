"""The JSON API counts matches up to COUNT_UP_TO: where more are surely within the radius, its
total says "more than" that many (`total_exact` false), and the page is still the exact
ranking's (meetings/nearest.py)."""

from __future__ import annotations

import random
from datetime import time

import pytest
from sqlalchemy import insert, select

from community_hub.extensions import db
from community_hub.geo.spatial import lat_band
from community_hub.meetings.models import Meeting
from community_hub.meetings.params import COUNT_UP_TO
from community_hub.meetings.search import MeetingQuery, rank_meetings
from tests.test_search import DONCASTER, MEXBOROUGH

CROWD = COUNT_UP_TO + 200


@pytest.fixture
def crowd(make_org, make_fellowship, make_meeting):
    """CROWD meetings within about 2 km of central Doncaster, and one alone in Mexborough."""
    rng = random.Random(5)
    org = make_org()
    aa = make_fellowship("aa")
    rows = []
    for i in range(CROWD):
        lat = DONCASTER[0] + rng.uniform(-0.015, 0.015)
        lng = DONCASTER[1] + rng.uniform(-0.02, 0.02)
        rows.append(
            {
                "slug": f"crowd-{i}", "name": f"Crowd {i}", "organisation_id": org.id,
                "fellowship_id": aa.id, "day": rng.randrange(7),
                "start_time": time(rng.choice((10, 19)), 30), "end_time": time(21, 0),
                "timezone": "Europe/London", "types": ",O,", "attendance": "in_person",
                "latitude": lat, "longitude": lng, "lat_band": lat_band(lat),
            }
        )  # fmt: skip
    db.session.execute(insert(Meeting), rows)
    make_meeting(name="Alone", venue_latitude=MEXBOROUGH[0], venue_longitude=MEXBOROUGH[1])
    db.session.commit()


def test_a_dense_search_says_more_than_the_cap_and_shows_the_nearest(app, client, crowd):
    lat, lng = DONCASTER
    body = client.get(f"/api/v1/meetings?lat={lat}&lng={lng}&radius_km=10").get_json()
    assert body["total"] == COUNT_UP_TO
    assert body["total_exact"] is False
    assert body["count"] == 20 and body["next"] is not None  # more pages to follow
    # The same search counted in full (no cap): every meeting, and the same first page.
    full = rank_meetings(MeetingQuery(lat=lat, lng=lng, radius_km=10.0))
    assert (full.total, full.exact) == (CROWD, True)
    slugs = {i: s for i, s in db.session.execute(select(Meeting.id, Meeting.slug))}
    assert [m["slug"] for m in body["meetings"]] == [slugs[r[2]] for r in full.ranked[:20]]
    distances = [m["distance_km"] for m in body["meetings"]]
    assert distances == sorted(distances)


def test_a_page_past_the_cap_is_counted_in_full(client, crowd):
    """From the page that reaches the cap on, the search counts every match again."""
    lat, lng = DONCASTER
    base = f"/api/v1/meetings?lat={lat}&lng={lng}&radius_km=10&limit=50"
    assert client.get(base + "&page=2").get_json()["total_exact"] is False  # 100 < 400
    last = client.get(base + f"&page={COUNT_UP_TO // 50}").get_json()  # reaches 400
    assert (last["total"], last["total_exact"]) == (CROWD, True)


def test_a_sparse_search_is_counted_exactly(client, crowd):
    lat, lng = MEXBOROUGH
    body = client.get(f"/api/v1/meetings?lat={lat}&lng={lng}&radius_km=2").get_json()
    assert (body["total"], body["total_exact"]) == (1, True)
    assert [m["name"] for m in body["meetings"]] == ["Alone"]
