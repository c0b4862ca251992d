"""How long do feeds take at directory scale, and how much memory? Export, then import it back.

Builds N synthetic meetings (see synthetic.py), then, each in a fresh process so its peak
memory is its own:

  export   GET /api/meetings.json through the app, streamed to a file a piece at a time
  import   `flask import-feed FILE --organisation bench-import --apply` of that same file into
           an empty database with the fellowships (every meeting is new: the slowest case)

Reports time and peak resident memory (RSS) of each, the feed's size, and checks the import
added every meeting. Prints a table, then one line of JSON (the last line) for scripts.

    .venv/bin/python bench/feed.py --meetings 100000
    .venv/bin/python bench/feed.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from synthetic import FELLOWSHIPS, bench_app, ensure_meetings, load_towns, throwaway_database

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship, Meeting

ROOT = Path(__file__).resolve().parent.parent


def export_to(database_url: str, path: str) -> None:
    """Child process: stream the Meeting Guide feed through the app into a file."""
    app = bench_app(database_url, SERVER_NAME="hub.example.org")
    client = app.test_client()
    response = client.get("/api/meetings.json", buffered=False)
    assert response.status_code == 200, response.status_code
    with open(path, "wb") as out:
        for piece in response.iter_encoded():
            out.write(piece)
    response.close()


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a command; its wall time in seconds and its own peak RSS in MB."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command[:4])} ... failed")
    return elapsed, usage.ru_maxrss / 1024  # Linux reports kilobytes


def prepare_import_target(url: str) -> None:
    """An empty schema with the organisation and fellowships the import needs."""
    app = bench_app(url)
    with app.app_context():
        db.create_all()
        db.session.add(Organisation(name="Import test", slug="bench-import", kind="fellowship"))
        db.session.add_all(
            Fellowship(slug=slug, name=name, short_name=slug.upper(), type_codes="")
            for slug, (name, _share) in FELLOWSHIPS.items()
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def count_meetings(url: str) -> int:
    app = bench_app(url)
    with app.app_context():
        count = int(db.session.scalar(select(func.count(Meeting.id))) or 0)
        db.session.remove()
        db.engine.dispose()
    return count


def run(args: argparse.Namespace, folder: str) -> dict[str, Any]:
    feed = os.path.join(folder, "meetings.json")
    with throwaway_database(args.database_url, args.keep) as source:
        app = bench_app(source)
        with app.app_context():
            dialect = db.engine.dialect.name
            ensure_meetings(args.meetings, load_towns(args.country), args.seed)
            listed = db.session.scalar(
                select(func.count(Meeting.id)).where(Meeting.archived_at.is_(None))
            )
            db.session.remove()
            db.engine.dispose()
        print("  exporting ...", file=sys.stderr)
        export_s, export_mb = measured(
            [sys.executable, __file__, "--export-from", source, "--export-to", feed],
            dict(os.environ),
        )
    size_mb = os.path.getsize(feed) / 1e6
    with throwaway_database(args.database_url) as target:
        prepare_import_target(target)
        env = {
            **os.environ,
            "APP_ENV": "production",
            "SITE_URL": "https://hub.example.org",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": target,
            "FLASK_APP": "wsgi",
        }
        print("  importing ...", file=sys.stderr)
        command = [sys.executable, "-m", "flask", "import-feed", feed]
        command += ["--organisation", "bench-import", "--fellowship", "aa", "--apply"]
        import_s, import_mb = measured(command, env)
        imported = count_meetings(target)
    print()
    print(f"meetings  {args.meetings:,} ({listed:,} listed)   database  {dialect}"
          f"   feed  {size_mb:.1f} MB   load average  {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"{'':10}{'seconds':>10}{'peak RSS MB':>14}")
    print(f"{'export':10}{export_s:>10.1f}{export_mb:>14.0f}")
    print(f"{'import':10}{import_s:>10.1f}{import_mb:>14.0f}")
    print(f"imported {imported:,} of {listed:,} meetings")
    return {
        "meetings": args.meetings,
        "database": dialect,
        "feed_mb": round(size_mb, 1),
        "export_s": round(export_s, 1),
        "export_peak_rss_mb": round(export_mb),
        "import_s": round(import_s, 1),
        "import_peak_rss_mb": round(import_mb),
        "imported": imported,
        "load_average": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL server; default SQLite")
    parser.add_argument("--keep", default="", help="build once and reuse (file or database)")
    parser.add_argument("--country", default="", help="only towns of this country, e.g. GB")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--export-from", default="", help=argparse.SUPPRESS)
    parser.add_argument("--export-to", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_from:
        export_to(args.export_from, args.export_to)
        return
    with tempfile.TemporaryDirectory(prefix="bench-feed-") as folder:
        figures = run(args, folder)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
