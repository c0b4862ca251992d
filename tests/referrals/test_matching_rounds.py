"""Matching's page takes the cheap way where it can and stays exact: a tier few peers are in
read on its own, peers without a position read only when needed, a gender prefilter close to
its group, and the count's cap on the page."""

import random
from datetime import date

import pytest
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.people.models import PeerSupporter
from community_hub.people.vocab import MAN_WORDS, WOMAN_WORDS, gender_group
from community_hub.referrals import best, consent, matching, ranking, services
from community_hub.referrals.services import ClientData, ReferralData
from tests.referrals.matching_plain import CENTRE, TODAY, place, reference
from tests.volunteers import random_records


@pytest.mark.parametrize("few", ["language", "fellowship"])
@pytest.mark.parametrize("code_share", [0, 1e9])  # from the box, or through the peers' codes
def test_what_few_peers_share_is_read_from_the_whole_radius_on_its_own(
    make_meeting, make_fellowship, refer, monkeypatch, few, code_share
):
    """A crowd of peers near the meeting who do not speak the client's language (or know
    the meeting's fellowship), and a few who do, spread over the radius: the few are read
    on their own (one filtered statement, not every peer sorted), the crowd from a small
    circle, and the page is still exact."""
    monkeypatch.setattr(best, "AHEAD", 8)
    monkeypatch.setattr(best, "CODE_SHARE", code_share)
    rng = random.Random(11)
    org, hosts = random_records.programme(rng, 0)
    for n in range(330):
        rare = n % 11 == 0
        volunteer = random_records.cleared_volunteer(org, hosts, TODAY, f"L{n}")
        peer = PeerSupporter(
            organisation_id=org.id, slug=f"lang-{n}", display_name=f"L{n}", area="Doncaster",
            gender="", volunteer_id=volunteer.id, consent_at=TODAY,
            pathways=",na," if rare and few == "fellowship" else ",aa,",
            languages=",en,pa," if rare and few == "language" else ",en,",
        )  # fmt: skip
        peer.place_at(*place(rng, rng.uniform(2, 19) if rare else rng.uniform(0, 2)))
        db.session.add(peer)
    fellowship = make_fellowship("aa" if few == "language" else "na")
    meeting = make_meeting(
        fellowship=fellowship, venue_latitude=CENTRE[0], venue_longitude=CENTRE[1]
    )
    referral = refer(meeting, language="pa" if few == "language" else "en")
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
    if few == "language":
        assert all(c.speaks_language for c in found.candidates)
    else:
        assert all(c.knows_fellowship for c in found.candidates)
    assert found.total == 330
    last = readings[-1]  # the few alone from the whole radius, the crowd in a circle
    assert last.tiers == (1 if few == "language" else 2)
    assert last.reach is not None and last.reach < 19
    assert last.by_code is (code_share > 1)


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
