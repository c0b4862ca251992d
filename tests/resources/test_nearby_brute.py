"""What /api/v1/nearby finds (directory/services.py search_nearby) is what a plain filter
finds: every public peer and resource within the radius by the geodesic, nearest first."""

import itertools
import math
import random
from datetime import UTC, datetime

from sqlalchemy import select

from community_hub.directory.services import search_nearby
from community_hub.extensions import db
from community_hub.geo.spatial import EARTH_RADIUS_KM, SPHERE_ERROR, distance_km
from community_hub.people.models import PeerSupporter
from community_hub.resources.models import Service

CENTRE = (53.5228, -1.1285)
RADIUS = 16.0


def point(rng, km=None):
    if km is None:
        km = rng.choice([rng.uniform(0, 30), RADIUS + rng.uniform(-0.15, 0.15)])
    bearing = rng.uniform(0, 2 * math.pi)
    lat = CENTRE[0] + math.degrees(km * math.cos(bearing) / EARTH_RADIUS_KM)
    scale = EARTH_RADIUS_KM * math.cos(math.radians(CENTRE[0]))
    return round(lat, 6), round(CENTRE[1] + math.degrees(km * math.sin(bearing) / scale), 6)


def test_nearby_equals_a_plain_filter(make_resource, make_org):
    rng = random.Random(16)
    org = make_org()
    now = datetime.now(UTC).replace(tzinfo=None)
    for n in range(80):
        peer = PeerSupporter(
            organisation_id=org.id, slug=f"near-{n}", display_name=f"P{n}", area="Doncaster",
            consent_at=None if rng.random() < 0.15 else now,
            hidden_at=now if rng.random() < 0.1 else None,
            archived_at=now if rng.random() < 0.1 else None,
        )  # fmt: skip
        # A crowd near the centre, so that searches for a few stop at a small ring.
        km = rng.uniform(0, 0.4) if n < 6 else rng.uniform(0.6, 1.3) if n < 26 else None
        peer.place_at(*point(rng, km))
        db.session.add(peer)
    for n in range(60):
        lat, lng = point(rng)
        make_resource(
            name=f"Café {n}", latitude=lat, longitude=lng,
            archived_at=now if rng.random() < 0.15 else None,
        )  # fmt: skip
    db.session.commit()

    def within(lat, lng):
        km = distance_km(*CENTRE, lat, lng)
        return km if km <= RADIUS else None

    peers = {
        p.id: within(p.latitude, p.longitude)
        for p in db.session.scalars(select(PeerSupporter))
        if p.is_listed
    }
    resources = {}
    for service in db.session.scalars(select(Service)):
        place = service.location
        if service.is_public and place is not None:
            resources[service.id] = within(place.latitude, place.longitude)
    found = search_nearby(*CENTRE, RADIUS, frozenset({"peers", "resources"}), limit=1000)
    assert {p.id: km for km, p in found.peers} == {k: v for k, v in peers.items() if v is not None}
    assert {s.id: km for km, s, _place in found.resources} == {
        k: v for k, v in resources.items() if v is not None
    }
    for listed in (found.peers, found.resources):
        distances = [item[0] for item in listed]
        # Ranked by the spherical distance: in geodesic order up to that formula's error.
        assert all(a <= b * (1 + 2 * SPHERE_ERROR) for a, b in itertools.pairwise(distances))
    assert 10 < len(found.peers) < len(peers) and 10 < len(found.resources) < len(resources)
    # The first ten are the ten nearest (up to the same error at the tenth).
    for few in (3, 10, 30):  # in the first ring, in a wider one, in the whole radius
        some = search_nearby(*CENTRE, RADIUS, frozenset({"peers"}), limit=few)
        assert [p.id for _km, p in some.peers] == [p.id for _km, p in found.peers[:few]]
    three = search_nearby(*CENTRE, RADIUS, frozenset({"resources"}), limit=3)
    assert [s.id for _km, s, _p in three.resources] == [s.id for _km, s, _p in found.resources[:3]]
