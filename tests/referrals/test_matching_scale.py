"""Fast matching (ranking.py) gives what the rules say, peer by peer, and its statement count
does not grow with the number of peers.

The reference (matching_plain.py) is the documented rules written plainly: every peer, one
at a time, with may_accompany and the geodesic distance, ranked by the documented key.
"""

import random
from dataclasses import replace

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite

from community_hub.extensions import db
from community_hub.geo.spatial import distance_km
from community_hub.people.models import PeerSupporter
from community_hub.referrals import best, matching, ranking
from community_hub.referrals.models import Referral
from community_hub.referrals.states import PEER_HOLDS
from community_hub.volunteers.models import Volunteer
from tests.helpers import statements_sent
from tests.referrals.matching_plain import (
    CENTRE,
    LANGUAGES,
    TODAY,
    add_peers,
    origin,
    reference,
)


@pytest.mark.parametrize(
    ("first_read", "whole", "ahead", "sparse", "cap", "code_share"),
    [
        (64, 256, 64, 8, 200, 0.1), (1, 256, 64, 8, 200, 0.1), (3, 0, 1, 8, 200, 1e9),
        (5, 0, 8, 8, 200, 0), (64, 0, 1, 0, 200, 0.1), (2, 0, 1, 1e9, 200, 1e9),
        (2, 0, 1, 1e9, 200, 0), (4, 0, 2, 0, 200, 0.1), (3, 0, 1, 8, 7, 0.1),
        (None, None, None, None, None, None),
    ],
)  # fmt: skip
def test_fast_matching_equals_the_plain_rules(
    make_meeting, make_fellowship, refer, monkeypatch, first_read, whole, ahead, sparse, cap,
    code_share,
):  # fmt: skip
    """The page read in SQL's order (a few rows at a time, down to one, from small circles
    that widen, tiers read from the whole radius on their own (always, with SPARSE huge, or
    never, with 0), through the peers' codes (always, with CODE_SHARE huge, or never, with
    0) or from the box, so that every round and bound is used), counted only up to a small
    cap, and read whole in Python (None)."""
    if first_read is None:
        monkeypatch.setattr(best, "page", lambda *_args: None)
    else:
        monkeypatch.setattr(best, "FIRST_READ", first_read)
        monkeypatch.setattr(best, "WHOLE", whole)
        monkeypatch.setattr(best, "AHEAD", ahead)
        monkeypatch.setattr(best, "SPARSE", sparse)
        monkeypatch.setattr(best, "CAP", cap)
        monkeypatch.setattr(best, "CODE_SHARE", code_share)
    rng = random.Random(7)
    add_peers(rng, 160)
    aa = make_fellowship("aa")
    online = {"venue": None, "conference_url": "https://meet.example.org/x"}
    meetings = [
        make_meeting(fellowship=aa, types=types, venue_latitude=CENTRE[0],
                     venue_longitude=CENTRE[1], **extra)
        for types, extra in (
            (["O"], {}), (["W"], {}), (["M"], {}), (["C"], {}), (["C", "W"], {}),
            (["O"], {"conference_url": "https://meet.example.org/hybrid"}),
        )
    ] + [make_meeting(fellowship=aa, types=["O"], **online)]  # fmt: skip
    referrals = [
        refer(m, preference=rng.choice(["", "", "woman", "Man", "non-binary"]),
              language=rng.choice(LANGUAGES))
        for m in meetings for _ in range(3)
    ]  # fmt: skip
    volunteers = db.session.scalars(select(Volunteer.id)).all()
    for held in referrals[::4]:  # some peers already hold an offer
        held.matched_volunteer_id = rng.choice(volunteers)
        held.status = rng.choice(PEER_HOLDS)
    db.session.commit()
    asked: list[int] = []  # volunteers whose open offers were counted
    counting = ranking.open_offers

    def open_offers(volunteer_ids, referral_id):
        asked.extend(volunteer_ids)
        return counting(volunteer_ids, referral_id)

    monkeypatch.setattr(ranking, "open_offers", open_offers)
    # The stream of peers without a position: read once per read limit, however many rounds.
    by_id_statements: set[int] = set()
    by_id_reads: list[tuple[int, int]] = []
    rounds_reading_it = 0
    making, reading, rounding = best.by_id_rows, best.plain_rows, best._read

    def by_id_rows(shape, placed):
        stmt = making(shape, placed)
        by_id_statements.add(id(stmt))
        return stmt

    def plain_rows(stmt, values=None):
        if id(stmt) in by_id_statements:
            by_id_reads.append((id(stmt), values["read_limit"]))
        return reading(stmt, values)

    def read(*args):
        nonlocal rounds_reading_it
        rounds_reading_it += args[5] is not None  # by_id
        return rounding(*args)

    monkeypatch.setattr(best, "by_id_rows", by_id_rows)
    monkeypatch.setattr(best, "plain_rows", plain_rows)
    monkeypatch.setattr(best, "_read", read)
    reads_saved = capped = 0
    totals = []
    for referral in referrals:
        expected, counts = reference(referral)
        found = matching.match(referral, TODAY, show_all=True)
        assert [c.peer.id for c in found.candidates] == expected
        assert found.total == len(expected) == counts["fellowship"]
        assert found.passed == counts
        asked.clear()
        by_id_reads.clear()
        rounds_reading_it = 0
        page = matching.match(referral, TODAY)
        assert len(asked) == len(set(asked))  # once each, however many rounds the page took
        assert len(by_id_reads) == len(set(by_id_reads))
        reads_saved += rounds_reading_it - len(by_id_reads)
        assert [c.peer.id for c in page.candidates] == expected[: matching.PAGE_SIZE]
        if page.more_than:  # more pass than the cap: the page says so and stops counting
            assert len(expected) > page.total == cap
            capped += 1
        else:
            assert page.total == len(expected)
        holds = [
            r.matched_volunteer_id
            for r in db.session.scalars(select(Referral))
            if r.status in PEER_HOLDS and r.id != referral.id
        ]
        for c in page.candidates:  # what the page shows of each: its open offers, exactly
            assert c.open_offers == holds.count(c.peer.volunteer_id)
            if c.distance_km is not None:
                exact = distance_km(c.peer.latitude, c.peer.longitude, *origin(referral))
                assert c.distance_km == pytest.approx(exact, abs=1e-9)
        totals.append(len(expected))
    assert max(totals) > matching.PAGE_SIZE and 0 in totals  # pages cut, and empty results
    if (first_read, whole, ahead, sparse) == (64, 0, 1, 0):  # the circle only widens
        assert reads_saved > 0  # and the reads of the peers with no position stay whole
    assert bool(capped) == (cap == 7)  # the small cap was reached, the usual one never


def test_statements_do_not_grow_with_peers(make_meeting, make_fellowship, refer):
    rng = random.Random(3)
    aa = make_fellowship("aa")
    in_person = make_meeting(fellowship=aa, venue_latitude=CENTRE[0], venue_longitude=CENTRE[1])
    online = make_meeting(fellowship=aa, venue=None, conference_url="https://meet.example.org/y")
    referrals = [refer(in_person), refer(online)]
    db.session.commit()
    counted = []
    for size in (20, 120):
        add_peers(rng, size - sum(1 for _ in db.session.scalars(select(PeerSupporter.id))), size)
        db.session.commit()
        for referral in referrals:
            db.session.expire_all()
            with statements_sent() as statements:
                found = matching.match(referral, TODAY)
                assert found.candidates
            counted.append(len(statements))
    assert counted[:2] == counted[2:]


@pytest.mark.parametrize(
    "origin", [(78.22, 15.65), (-17.8, 179.99)], ids=["svalbard", "fiji-antimeridian"]
)
def test_the_sql_page_declines_where_the_flat_distance_cannot_serve(app, origin):
    """Near the poles and across the 180th meridian matching reads everyone instead."""
    rules = matching.ranking.Rules(
        gender="", preference="", closed_slug="", fellowship_slug="aa", language="en",
        origin=origin, radius_km=20.0, referral_id=0,
    )  # fmt: skip
    assert best.page(rules, TODAY, matching.PAGE_SIZE) is None
    near = replace(rules, origin=CENTRE)
    assert best.page(near, TODAY, matching.PAGE_SIZE) == best.Page([], 0)  # nobody listed yet


def test_the_counts_when_nobody_can_go_read_the_narrow_index_in_order(app):
    """ix_peer_supporter_listed_gender serves the per-rule counts with no sort of every peer
    (PostgreSQL is told not to scan the table, as it would on so few rows)."""
    stmt = matching.rule_groups(TODAY)
    if db.engine.dialect.name == "sqlite":
        compiled = stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
        plan = " ".join(
            str(r[-1]) for r in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        )
        assert "COVERING INDEX ix_peer_supporter_listed_gender" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    else:
        compiled = stmt.compile(
            dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
        )
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(r[0] for r in db.session.execute(text(f"EXPLAIN {compiled}")))
        assert "ix_peer_supporter_listed_gender" in plan, plan
        assert "Sort" not in plan, plan
