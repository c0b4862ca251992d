"""Open Referral UK `postcode` and `proximity`: nearest first, exactly the services within the
distance (the geodesic at the edge), for services and their places, on both databases."""

from __future__ import annotations

import itertools
import math
import random
from datetime import datetime
from typing import Any

import pytest
from flask_migrate import upgrade
from geographiclib.geodesic import Geodesic
from sqlalchemy import Boolean, DateTime, Integer, MetaData, String, Text, insert, select

from community_hub.extensions import db
from community_hub.geo.geocode import geocode
from community_hub.geo.spatial import MAX_RADIUS_KM, SPHERE_ERROR, Origin, distance_km
from community_hub.interop.hsds import stable_id
from community_hub.interop.hsds_query import (
    FLAT_ERROR,
    KM_PER_DEGREE,
    Near,
    _flat_distance,
    _origin,
)
from community_hub.meetings.models import Meeting
from community_hub.resources.models import Service
from tests.conftest import make_app
from tests.oruk_helpers import all_items, get
from tests.test_migrations import empty_database_url  # noqa: F401 - a fixture

# Ranking is by the flat estimate of the spherical distance (geo/spatial.py ranks by the
# sphere too): two services may swap only when their true distances are this close.
RANK_TOLERANCE = 2 * (SPHERE_ERROR + FLAT_ERROR)


@pytest.fixture
def points(demo_region, client) -> dict[str, tuple[float, float]]:
    """Where each service is, as its places say (a physical place with a position)."""
    found = {}
    for place in all_items(client, "/service_at_locations"):
        location = place["location"]
        if location["location_type"] == "physical" and "latitude" in location:
            found[place["service_id"]] = (location["latitude"], location["longitude"])
    return found


def check_nearest_first(items: list[dict[str, Any]], distances: dict[str, float]) -> None:
    shown = [distances[item["id"]] for item in items]
    for nearer, further in itertools.pairwise(shown):
        assert nearer <= further * (1 + RANK_TOLERANCE), (nearer, further)


def test_exactly_the_services_within_the_distance_nearest_first(points, client):
    for place in ("DN1", "HX1 1AA", "Cardiff", "BB11", "53.79,-1.75"):
        origin = geocode(place)
        assert origin is not None
        distances = {
            i: distance_km(origin.latitude, origin.longitude, *p) for i, p in points.items()
        }
        for metres in (1000, 5000, 16093, 80000):
            expected = {i for i, km in distances.items() if km <= metres / 1000}
            items = all_items(client, "/services", postcode=place, proximity=metres)
            assert {item["id"] for item in items} == expected, (place, metres)
            check_nearest_first(items, distances)
            places = all_items(client, "/service_at_locations", postcode=place, proximity=metres)
            assert {p["service_id"] for p in places} == expected
            assert all(p["location"]["location_type"] == "physical" for p in places)


def test_without_proximity_everything_with_a_place_nearest_first(points, client):
    origin = geocode("DN1")
    assert origin is not None
    distances = {i: distance_km(origin.latitude, origin.longitude, *p) for i, p in points.items()}
    assert max(distances.values()) < MAX_RADIUS_KM
    items = all_items(client, "/services", postcode="DN1")
    assert {item["id"] for item in items} == set(points)  # never an online-only service
    check_nearest_first(items, distances)
    assert len(points) < len(all_items(client, "/services"))


def test_pages_near_a_place_split_one_ordering(points, client):
    whole = [i["id"] for i in all_items(client, "/services", postcode="HX1", proximity=30000)]
    first = get(client, "/services", postcode="HX1", proximity=30000, per_page=4)
    assert first["total_items"] == len(whole) > 8
    paged = []
    for number in range(1, first["total_pages"] + 1):
        page = get(client, "/services", postcode="HX1", proximity=30000, per_page=4, page=number)
        paged += [item["id"] for item in page["contents"]]
    assert paged == whole


def test_filters_apply_near_a_place_too(points, client):
    na = stable_id("term", "fellowships", "na")
    near = {i["id"] for i in all_items(client, "/services", postcode="DN1", proximity=50000)}
    na_anywhere = {i["id"] for i in all_items(client, "/services", taxonomy_term_id=na)}
    both = all_items(client, "/services", postcode="DN1", proximity=50000, taxonomy_term_id=na)
    assert {i["id"] for i in both} == near & na_anywhere != set()


def test_the_edge_is_settled_by_the_geodesic(app, client, make_meeting):
    """Meetings just inside and just outside 1 km, all round: only the inside ones."""
    lat, lng = 53.5228, -1.1285
    inside, outside = set(), set()
    for bearing in range(0, 360, 30):
        for fraction in (0.5, 0.97, 0.9995, 0.99999, 1.00001, 1.0005, 1.03):
            end = Geodesic.WGS84.Direct(lat, lng, bearing, 1000 * fraction)
            meeting = make_meeting(venue_latitude=end["lat2"], venue_longitude=end["lon2"])
            (inside if fraction <= 1 else outside).add(stable_id("meeting", meeting.slug))
    items = all_items(client, "/services", postcode=f"{lat},{lng}", proximity=1000)
    assert {item["id"] for item in items} == inside


def test_across_the_180th_meridian(app, client, make_meeting):
    east = make_meeting(venue_latitude=-16.5, venue_longitude=179.99, timezone="Pacific/Fiji")
    west = make_meeting(venue_latitude=-16.5, venue_longitude=-179.99, timezone="Pacific/Fiji")
    far = make_meeting(venue_latitude=-16.5, venue_longitude=179.0, timezone="Pacific/Fiji")
    wanted = [stable_id("meeting", m.slug) for m in (west, east, far)]
    items = all_items(client, "/services", postcode="-16.5,-179.995", proximity=5000)
    assert [item["id"] for item in items] == wanted[:2]


def test_the_flat_distance_in_sql_stays_within_its_bound(app, make_meeting):
    """The SQL estimate against the sphere, up to 500 km and latitude 75, on this database."""
    rng = random.Random(7)
    for _ in range(12):
        lat0, lng0 = rng.uniform(-75, 75), rng.uniform(-170, 170)
        near = Near(lat0, lng0, MAX_RADIUS_KM)
        for _ in range(10):
            km, bearing = rng.uniform(0.05, MAX_RADIUS_KM), rng.uniform(0, 360)
            end = Geodesic.WGS84.Direct(lat0, lng0, bearing, km * 1000)
            make_meeting(venue_latitude=end["lat2"], venue_longitude=end["lon2"])
        flat = _flat_distance(Meeting, False)
        rows = db.session.execute(
            select(Meeting.latitude, Meeting.longitude, flat).params(_origin(near))
        ).all()
        sphere = Origin(lat0, lng0)
        for lat, lng, squared in rows:
            true_km = sphere.km_to(lat, lng)
            if 0.05 < true_km <= MAX_RADIUS_KM:
                estimate = math.sqrt(squared) * KM_PER_DEGREE
                assert abs(estimate - true_km) <= FLAT_ERROR * true_km, (lat0, lat, lng)
        db.session.query(Meeting).delete()
        db.session.commit()


def test_the_migration_places_the_resources_already_there(empty_database_url):  # noqa: F811
    """Upgrading a directory with resources gives each service its place's position."""

    def row(table: Any, **given: Any) -> dict[str, Any]:
        """The given values, and a plain value for every other column that needs one."""
        plain = {String: "", Text: "", Boolean: False, Integer: 0, DateTime: datetime(2026, 1, 1)}
        for column in table.columns:
            if column.name not in given and not column.nullable:
                given[column.name] = next(v for t, v in plain.items() if isinstance(column.type, t))
        return given

    app = make_app(empty_database_url)
    with app.app_context():
        upgrade(revision="6542cca1cbc1")  # the schema before Open Referral UK
        tables = MetaData()
        tables.reflect(db.engine)
        with db.engine.begin() as conn:
            org = tables.tables["organisation"]
            conn.execute(insert(org), row(org, id=1, name="Org", slug="org"))
            for n, (lat, lng) in enumerate([(53.52, -1.13), (51.48, -3.18)]):
                for name, values in (
                    ("service", {"id": f"s{n}", "slug": f"s{n}", "organisation_id": 1}),
                    ("location", {"id": f"l{n}", "organisation_id": 1, "latitude": lat,
                                  "longitude": lng, "lat_band": math.floor(lat * 10)}),
                    ("service_at_location", {"id": f"a{n}", "service_id": f"s{n}",
                                             "location_id": f"l{n}"}),
                ):  # fmt: skip
                    conn.execute(insert(tables.tables[name]), row(tables.tables[name], **values))
        upgrade()
        with db.engine.connect() as conn:
            placed = conn.execute(
                select(Service.id, Service.latitude, Service.longitude, Service.lat_band).order_by(
                    Service.id
                )
            ).all()
        db.engine.dispose()
    assert [tuple(r) for r in placed] == [("s0", 53.52, -1.13, 535), ("s1", 51.48, -3.18, 514)]
