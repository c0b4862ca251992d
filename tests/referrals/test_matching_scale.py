"""Fast matching (ranking.py) gives what the rules say, peer by peer, and its statement count
does not grow with the number of peers.

The reference below is the documented rules written plainly: every peer, one at a time, with
may_accompany and the geodesic distance, ranked by the documented key.
"""

import math
import random
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.dialects import postgresql, sqlite

from community_hub.extensions import db
from community_hub.geo.spatial import EARTH_RADIUS_KM, distance_km
from community_hub.people.models import PeerSupporter
from community_hub.people.vocab import MAN_WORDS, WOMAN_WORDS, gender_group
from community_hub.referrals import best, consent, matching, ranking, services
from community_hub.referrals.models import Referral
from community_hub.referrals.services import ClientData, ReferralData
from community_hub.referrals.states import PEER_HOLDS
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.requirements import may_accompany
from tests.volunteers import random_records

TODAY = date(2026, 11, 23)
CENTRE = (53.52, -1.13)
GENDERS = ["Woman", "female", " F ", "Man", "male", "trans-man", "GŴR", "Non-binary", "", "x"]
PATHWAYS = ["aa", "na", "ca", "alcohol"]
LANGUAGES = ["en", "pl", "cy"]


def place(rng, km):
    bearing = rng.uniform(0, 2 * math.pi)
    lat = CENTRE[0] + math.degrees(km * math.cos(bearing) / EARTH_RADIUS_KM)
    cos_lat = math.cos(math.radians(CENTRE[0]))
    return lat, CENTRE[1] + math.degrees(km * math.sin(bearing) / (EARTH_RADIUS_KM * cos_lat))


def add_peers(rng, count, start=0):
    org, hosts = random_records.programme(rng, start)
    for n in range(start, start + count):
        if rng.random() < 0.6:
            volunteer = random_records.cleared_volunteer(org, hosts, TODAY, f"P{n}")
        else:
            volunteer = random_records.volunteer(rng, org, hosts, TODAY, f"P{n}")
        peer = PeerSupporter(
            organisation_id=org.id, slug=f"scale-{n}", display_name=f"P{n}", area="Doncaster",
            gender=rng.choice(GENDERS), volunteer_id=volunteer.id,
            pathways="," + ",".join(rng.sample(PATHWAYS, rng.randint(0, 2))) + ",",
            languages="," + ",".join(rng.sample(LANGUAGES, rng.randint(1, 2))) + ",",
            consent_at=None if rng.random() < 0.08 else TODAY,
            hidden_at=TODAY if rng.random() < 0.05 else None,
        )  # fmt: skip
        # Near the band edges and the radius as often as anywhere, a few with no position.
        km = rng.choice([rng.uniform(0, 30), *(e + rng.uniform(-0.1, 0.1) for e in (5, 10, 20))])
        if rng.random() > 0.05:
            peer.place_at(*place(rng, km))
        db.session.add(peer)
    db.session.flush()


def reference(referral):
    """Every listed peer who passes the rules, best first, and how many pass each rule."""
    meeting = referral.meeting
    types = set(meeting.type_list)
    needs_gender = "woman" if "W" in types else "man" if "M" in types else ""
    preference = referral.peer_gender_preference.strip()
    closed = meeting.fellowship.slug if "C" in types else ""
    in_person = meeting.latitude is not None and not meeting.is_online
    counts = dict.fromkeys(matching.RULES, 0)
    kept = []
    for peer in db.session.scalars(select(PeerSupporter).order_by(PeerSupporter.id)):
        if not peer.is_listed or peer.volunteer_id is None:
            continue
        km = None
        if meeting.latitude is not None and peer.latitude is not None:
            km = distance_km(meeting.latitude, meeting.longitude, peer.latitude, peer.longitude)
        if in_person and km is not None and km > 20:
            continue  # in person, the counts are of the peers within reach
        counts["listed"] += 1
        if not may_accompany(db.session.get(Volunteer, peer.volunteer_id), TODAY).cleared:
            continue
        counts["cleared"] += 1
        group = gender_group(peer.gender)
        if needs_gender and group != needs_gender:
            continue
        if preference and gender_group(preference) and group != gender_group(preference):
            continue
        as_typed = peer.gender.strip().lower() == preference.lower()
        if preference and not gender_group(preference) and not as_typed:
            continue
        counts["gender"] += 1
        if closed and closed not in peer.pathway_list:
            continue
        counts["fellowship"] += 1
        kept.append((peer, km))
    holds = [
        r.matched_volunteer_id
        for r in db.session.scalars(select(Referral))
        if r.status in PEER_HOLDS and r.id != referral.id
    ]
    language = referral.client.preferred_language

    def band(km):
        return 4 if km is None else 0 if km <= 5 else 1 if km <= 10 else 2 if km <= 20 else 3

    ranked = sorted(
        kept,
        key=lambda pk: (
            meeting.fellowship.slug not in pk[0].pathway_list,
            language not in pk[0].language_list,
            band(pk[1]),
            holds.count(pk[0].volunteer_id),
            math.inf if pk[1] is None else pk[1],
            pk[0].id,
        ),
    )
    return [p.id for p, _km in ranked], counts


@pytest.fixture
def refer(make_referral):
    counter = iter(range(1, 1000))

    def build(meeting, preference="", language="en"):
        return make_referral(meeting, preference, f"SC-{next(counter)}", language)

    return build


@pytest.mark.parametrize(
    ("first_read", "whole", "ahead", "sparse", "cap"),
    [
        (64, 256, 64, 8, 200), (1, 256, 64, 8, 200), (3, 0, 1, 8, 200), (5, 0, 8, 8, 200),
        (64, 0, 1, 0, 200), (2, 0, 1, 1e9, 200), (4, 0, 2, 0, 200), (3, 0, 1, 8, 7),
        (None, None, None, None, None),
    ],
)  # fmt: skip
def test_fast_matching_equals_the_plain_rules(
    make_meeting, make_fellowship, refer, monkeypatch, first_read, whole, ahead, sparse, cap
):
    """The page read in SQL's order (a few rows at a time, down to one, from small circles
    that widen, tiers read from the whole radius on their own (always, with SPARSE huge, or
    never, with 0), so that every round and bound is used), counted only up to a small cap,
    and read whole in Python (None)."""
    if first_read is None:
        monkeypatch.setattr(best, "page", lambda *_args: None)
    else:
        monkeypatch.setattr(best, "FIRST_READ", first_read)
        monkeypatch.setattr(best, "WHOLE", whole)
        monkeypatch.setattr(best, "AHEAD", ahead)
        monkeypatch.setattr(best, "SPARSE", sparse)
        monkeypatch.setattr(best, "CAP", cap)
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


def test_a_language_few_peers_speak_is_read_from_the_whole_radius_on_its_own(
    make_meeting, make_fellowship, refer, monkeypatch
):
    """A crowd of peers near the meeting who do not speak the client's language, and a few
    who do, spread over the radius: the few are read on their own (one filtered statement,
    not every peer sorted), the crowd from a small circle, and the page is still exact."""
    monkeypatch.setattr(best, "AHEAD", 8)
    rng = random.Random(11)
    org, hosts = random_records.programme(rng, 0)
    for n in range(330):
        volunteer = random_records.cleared_volunteer(org, hosts, TODAY, f"L{n}")
        peer = PeerSupporter(
            organisation_id=org.id, slug=f"lang-{n}", display_name=f"L{n}", area="Doncaster",
            gender="", volunteer_id=volunteer.id, pathways=",aa,", consent_at=TODAY,
            languages=",en,pa," if n % 11 == 0 else ",en,",
        )  # fmt: skip
        peer.place_at(*place(rng, rng.uniform(2, 19) if n % 11 == 0 else rng.uniform(0, 2)))
        db.session.add(peer)
    aa = make_fellowship("aa")
    meeting = make_meeting(fellowship=aa, venue_latitude=CENTRE[0], venue_longitude=CENTRE[1])
    referral = refer(meeting, language="pa")
    db.session.commit()
    readings: list[best.Reading] = []
    rounding = best._read

    def read(*args):
        readings.append(args[4])
        return rounding(*args)

    monkeypatch.setattr(best, "_read", read)
    found = matching.match(referral, TODAY)
    expected, _counts = reference(referral)
    assert [c.peer.id for c in found.candidates] == expected[: matching.PAGE_SIZE]
    assert all(c.speaks_language for c in found.candidates) and found.total == 330
    last = readings[-1]  # the speakers alone from the whole radius, the crowd in a circle
    assert last.tiers == 1 and last.reach is not None and last.reach < 19


def test_peers_without_a_position_are_read_only_when_the_page_can_reach_them(
    make_meeting, make_fellowship, refer, monkeypatch
):
    """They rank after every placed peer of their tier: a page full of nearer peers in the
    best tier never reads them; a page with nobody placed near the meeting does."""
    rng = random.Random(5)
    org, hosts = random_records.programme(rng, 0)
    for n in range(40):
        volunteer = random_records.cleared_volunteer(org, hosts, TODAY, f"U{n}")
        peer = PeerSupporter(
            organisation_id=org.id, slug=f"unplaced-{n}", display_name=f"U{n}",
            area="Doncaster", gender="", volunteer_id=volunteer.id, pathways=",aa,",
            languages=",en,", consent_at=TODAY,
        )  # fmt: skip
        if n < 30:
            peer.place_at(*place(rng, rng.uniform(0, 4)))
        db.session.add(peer)
    aa = make_fellowship("aa")
    near = make_meeting(fellowship=aa, venue_latitude=CENTRE[0], venue_longitude=CENTRE[1])
    far = make_meeting(fellowship=aa, venue_latitude=CENTRE[0] + 2, venue_longitude=CENTRE[1])
    referrals = [refer(near), refer(far)]
    db.session.commit()
    reads = []
    making = best.by_id_rows

    def by_id_rows(shape, placed):
        reads.append(placed)
        return making(shape, placed)

    monkeypatch.setattr(best, "by_id_rows", by_id_rows)
    for referral, read in zip(referrals, ([], [True]), strict=True):
        reads.clear()
        found = matching.match(referral, TODAY)
        expected, _counts = reference(referral)
        assert [c.peer.id for c in found.candidates] == expected[: matching.PAGE_SIZE]
        assert found.total == len(expected) and reads == read


def test_the_gender_prefilter_keeps_every_peer_of_the_group_and_little_else(cleared_peer):
    """The SQL prefilter is a superset of each group as gender_group decides it, whatever
    the case, hyphens and spaces, and it leaves out the other group's common words."""
    typed = [" Trans-Man ", "CIS   woman", "GŴR", "Menyw", "F", "m", "Woman", "female", "Man"]
    typed += [w.upper() for w in MAN_WORDS | WOMAN_WORDS] + ["Non-binary", "", "x", "agender"]
    peers = {cleared_peer(f"G{n}", gender=g).id: g for n, g in enumerate(typed)}
    db.session.commit()
    for group in ("woman", "man"):
        stmt = select(PeerSupporter.id).where(ranking.gender_prefilter(group))
        kept = set(db.session.scalars(stmt))
        assert {i for i, g in peers.items() if gender_group(g) == group} <= kept
        other = "man" if group == "woman" else "woman"
        assert not {i for i, g in peers.items() if gender_group(g) == other} & kept


def origin(referral):
    return referral.meeting.latitude, referral.meeting.longitude


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
            statements: list[int] = []

            def listener(*_args, into=statements):
                into.append(1)

            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                found = matching.match(referral, TODAY)
                assert found.candidates
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            counted.append(len(statements))
    assert counted[:2] == counted[2:]


@pytest.mark.parametrize(
    ("cap", "said"),
    [
        (None, "Showing the best 20 of 25 peers who can go."),
        (10, "Showing the best 20 of more than 10 peers who can go."),  # it stops counting
    ],
)
def test_the_page_shows_the_best_20_and_all_on_request(
    client, auth, worker, meeting, cleared_peer, monkeypatch, cap, said
):
    if cap is not None:
        monkeypatch.setattr(best, "CAP", cap)
    peers = [cleared_peer(f"Peer{n:02d}", lat=53.52 + n * 0.001) for n in range(25)]
    referral = refer_now(worker, meeting)
    db.session.commit()
    auth.login(worker)
    url = f"/referrals/{referral.id}/match"
    first = client.get(url).get_data(as_text=True)
    assert first.count('name="peer_id"') == 20
    assert said in first
    assert f'href="{url}?all=1"' in first
    everyone = client.get(f"{url}?all=1").get_data(as_text=True)
    assert everyone.count('name="peer_id"') == 25 and "25 peers can go" in everyone
    last = peers[-1]  # the farthest: not on the first page, still a peer who passes
    assert f'value="{last.id}"' not in first
    response = client.post(url, data={"peer_id": str(last.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert referral.matched_volunteer_id == last.volunteer_id


def refer_now(worker, meeting):
    person = services.add_client(ClientData(reference="PG-1"), worker)
    consent.give(person, "share_with_peer", date.today(), "verbal in session", worker, date.today())
    data = ReferralData(link_method="accompanied", made_by="peer", meeting_id=meeting.id)
    return services.make_referral(person, data, worker, date.today())


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
