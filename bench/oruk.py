"""How fast is Open Referral UK's "services near a postcode" with a big directory?

Builds N synthetic community resources (one service at one place each, as the coordinator's
form saves them) clustered around real British towns (synthetic.py: population-weighted,
within ~5 km of the centre), then asks for the 50 nearest within `proximity` of random UK
postcode districts (the centroids in shared/reference/uk-postcodes/outcodes.csv, as a
council's residents would type them), as /api/oruk/services?postcode=&proximity=&per_page=50
does:

  query   the ranking: count within the distance and read the page's 50 nearest rows, with
          what their records need (hsds_query.page_of's work before any JSON)
  page    the same, plus the 50 Open Referral UK records built (oruk_records.service)
  http    the whole request through Flask: parameters, geocoding, records, JSON

Each query is timed --repeat times (3) and its best run kept: on a shared machine the other
runs measure the neighbours. Prints a table of p50 and p95 over the districts per proximity,
then one line of JSON (the last line) for scripts to read.

    .venv/bin/python bench/oruk.py --resources 100000
    .venv/bin/python bench/oruk.py --resources 100000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from flask_babel import force_locale
from sqlalchemy import func, insert, select
from synthetic import (
    SCATTER_KM,
    bench_app,
    load_towns,
    percentile,
    scatter,
    throwaway_database,
    warm_database,
)

from community_hub.auth.models import Organisation, utcnow
from community_hub.extensions import db
from community_hub.geo.spatial import lat_band
from community_hub.interop import oruk_records
from community_hub.interop.hsds_kinds import SERVICES
from community_hub.interop.hsds_query import ListQuery, Near, _nearest, page_of
from community_hub.resources.models import Location, Service, ServiceAtLocation, TaxonomyTerm

OUTCODES = Path(__file__).resolve().parents[2] / "shared/reference/uk-postcodes/outcodes.csv"
CATEGORIES = ("recovery_cafe", "drop_in", "sober_living", "family_support", "social_enterprise")
PER_PAGE = 50
BATCH = 10_000


def resource_rows(rng: random.Random, n: int, org_id: int, terms: list[str]) -> Any:
    """Services, their places and the links between them, in batches for bulk INSERTs."""
    towns = load_towns("GB")
    stamp = utcnow()
    chosen = rng.choices(towns, weights=[t.population for t in towns], k=n)
    for start in range(0, n, BATCH):
        services, places, links = [], [], []
        for i in range(start, min(n, start + BATCH)):
            town = chosen[i]
            lat, lng = scatter(rng, town, SCATTER_KM)
            service_id, place_id = str(uuid.uuid4()), str(uuid.uuid4())
            services.append(
                {
                    "id": service_id, "slug": f"bench-{i}", "organisation_id": org_id,
                    "name": f"{town.name} recovery café {i}",
                    "description": "Food, company and someone to talk to.",
                    "status": "active", "taxonomy_term_id": rng.choice(terms),
                    "languages": "en", "created_at": stamp, "updated_at": stamp,
                    "latitude": lat, "longitude": lng, "lat_band": lat_band(lat),
                }
            )  # fmt: skip
            places.append(
                {
                    "id": place_id, "organisation_id": org_id, "location_type": "physical",
                    "name": f"{town.name} community centre", "city": town.name,
                    "latitude": lat, "longitude": lng, "lat_band": lat_band(lat),
                }
            )  # fmt: skip
            links.append(
                {"id": str(uuid.uuid4()), "service_id": service_id, "location_id": place_id}
            )
        yield services, places, links


def ensure_resources(n: int, seed: int) -> bool:
    """Build n resources unless a kept database already holds them. True when it built."""
    db.create_all()
    have = db.session.scalar(select(func.count(Service.id)))
    if have == n:
        print("Reusing the resources already built.", file=sys.stderr)
        return False
    if have:
        raise SystemExit("The kept database holds a different number of resources: remove it.")
    print(f"Building {n:,} resources in {db.engine.dialect.name} ...", file=sys.stderr)
    rng = random.Random(seed)
    org = Organisation(name="Bench recovery network", slug="bench", kind="community")
    terms = [TaxonomyTerm(code=code, term=code.replace("_", " ")) for code in CATEGORIES]
    db.session.add_all([org, *terms])
    db.session.flush()
    done = 0
    for services, places, links in resource_rows(rng, n, org.id, [t.id for t in terms]):
        db.session.execute(insert(Service), services)
        db.session.execute(insert(Location), places)
        db.session.execute(insert(ServiceAtLocation), links)
        done += len(services)
        print(f"\r  inserted {done:,}/{n:,} resources", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy import text

        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    return True


def postcode_districts(rng: random.Random, k: int) -> list[tuple[str, float, float]]:
    """Random UK postcode districts with their centroids (or town positions without the file)."""
    if OUTCODES.is_file():
        with OUTCODES.open(newline="") as handle:
            rows = [
                (r["outcode"], round(float(r["latitude"]), 6), round(float(r["longitude"]), 6))
                for r in csv.DictReader(handle)
                if r["latitude"] and float(r["latitude"]) > 49  # a few rows have no position
            ]
        return rng.sample(rows, k)
    towns = load_towns("GB")
    picked = rng.choices(towns, weights=[t.population for t in towns], k=k)
    points = [scatter(rng, t, 2.0) for t in picked]
    return [
        (t.name, round(lat, 6), round(lng, 6)) for t, (lat, lng) in zip(picked, points, strict=True)
    ]


def timed(fn: Any, *args: Any, repeat: int = 1) -> tuple[float, Any]:
    """Milliseconds for fn(*args) in a fresh session, as a request has: the best of `repeat`
    runs, so other work on a shared machine does not count as the query's."""
    best, result = float("inf"), None
    for _ in range(repeat):
        db.session.remove()
        start = time.perf_counter()
        result = fn(*args)
        best = min(best, (time.perf_counter() - start) * 1000.0)
    return best, result


def http_get(client: Any, url: str) -> tuple[float, Any]:
    db.session.remove()
    start = time.perf_counter()
    response = client.get(url)
    return (time.perf_counter() - start) * 1000.0, response


def run(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    app = bench_app(database_url, SERVER_NAME="localhost", RATELIMIT_ENABLED=False)
    results: dict[str, Any] = {}
    with app.app_context():
        dialect = db.engine.dialect.name
        started = time.perf_counter()
        ensure_resources(args.resources, args.seed)
        build_s = time.perf_counter() - started
        districts = postcode_districts(random.Random(args.seed + 1), args.queries)
        warmed = warm_database()
        client = app.test_client()
        to_record = lambda kind, row: oruk_records.service(kind, row, False)  # noqa: E731
        for _name, lat, lng in districts[:5]:  # warm the pool, the statements, the caches
            _nearest(SERVICES, ListQuery(per_page=PER_PAGE, near=Near(lat, lng, 10.0)))
        gc.freeze()
        for metres in args.proximity:
            queries = [
                ListQuery(per_page=PER_PAGE, near=Near(lat, lng, metres / 1000))
                for _name, lat, lng in districts
            ]
            query_ms, page_ms, http_ms, found = [], [], [], []
            for query in queries:
                elapsed, (_rows, total) = timed(_nearest, SERVICES, query, repeat=args.repeat)
                query_ms.append(elapsed)
                found.append(total)
            with app.test_request_context(), force_locale("en"):
                for query in queries:
                    page_ms.append(
                        timed(page_of, SERVICES, query, to_record, repeat=args.repeat)[0]
                    )
            for (_name, lat, lng), total in zip(districts, found, strict=True):
                place = f"{lat:.6f},{lng:.6f}"
                url = f"/api/oruk/services?postcode={place}&proximity={metres}&per_page={PER_PAGE}"
                elapsed, response = min(
                    (http_get(client, url) for _ in range(args.repeat)), key=lambda r: r[0]
                )
                http_ms.append(elapsed)
                body = response.get_json()
                assert response.status_code == 200 and body["total_items"] == total, (url, body)
            results[str(metres)] = {
                "found_median": statistics.median(found),
                "found_max": max(found),
                **{
                    f"{label}_{stat}_ms": round(percentile(values, pct), 2)
                    for label, values in (("query", query_ms), ("page", page_ms), ("http", http_ms))
                    for stat, pct in (("p50", 50), ("p95", 95))
                },
            }
        db.session.remove()
        db.engine.dispose()
    load_average = os.getloadavg()[0]
    print()
    print(
        f"resources  {args.resources:,}   database  {dialect}   postcode districts  "
        f"{len(districts)}   build  {build_s:.1f} s   load average  {load_average:.2f}"
    )
    print(f"before timing: {warmed}")
    print(
        f"{'proximity m':>12}{'found median':>14}{'found max':>11}"
        f"{'query p50':>11}{'p95':>8}{'page p50':>10}{'p95':>8}{'http p50':>10}{'p95':>8}"
    )
    for metres, r in results.items():
        print(
            f"{metres:>12}{r['found_median']:>14g}{r['found_max']:>11}"
            f"{r['query_p50_ms']:>11.2f}{r['query_p95_ms']:>8.2f}"
            f"{r['page_p50_ms']:>10.2f}{r['page_p95_ms']:>8.2f}"
            f"{r['http_p50_ms']:>10.2f}{r['http_p95_ms']:>8.2f}"
        )
    print(f"(milliseconds; each query's best of {args.repeat} runs)")
    return {"resources": args.resources, "database": dialect, "per_page": PER_PAGE,
            "queries": len(districts), "best_of": args.repeat,
            "load_average": round(load_average, 2), "proximity_m": results}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--proximity", type=int, nargs="+", default=[1609, 8047, 16093], help="metres"
    )
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument(
        "--repeat", type=int, default=3, help="time each query this many times, keep the best"
    )
    parser.add_argument("--database-url", default="", help="a PostgreSQL server (default SQLite)")
    parser.add_argument("--keep", default="", help="build once and reuse (a file or database)")
    args = parser.parse_args()
    with throwaway_database(args.database_url, args.keep) as url:
        summary = run(url, args)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
