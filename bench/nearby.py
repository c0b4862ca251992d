"""How fast are /api/v1/nearby and peer matching with 100,000 peers and 100,000 resources?

Builds the records of bench/peer_records.py, then times:

  nearby http     GET /api/v1/nearby?lat=&lng= through the test client (every kind, 16 km,
                  10 of each), near random points in towns chosen as the peers' are
  nearby service  search_nearby() alone, the same points
  match in person matching.match() for referrals to random in-person meetings: the page's
                  best 20 and how many pass (20 km radius)
  match online    the same for online-only meetings (no radius: every listed peer may pass)
  show all        match(show_all=True) for the in-person referrals: everyone who passes

When nobody passes, a match also counts who remained after each rule (why_none): those
matches are in the figures as the page would run them, and their count is printed.

Each call runs in a fresh session, as a request would. Prints a table of p50 and p95, the
number of peers who passed, then one line of JSON (the last line) for scripts to read.

    .venv/bin/python bench/nearby.py --peers 100000 --resources 100000
    .venv/bin/python bench/nearby.py --peers 100000 --resources 100000 \\
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
from datetime import date
from typing import Any

import peer_records
from synthetic import (
    DIRECTORY_TABLES,
    bench_app,
    load_towns,
    percentile,
    scatter,
    throwaway_database,
    warm_database,
)

from community_hub.directory.services import search_nearby
from community_hub.extensions import db
from community_hub.referrals import best, matching, services
from community_hub.referrals.models import Referral

RADIUS_KM = 16.0
# What the nearby lists and matching read, besides the meetings.
WARMED = (
    "peer_supporter", "peer_code", "recovery_champion", "volunteer", "referral", "client",
    "service", "location", "service_at_location", "taxonomy_term", "organisation",
)  # fmt: skip


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Milliseconds for fn(*args) in a fresh session."""
    db.session.remove()
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000.0, result


def match_ids(referral_id: int, today: date, show_all: bool = False) -> tuple[int, int, bool]:
    """What the match page needs: the referral, the page of peers, how many pass, and when
    nobody passes, how many remained after each rule (the page explains the blank)."""
    referral = services.load(referral_id)  # as the page loads it (services.referral_for)
    assert referral is not None
    found = matching.match(referral, today, show_all=show_all)
    if not found.total:
        assert found.why_none()
    return len(found.candidates), found.total, found.more_than


def query_plans(dialect: str, referral_id: int) -> str:
    """How the database answers matching's box and the open offers (for the reader's eyes)."""
    from sqlalchemy import func, select, text

    from community_hub.geo.nearby import within_box
    from community_hub.people.models import PeerSupporter
    from community_hub.referrals import ranking
    from community_hub.referrals.states import PEER_HOLDS

    referral = services.load(referral_id)  # as the page loads it (services.referral_for)
    assert referral is not None
    rules = matching.rules_of(referral, matching.needs_of(referral))
    assert rules.origin is not None and rules.radius_km is not None
    box = within_box(
        ranking.candidate_statement(rules, date.today()), PeerSupporter, *rules.origin, 20.0
    )
    offers = (
        select(Referral.matched_volunteer_id, func.count())
        .where(Referral.status.in_(PEER_HOLDS), Referral.matched_volunteer_id.in_([1, 2, 3]))
        .group_by(Referral.matched_volunteer_id)
    )
    listed = select(PeerSupporter.id, PeerSupporter.latitude, PeerSupporter.longitude).where(
        PeerSupporter.consent_at.is_not(None),
        PeerSupporter.hidden_at.is_(None),
        PeerSupporter.archived_at.is_(None),
    )  # what people/search.py search_peers asks, for the nearby page and API
    nearby_peers = within_box(listed, PeerSupporter, *rules.origin, RADIUS_KM)
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    out = []
    plans = (("matching's box", box), ("open offers", offers), ("nearby peers", nearby_peers))
    for label, stmt in plans:
        sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
        rows = db.session.execute(text(prefix + sql)).all()
        out.append(f"  {label}:\n" + "\n".join("    " + str(r[-1]) for r in rows))
    return "\n".join(out)


def run(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    app = bench_app(database_url, RATELIMIT_ENABLED=False)
    towns = load_towns("GB")
    today = date.today()
    with app.app_context():
        dialect = db.engine.dialect.name
        started = time.perf_counter()
        peer_records.ensure(args.peers, args.resources, args.meetings, args.seed)
        build_s = time.perf_counter() - started
        rng = random.Random(args.seed + 1)
        weights = [t.population**0.5 for t in towns]
        points = [scatter(rng, t, 3.0) for t in rng.choices(towns, weights=weights, k=args.queries)]
        in_person = peer_records.referrals_to_match(rng, args.queries, online=False)
        online = peer_records.referrals_to_match(rng, args.online_queries, online=True)
        # As the other benchmarks do (synthetic.warm_database): a running server has these in
        # the OS cache, and a run straight after another big job would otherwise time the disk.
        warmed = warm_database((*DIRECTORY_TABLES, *WARMED))
        client = app.test_client()
        for lat, lng in points[:5]:  # warm the pool, the statements and the templates
            client.get(f"/api/v1/nearby?lat={lat:.5f}&lng={lng:.5f}")
            search_nearby(lat, lng, RADIUS_KM)
        # Each shape of matching's rules (a gender rule, a closed meeting, a language...)
        # builds and compiles its statements on first use, once per worker process: other
        # referrals, not the ones timed, warm them (--warm 0 times the first uses too).
        warm_rng = random.Random(args.seed + 7)
        for count, remote in ((args.warm, False), (args.warm // 10, True)):
            warm = peer_records.referrals_to_match(warm_rng, count, remote) if count else []
            for referral_id in warm:
                match_ids(referral_id, today)
        db.session.remove()
        gc.freeze()
        figures: dict[str, list[float]] = {}
        passed: dict[str, list[int]] = {"in person": [], "online": []}
        capped = dict.fromkeys(passed, 0)  # more pass than the page counts (best.CAP)
        for lat, lng in points:
            elapsed, response = timed(client.get, f"/api/v1/nearby?lat={lat:.5f}&lng={lng:.5f}")
            assert response.status_code == 200, response.status_code
            figures.setdefault("nearby http", []).append(elapsed)
        for lat, lng in points:
            figures.setdefault("nearby service", []).append(
                timed(search_nearby, lat, lng, RADIUS_KM)[0]
            )
        for referral_id in in_person:
            elapsed, (_shown, total, more_than) = timed(match_ids, referral_id, today)
            figures.setdefault("match in person", []).append(elapsed)
            passed["in person"].append(total)
            capped["in person"] += more_than
        for referral_id in online:
            elapsed, (_shown, total, more_than) = timed(match_ids, referral_id, today)
            figures.setdefault("match online", []).append(elapsed)
            passed["online"].append(total)
            capped["online"] += more_than
        for referral_id in in_person[: args.online_queries]:
            figures.setdefault("show all (in person)", []).append(
                timed(match_ids, referral_id, today, True)[0]
            )
        plans = query_plans(dialect, in_person[0])
        db.session.remove()
        db.engine.dispose()
    load_average = os.getloadavg()[0]
    print()
    print(f"peers  {args.peers:,}   resources  {args.resources:,}   meetings  {args.meetings:,}"
          f"   database  {dialect}   build  {build_s:.1f} s")  # fmt: skip
    print(f"load average (1 min) after timing  {load_average:.2f}")
    print(f"before timing: {warmed}")
    for kind, totals in passed.items():
        if totals:
            print(f"peers who pass, {kind}: median {statistics.median(totals):g},"
                  f" max {max(totals)}, none in {totals.count(0)} of {len(totals)},"
                  f" more than {best.CAP} (not counted further) in {capped[kind]}")  # fmt: skip
    print(f"query plans:\n{plans}")
    print()
    print(f"{'':26}{'runs':>6}{'p50 ms':>10}{'p95 ms':>10}")
    out: dict[str, Any] = {"peers": args.peers, "resources": args.resources, "database": dialect}
    for label, values in figures.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(f"{label:26}{len(values):>6}{p50:>10.2f}{p95:>10.2f}")
        key = label.replace(" ", "_").replace("(", "").replace(")", "")
        out[f"{key}_p50_ms"], out[f"{key}_p95_ms"] = round(p50, 2), round(p95, 2)
    out["load_average"] = round(load_average, 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peers", type=int, default=100_000)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--meetings", type=int, default=3_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL server; default SQLite")
    parser.add_argument("--queries", type=int, default=200, help="searches and matches to time")
    parser.add_argument("--online-queries", type=int, default=20, help="online matches (slow)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--warm", type=int, default=100, help="other referrals matched first, untimed"
    )
    parser.add_argument(
        "--keep", default="", help="build once and reuse: a SQLite file, or a PostgreSQL database"
    )
    args = parser.parse_args()
    with throwaway_database(args.database_url, args.keep) as url:
        figures = run(url, args)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
