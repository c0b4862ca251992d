"""How fast is "meetings near me"? The spatial index against a full scan, at directory scale.

Builds N synthetic meetings in venues clustered around real towns (see synthetic.py), then
times random near-me searches (10 km, one weekday, AA, the 20 nearest) near towns chosen by
population, as real searches are:

  rank     the ranking alone: the page's 20 ids and the total (what PostGIS's KNN query
           returns without, and with, count(*) OVER (): the like-for-like comparison)
  search   what /api/v1/meetings runs: rank_meetings() (the day/lat_band/longitude index,
           exact ranking) then meeting_rows(), the listed fields of the 20 shown
  pages    search_meetings(), what the HTML pages run: the same ranking, then the 20 as full
           ORM objects with their venue and fellowship
  scan     the same search without a spatial predicate: every row of that day and fellowship,
           distances in Python (the same ranking code), then the same rows as `search`
  pk       fetching the same 20 result rows by primary key, as `search` does: the floor
  keyword  the same search (10 km, one weekday, the 20 nearest) with one search word, as
           /api/v1/meetings?search=... runs it: the full-text index (SQLite FTS5, PostgreSQL
           GIN on a tsvector) together with the spatial index; no fellowship filter, as a
           person searching for a word rarely picks one. The word is a prefix half the time.

Prints a table, then one line of JSON (the last line) for scripts to read.

    .venv/bin/python bench/search.py --meetings 1000000
    .venv/bin/python bench/search.py --meetings 1000000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

import postgis_anchor
from sqlalchemy import select, text
from synthetic import (
    NAME_WORDS,
    bench_app,
    ensure_meetings,
    load_towns,
    percentile,
    scatter,
    throwaway_database,
    warm_database,
)

from community_hub.extensions import db
from community_hub.meetings.listing import meeting_rows
from community_hub.meetings.models import Attendance, Fellowship, Meeting
from community_hub.meetings.params import COUNT_UP_TO
from community_hub.meetings.search import (
    MeetingQuery,
    rank_meetings,
    search_meetings,
    shown_distance,
)

RADIUS_KM = 10.0
LIMIT = 20
T = TypeVar("T")


def scan_search(query: MeetingQuery, fellowship_id: int) -> list[int]:
    """The search without the index: read every candidate row, rank in Python."""
    from community_hub.meetings.search import _CANDIDATE_COLUMNS

    stmt = select(*_CANDIDATE_COLUMNS).where(
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
    meeting_rows(ids)  # the same rows the search reads for its page
    return ids


def json_search(query: MeetingQuery) -> tuple[list[int], int, bool]:
    """What /api/v1/meetings runs for a search: the page's ids, the number found and whether
    that is exact (False: more than that many, the API's COUNT_UP_TO)."""
    ranking = rank_meetings(query)
    page = ranking.ranked[: query.limit]
    rows = meeting_rows([meeting_id for _dist, _when, meeting_id in page])
    for dist, _when, meeting_id in page:
        shown_distance(query, dist, rows[meeting_id]["latitude"], rows[meeting_id]["longitude"])
    return [meeting_id for _dist, _when, meeting_id in page], ranking.total, ranking.exact


def timed(fn: Callable[..., T], *args: Any) -> tuple[float, T]:
    """Milliseconds taken by fn(*args), in a fresh session as a request would have."""
    db.session.remove()
    start = time.perf_counter()
    result = fn(*args)
    elapsed = (time.perf_counter() - start) * 1000.0
    return elapsed, result


def postgis(
    dialect: str,
    queries: list[MeetingQuery],
    aa_id: int,
    pages: list[list[int]],
    found: list[tuple[int, bool]],
) -> dict[str, Any]:
    """PostGIS KNN on the same searches, where the server has it (bench/postgis_anchor.py)."""
    if dialect != "postgresql":
        return {}
    state = postgis_anchor.prepare()
    if state is None or not state.startswith("PostGIS "):
        return {
            "why": state or "the server has no PostGIS (apt-get install postgresql-15-postgis-3)"
        }
    # Warmed as ours are: each statement's first runs are planned before psycopg prepares it.
    for with_total in (False, True):
        postgis_anchor.time_knn(queries[:10], aa_id, with_total=with_total)
    knn_ms, knn_pages, _ = postgis_anchor.time_knn(queries, aa_id, with_total=False)
    total_ms, _, knn_totals = postgis_anchor.time_knn(queries, aa_id, with_total=True)
    rows_ms, _, _ = postgis_anchor.time_knn(queries, aa_id, with_total=False, with_rows=True)
    return {
        "postgis": state,
        "knn_rows_p50_ms": round(percentile(rows_ms, 50), 2),
        "knn_rows_p95_ms": round(percentile(rows_ms, 95), 2),
        "knn_p50_ms": round(percentile(knn_ms, 50), 2),
        "knn_p95_ms": round(percentile(knn_ms, 95), 2),
        "knn_total_p50_ms": round(percentile(total_ms, 50), 2),
        "knn_total_p95_ms": round(percentile(total_ms, 95), 2),
        "same_pages": sum(set(a) == set(b) for a, b in zip(knn_pages, pages, strict=True)),
        # Where ours says "more than N", PostGIS's count must be more than N.
        "same_totals": sum(
            a == b or (not exact and a > b) for a, (b, exact) in zip(knn_totals, found, strict=True)
        ),
    }


def query_plan(dialect: str, query: MeetingQuery) -> str:
    """How the database answers the service's candidate query (for the reader's eyes)."""
    from community_hub.meetings import search as service

    assert query.lat is not None and query.lng is not None
    stmt, params = service.candidate_query(query, RADIUS_KM)  # the very SQL the service runs
    compiled = stmt.params(params).compile(db.engine, compile_kwargs={"literal_binds": True})
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
                    count_up_to=COUNT_UP_TO,  # as the API asks
                )
            )  # fmt: skip
        keyword_queries = []
        for q in queries:
            word = rng.choice(NAME_WORDS).split()[0].lower().replace("'s", "")
            typed = word[: max(3, len(word) - 2)] if rng.random() < 0.5 else word
            keyword_queries.append(replace(q, fellowships=frozenset(), words=(typed,)))
        warmed = warm_database()
        for q in queries[:5]:  # warm the connection pool, the statements and the time zones
            search_meetings(q)
        db.session.remove()
        gc.freeze()  # as wsgi.py does in each gunicorn worker once the app is built

        search_ms, pages_ms, pk_ms, scan_ms = [], [], [], []
        found: list[tuple[int, bool]] = []
        page_ids: list[list[int]] = []
        # One pass each, so no kind of search reads pages another has just brought in.
        rank_ms = [timed(rank_meetings, q)[0] for q in queries]  # the ids and the total
        for q in queries:
            elapsed, (ids, total, exact) = timed(json_search, q)
            search_ms.append(elapsed)
            page_ids.append(ids)
            found.append((total, exact))
        for q, ids in zip(queries, page_ids, strict=True):
            elapsed, outcome = timed(search_meetings, q)
            pages_ms.append(elapsed)
            assert [r.meeting.id for r in outcome.results] == ids
        for ids in page_ids:
            pk_ms.append(timed(meeting_rows, ids)[0])
        keyword_ms, keyword_found = [], []
        for q in keyword_queries:
            elapsed, (ids, total, _exact) = timed(json_search, q)
            keyword_ms.append(elapsed)
            keyword_found.append(total)
        mismatches = 0
        for q, ids in zip(queries[: args.scan_queries], page_ids, strict=False):
            elapsed, scan_ids = timed(scan_search, q, aa_id)
            scan_ms.append(elapsed)
            mismatches += scan_ids != ids
        anchor = postgis(dialect, queries, aa_id, page_ids, found)
        plan = query_plan(dialect, queries[0])
        keyword_plan = query_plan(dialect, keyword_queries[0])
        db.session.remove()
        db.engine.dispose()

    load_average = os.getloadavg()[0]  # other work on the machine skews every figure
    p95, scan_p95 = percentile(search_ms, 95), percentile(scan_ms, 95)
    print()
    print(f"meetings  {args.meetings:,}   database  {dialect}   towns  {len(towns):,}"
          f"   build  {build_s:.1f} s   load average  {load_average:.2f}")  # fmt: skip
    print(f"before timing: {warmed}")
    totals = [total for total, _exact in found]
    print(f"matches within {RADIUS_KM:g} km: median {statistics.median(totals):g}, max"
          f" {max(totals)}; more than {COUNT_UP_TO} (not counted further) in"
          f" {sum(not exact for _total, exact in found)} of {len(found)}")  # fmt: skip
    print(f"query plan for the service's candidate query:\n{plan}")
    print(
        f"keyword matches within {RADIUS_KM:g} km on the day: median "
        f"{statistics.median(keyword_found):g}, max {max(keyword_found)}"
    )
    print(f"query plan with a search word:\n{keyword_plan}")
    print()
    print(f"{'':34}{'runs':>6}{'p50 ms':>10}{'p95 ms':>10}")
    for label, values in (
        ("ranking: the 20 ids and the total", rank_ms),
        ("search (index, then rows)", search_ms),
        ("search_meetings (ORM objects)", pages_ms),
        ("full scan, distances in Python", scan_ms),
        ("20 rows by primary key (floor)", pk_ms),
        ("keyword + near (full-text index)", keyword_ms),
    ):
        p50, p95_ = percentile(values, 50), percentile(values, 95)
        print(f"{label:34}{len(values):>6}{p50:>10.2f}{p95_:>10.2f}")
    pages_p95 = percentile(pages_ms, 95)
    if anchor.get("postgis"):
        knn_p95 = anchor["knn_p95_ms"]
        print(f"{'PostGIS KNN (no total)':34}{len(queries):>6}{anchor['knn_p50_ms']:>10.2f}"
              f"{knn_p95:>10.2f}")  # fmt: skip
        total_p50, total_p95 = anchor["knn_total_p50_ms"], anchor["knn_total_p95_ms"]
        print(f"{'PostGIS KNN with count(*) OVER ()':34}{len(queries):>6}"
              f"{total_p50:>10.2f}{total_p95:>10.2f}")  # fmt: skip
        rows_p50, rows_p95 = anchor["knn_rows_p50_ms"], anchor["knn_rows_p95_ms"]
        print(f"{'PostGIS KNN, then the same rows':34}{len(queries):>6}"
              f"{rows_p50:>10.2f}{rows_p95:>10.2f}")  # fmt: skip
        rank_p95 = percentile(rank_ms, 95)
        print(f"{anchor['postgis']}, at p95: our ranking (ids and total) is"
              f" {rank_p95 / knn_p95:.2f}x PostGIS KNN's ids (no total) and"
              f" {rank_p95 / anchor['knn_total_p95_ms']:.2f}x with the total; our search with"
              f" its rows is {p95 / rows_p95:.2f}x KNN then the same rows; the same 20 meetings"
              f" in {anchor['same_pages']} of {len(queries)} searches, the same total in"
              f" {anchor['same_totals']}")  # fmt: skip
    elif dialect == "postgresql":
        print(f"PostGIS anchor not measured: {anchor.get('why', 'unknown')}")
    print(f"speedup at p95: {scan_p95 / p95:.1f}x (search_meetings {scan_p95 / pages_p95:.1f}x);"
          f" scan and index disagreed on {mismatches} of {len(scan_ms)} result pages")  # fmt: skip
    return {
        "meetings": args.meetings,
        "database": dialect,
        "rank_p50_ms": round(percentile(rank_ms, 50), 2),
        "rank_p95_ms": round(percentile(rank_ms, 95), 2),
        "p50_ms": round(percentile(search_ms, 50), 2),
        "p95_ms": round(p95, 2),
        "scan_p50_ms": round(percentile(scan_ms, 50), 2),
        "scan_p95_ms": round(scan_p95, 2),
        "pages_p50_ms": round(percentile(pages_ms, 50), 2),
        "pages_p95_ms": round(percentile(pages_ms, 95), 2),
        "pk_p95_ms": round(percentile(pk_ms, 95), 2),
        "keyword_p50_ms": round(percentile(keyword_ms, 50), 2),
        "keyword_p95_ms": round(percentile(keyword_ms, 95), 2),
        "speedup_p95": round(scan_p95 / p95, 1),
        "pages_speedup_p95": round(scan_p95 / pages_p95, 1),
        "speedup_p50": round(percentile(scan_ms, 50) / percentile(search_ms, 50), 1),
        "load_average": round(load_average, 2),
        **{k: v for k, v in anchor.items() if k != "why"},
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
