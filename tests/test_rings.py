"""The rings a nearest-first search reads (geo/nearby.py in_rings): whatever the density, the
page is the page a read of the whole radius gives, and a crowd is not read whole."""

import itertools
import random

import pytest

from community_hub.geo.nearby import FIRST_RING, RING_GROWTH, in_rings, next_ring

RADIUS = 16.0


def search(distances, limit):
    """in_rings over listings at these distances, and the rings it read."""
    read_rings = []

    def read(ring):
        read_rings.append(ring)
        return [(km, n) for n, km in enumerate(distances) if km <= ring]

    return sorted(in_rings(RADIUS, limit, read))[:limit], read_rings


@pytest.mark.parametrize("seed", range(40))
def test_the_page_is_what_the_whole_radius_gives(seed):
    rng = random.Random(seed)
    # A crowd round a point somewhere in the radius, over a thin scatter, or nobody at all.
    crowd_at, crowd = rng.uniform(0, RADIUS), rng.choice([0, 5, 50, 500, 3000])
    distances = [abs(rng.gauss(crowd_at, rng.uniform(0.05, 2))) for _ in range(crowd)]
    distances += [rng.uniform(0, RADIUS * 1.2) for _ in range(rng.randint(0, 60))]
    limit = rng.choice([1, 3, 10, 20])
    page, rings = search(distances, limit)
    everyone = sorted((km, n) for n, km in enumerate(distances) if km <= RADIUS)
    assert page == everyone[:limit]
    assert rings[0] == pytest.approx(RADIUS * FIRST_RING)
    assert all(a < b for a, b in itertools.pairwise(rings)) and rings[-1] <= RADIUS


def test_a_crowd_past_the_first_ring_is_not_read_whole():
    rng = random.Random(3)
    # Six within the first ring, then a town of thousands from 1 to 3 km.
    distances = [rng.uniform(0, 0.35) for _ in range(6)] + [
        rng.uniform(1.0, 3.0) for _ in range(3000)
    ]
    page, rings = search(distances, 10)
    assert len(page) == 10
    assert rings[-1] < 2.0  # the next ring was sized for about two pages, not for the town
    assert next_ring(0.4, 6, 10, RADIUS) == pytest.approx(0.4 * (20 / 6) ** 0.5)


def test_an_empty_ring_grows_by_the_most_and_the_last_ring_is_the_radius():
    least, most = RING_GROWTH
    assert next_ring(1.0, 0, 10, RADIUS) == most
    assert next_ring(1.0, 1000, 10, RADIUS) == least  # full but not settled: a little wider
    assert next_ring(RADIUS / 2, 0, 10, RADIUS) == RADIUS
    _page, rings = search([], 10)
    assert rings[-1] == RADIUS


def test_a_search_told_to_start_at_the_whole_radius_reads_once():
    rng = random.Random(5)
    distances = [rng.uniform(0, RADIUS * 1.2) for _ in range(30)]
    read_rings = []

    def read(ring):
        read_rings.append(ring)
        return [(km, n) for n, km in enumerate(distances) if km <= ring]

    page = sorted(in_rings(RADIUS, 10, read, first=1.0))[:10]
    assert read_rings == [RADIUS]
    assert page == sorted((km, n) for n, km in enumerate(distances) if km <= RADIUS)[:10]


@pytest.mark.parametrize("radius", [5e-324, 1e-310, 1e-9])
def test_a_radius_too_small_to_divide_still_ends(radius):
    """A ring a fraction of so small a radius underflows to 0: the search reads the radius."""
    read_rings = []

    def read(ring):
        read_rings.append(ring)
        return []

    assert in_rings(radius, 10, read) == []
    assert read_rings[-1] == radius and len(read_rings) <= 5
