"""How much can one small machine serve? gunicorn with 2 workers in front of N meetings.

Builds N synthetic meetings (see synthetic.py; worldwide, or one country with --country),
starts gunicorn on 127.0.0.1 with a free port, and puts a bounded load on three addresses
with wrk (--seconds each, --connections open at once). The load comes in --rounds turns,
the three addresses taking turns, so a machine that slows down or speeds up during the run
(a shared host does) weighs on all three alike rather than on whichever ran then:

  healthz   /healthz: a database round trip, the ceiling for any page
  api       /api/v1/meetings: 10 km, one weekday, AA, 20 nearest, near random towns
  finder    /?lat=&lng=&radius=10km&day=&fellowship=aa: the HTML finder page (q=<town> for
            towns in Great Britain and Ireland, found in the offline gazetteer)

Reports requests per second, p50/p99 latency and errors for each, the API's and the finder
page's throughput as shares of /healthz's (overall and turn by turn), and each worker's
resident memory once all three have run, against a budget (RSS_BUDGET_MB). Prints a table,
then one line of JSON (the last line). Needs wrk (Debian: apt-get install wrk); the load
goes to 127.0.0.1 only and stops after --seconds.

    .venv/bin/python bench/http_load.py --meetings 100000
    .venv/bin/python bench/http_load.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from synthetic import (
    bench_app,
    ensure_meetings,
    load_towns,
    scatter,
    throwaway_database,
    warm_database,
)

from community_hub.extensions import db

ROOT = Path(__file__).resolve().parent.parent
PATHS_PER_ENDPOINT = 1000
# What one gunicorn worker may hold once it has served every endpoint (issue 22's budget).
RSS_BUDGET_MB = 150
GAZETTEER = {"GB", "IE"}  # the countries whose towns the finder looks up offline by default
# wrk calls done() once at the end: print its own figures as one parseable line.
WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request_paths(args: argparse.Namespace) -> dict[str, list[str]]:
    """Addresses for each endpoint: random towns by population, random weekdays."""
    towns = load_towns(args.country)
    rng = random.Random(args.seed + 2)
    weights = [t.population for t in towns]
    api, finder = [], []
    for town in rng.choices(towns, weights=weights, k=PATHS_PER_ENDPOINT):
        lat, lng = scatter(rng, town, 2.0)
        day = str(rng.randrange(7))
        api_lat, api_lng = f"{lat:.5f}", f"{lng:.5f}"
        api.append(
            "/api/v1/meetings?"
            + urlencode({"lat": api_lat, "lng": api_lng, "radius_km": "10",
                         "day": day, "fellowship": "aa", "limit": "20"})
        )  # fmt: skip
        # A typed town where the offline gazetteer knows it, else "use my location".
        place = {"q": town.name} if town.country in GAZETTEER else {"lat": api_lat, "lng": api_lng}
        finder.append("/?" + urlencode({**place, "radius": "10km", "day": day, "fellowship": "aa"}))
    return {"healthz": ["/healthz"], "api": api, "finder": finder}


@contextmanager
def gunicorn(database_url: str, workers: int) -> Iterator[tuple[int, int]]:
    """gunicorn serving wsgi:app on a free port of 127.0.0.1, stopped whatever happens.

    Yields the port and the master's process id (its children are the workers)."""
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SITE_URL": "https://hub.example.org",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "wsgi:app"]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log
        )
        try:
            deadline = time.monotonic() + 60
            while not healthy(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise SystemExit("gunicorn did not start:\n" + log.read().decode()[-2000:])
                time.sleep(0.2)
            yield port, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def workers_rss_mb(master: int) -> list[float]:
    """The resident memory of each of the master's worker processes, in MB (Linux /proc)."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:  # the process ended while we looked
            continue
        if fields.get("PPid", "").strip() == str(master) and "VmRSS" in fields:
            sizes.append(round(int(fields["VmRSS"].split()[0]) / 1024, 1))
    return sorted(sizes)


def healthy(port: int) -> bool:
    conn = HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def warm(port: int, paths: list[str]) -> None:
    """A few requests first, so every worker has its connections, zones and templates."""
    for path in paths[:20]:
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"GET {path} answered {response.status}")
        finally:
            conn.close()


def load(
    port: int, paths: list[str], args: argparse.Namespace, folder: str, seconds: int
) -> dict[str, Any]:
    """One bounded wrk run of `seconds` over the given addresses."""
    script, listing = Path(folder, "paths.lua"), Path(folder, "paths.txt")
    script.write_text(WRK_SCRIPT)
    listing.write_text("\n".join(paths) + "\n")
    command = ["wrk", "--threads", "1", "--connections", str(args.connections)]
    command += ["--duration", f"{seconds}s", "--timeout", "5s", "--script", str(script)]
    command.append(f"http://127.0.0.1:{port}")
    output = subprocess.run(
        command,
        env={**os.environ, "BENCH_PATHS": str(listing)},
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("WRK "))
    raw = json.loads(line[4:])
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "requests": raw["requests"],
        "seconds": raw["duration_us"] / 1e6,
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "errors": errors,
    }


def combined(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """An endpoint's turns as one run: all its requests over all its time; the median turn's
    p50 and the worst turn's p99 and maximum (wrk gives percentiles, not its histogram)."""
    requests = sum(p["requests"] for p in parts)
    return {
        "requests": requests,
        "rps": round(requests / sum(p["seconds"] for p in parts), 1),
        "p50_ms": statistics.median(p["p50_ms"] for p in parts),
        "p99_ms": max(p["p99_ms"] for p in parts),
        "max_ms": max(p["max_ms"] for p in parts),
        "errors": sum(p["errors"] for p in parts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL server; default SQLite")
    parser.add_argument("--keep", default="", help="build once and reuse (file or database)")
    parser.add_argument("--country", default="", help="only towns of this country, e.g. GB")
    parser.add_argument("--seconds", type=int, default=20, help="load per endpoint (max 60)")
    # Two per sync worker: both always busy, one request waiting for each; more connections
    # only lengthen the queue (latency) without adding throughput.
    parser.add_argument("--connections", type=int, default=4, help="open at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--rounds", type=int, default=4, help="split each endpoint's load into this many turns"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.seconds = max(1, min(args.seconds, 60))
    args.rounds = max(1, min(args.rounds, args.seconds))
    slice_s = args.seconds // args.rounds
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk); nothing measured.")
        print(json.dumps({"skipped": "wrk not installed"}))
        return
    paths = request_paths(args)
    results: dict[str, dict[str, Any]] = {}
    with throwaway_database(args.database_url, args.keep) as url:
        app = bench_app(url)
        with app.app_context():
            dialect = db.engine.dialect.name
            ensure_meetings(args.meetings, load_towns(args.country), args.seed)
            warmed = warm_database()
            db.session.remove()
            db.engine.dispose()
        load_average = os.getloadavg()[0]
        with gunicorn(url, args.workers) as (port, master), tempfile.TemporaryDirectory() as folder:
            for endpoint_paths in paths.values():
                warm(port, endpoint_paths)
            rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in paths}
            for number in range(args.rounds):
                for name, endpoint_paths in paths.items():
                    print(f"  round {number + 1}: loading {name} for {slice_s} s ...",
                          file=sys.stderr)  # fmt: skip
                    rounds[name].append(load(port, endpoint_paths, args, folder, slice_s))
            rss = workers_rss_mb(master)  # after every endpoint's load, as the issue asks
    results = {name: combined(parts) for name, parts in rounds.items()}
    shares = [
        (a["rps"] / h["rps"], f["rps"] / h["rps"])
        for h, a, f in zip(rounds["healthz"], rounds["api"], rounds["finder"], strict=True)
    ]
    share = results["api"]["rps"] / results["healthz"]["rps"]
    page_share = results["finder"]["rps"] / results["healthz"]["rps"]
    print()
    print(f"meetings  {args.meetings:,}   database  {dialect}   gunicorn workers  {args.workers}"
          f"   wrk connections  {args.connections}   {args.seconds} s each"
          f" in {args.rounds} turns"
          f"   load average before  {load_average:.2f}")  # fmt: skip
    print(f"before loading: {warmed}")
    print(f"{'':10}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for name, r in results.items():
        print(f"{name:10}{r['requests']:>10}{r['rps']:>10.1f}{r['p50_ms']:>10.2f}"
              f"{r['p99_ms']:>10.2f}{r['errors']:>8}")  # fmt: skip
    print(f"search API throughput: {share:.0%} of /healthz; finder page {page_share:.0%}")
    print("the same, round by round: "
          + ", ".join(f"{a:.0%} and {f:.0%}" for a, f in shares))  # fmt: skip
    if rss:
        verdict = "within" if max(rss) <= RSS_BUDGET_MB else "OVER"
        print(f"worker RSS after the load: {', '.join(f'{r:.0f} MB' for r in rss)}"
              f" ({verdict} the {RSS_BUDGET_MB} MB budget)")  # fmt: skip
    print(
        json.dumps(
            {
                "meetings": args.meetings,
                "database": dialect,
                "workers": args.workers,
                "connections": args.connections,
                "seconds": args.seconds,
                "rounds": args.rounds,
                "load_average": round(load_average, 2),
                **{name: r for name, r in results.items()},
                "api_share_of_healthz": round(share, 2),
                "finder_share_of_healthz": round(page_share, 2),
                "shares_by_round": [[round(a, 2), round(f, 2)] for a, f in shares],
                "worker_rss_mb": rss,
                "rss_budget_mb": RSS_BUDGET_MB,
            }
        )
    )


if __name__ == "__main__":
    main()
