"""Bulk clearance (volunteers/clearance.py) agrees with may_accompany, volunteer by volunteer."""

import random
from datetime import date, timedelta

from community_hub.extensions import db
from community_hub.volunteers.clearance import cleared_ids
from community_hub.volunteers.requirements import may_accompany
from tests.helpers import statements_sent
from tests.volunteers import random_records

TODAY = date(2026, 11, 23)


def test_bulk_clearance_agrees_with_may_accompany(app):
    rng = random.Random(22)
    people = []
    for index in range(6):
        org, hosts = random_records.programme(rng, index)
        people += [
            random_records.volunteer(rng, org, hosts, TODAY, f"V{index}-{n}") for n in range(40)
        ]
    db.session.commit()
    ids = [p.id for p in people]
    seen = set()
    for day in (TODAY - timedelta(days=30), TODAY, TODAY + timedelta(days=9), date(2028, 1, 1)):
        expected = {p.id for p in people if may_accompany(p, day).cleared}
        assert cleared_ids(ids, day) == expected, day
        seen.add(len(expected))
    # The generated cases are mixed: some cleared, some not, on every day tried.
    assert all(0 < n < len(people) for n in seen)


def test_one_query_however_many(app):
    rng = random.Random(5)
    org, hosts = random_records.programme(rng, 0)
    people = [random_records.volunteer(rng, org, hosts, TODAY, f"V{n}") for n in range(30)]
    db.session.commit()
    ids = [p.id for p in people]
    with statements_sent() as statements:
        cleared_ids(ids[:3], TODAY)
        few = len(statements)
        statements.clear()
        cleared_ids(ids, TODAY)
    assert few == len(statements) == 1
    assert cleared_ids([], TODAY) == set()
