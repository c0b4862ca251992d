"""How fast is "meetings near me"? The spatial index against a full scan, at directory scale.

Builds N synthetic meetings in venues clustered around real towns (see synthetic.py), then
times random near-me searches (10 km, one weekday, AA, the 20 nearest) near towns chosen by
population, as real searches are:

  search   search_meetings() through the service: the day/lat_band/longitude index, then exact
           ranking and the page's full rows
  scan     the same search without a spatial predicate: every row of that day and fellowship,
           distances in Python (the same ranking code)
  pk       fetching the same 20 result rows by primary key, as the service does: the floor

Prints a table, then one line of JSON (the last line) for scripts to read.

    .venv/bin/python bench/search.py --meetings 1000000
    .venv/bin/python bench/search.py --meetings 1000000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Select, select, text
from synthetic import (
    bench_app,
    ensure_meetings,
    load_towns,
    percentile,
    scatter,
    throwaway_database,
)

from community_hub.extensions import db
from community_hub.geo.nearby import within_box
from community_hub.meetings.models import Attendance, Fellowship, Meeting
from community_hub.meetings.search import MeetingQuery, search_meetings

RADIUS_KM = 10.0
LIMIT = 20
T = TypeVar("T")


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
    """The page's full rows by primary key, exactly as the service loads them."""
    from community_hub.meetings.search import _load

    return list(_load(set(ids)).values())


def timed(fn: Callable[..., T], *args: Any) -> tuple[float, T]:
    """Milliseconds taken by fn(*args), in a fresh session as a request would have."""
    db.session.remove()
    start = time.perf_counter()
    result = fn(*args)
    elapsed = (time.perf_counter() - start) * 1000.0
    return elapsed, result


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
    app = bench_app(database_url)
    towns = load_towns(args.country)
    with app.app_context():
        dialect = db.engine.dialect.name
        started = time.perf_counter()
        ensure_meetings(args.meetings, towns, args.seed)
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

    load_average = os.getloadavg()[0]  # other work on the machine skews every figure
    p95, scan_p95 = percentile(search_ms, 95), percentile(scan_ms, 95)
    print()
    print(f"meetings  {args.meetings:,}   database  {dialect}   towns  {len(towns):,}"
          f"   build  {build_s:.1f} s   load average  {load_average:.2f}")  # fmt: skip
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
        "speedup_p50": round(percentile(scan_ms, 50) / percentile(search_ms, 50), 1),
        "load_average": round(load_average, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=100_000, help="how many meetings to build")
    parser.add_argument("--database-url", default="", help="PostgreSQL server; default SQLite")
    parser.add_argument("--queries", type=int, default=200, help="searches to time")
    parser.add_argument("--scan-queries", type=int, default=20, help="full scans to time (slow)")
    parser.add_argument("--country", default="", help="only towns in this country code, e.g. GB")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep", default="", help="build once and reuse: a SQLite file, or a PostgreSQL database"
    )
    args = parser.parse_args()
    with throwaway_database(args.database_url, args.keep) as url:
        figures = run(url, args)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
