"""The matching rules written plainly, for the matching tests to check the fast page
against: every peer, one at a time, with may_accompany and the geodesic distance, ranked by
the documented key; and peers placed round a centre to check it on."""

import math
from datetime import date

from sqlalchemy import select

from community_hub.extensions import db
from community_hub.geo.spatial import EARTH_RADIUS_KM, distance_km
from community_hub.people.models import PeerSupporter
from community_hub.people.vocab import gender_group
from community_hub.referrals import matching
from community_hub.referrals.models import Referral
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


def origin(referral):
    return referral.meeting.latitude, referral.meeting.longitude
