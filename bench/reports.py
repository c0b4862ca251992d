"""How fast is a year's linkage report? N referrals with clients and follow-ups, bulk loaded.

Builds treatment organisations in a few areas, meetings of five fellowships, N clients and N
referrals spread over the last --months months (link methods, who made the link, statuses and
first-meeting rates shaped like the trials: 33% signposted, 48% worker- and 64% peer-introduced),
and 7/30/90-day follow-ups for four in five referrals (the rest gave no follow-up consent).
Rows go in with PostgreSQL COPY, or executemany on SQLite.

Then times `reports.linkage.build` for the last twelve months as a commissioner sees it (every
organisation, small numbers suppressed): the SQL aggregate, the roll-ups and suppression. Prints
the figures, then one line of JSON (the last line) for scripts to read.

    .venv/bin/python bench/reports.py --referrals 100000
    .venv/bin/python bench/reports.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, select, text
from synthetic import throwaway_database

import community_hub.models  # noqa: F401 - the whole schema, before anything builds a model
from community_hub import create_app
from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship, Meeting
from community_hub.referrals.models import Client, FollowUp, Referral
from community_hub.reports import linkage
from community_hub.reports.filters import Filters, last_twelve_months
from community_hub.reports.linkage_query import statement

AREAS = ("Doncaster", "Calderdale", "Bradford district", "East Lancashire", "Cardiff", "Swansea")
FELLOWSHIPS = ("aa", "na", "ca", "smart", "al-anon")
METHODS = (
    ("signpost", 0.4),
    ("in_session_call", 0.2),
    ("warm_handover", 0.2),
    ("accompanied", 0.2),
)
ATTEND = {"signposted": 0.33, "worker": 0.48, "peer": 0.64}  # Manning et al. 2012
DISTRICTS = ("DN1", "DN2", "DN4", "DN5", "S64", "HX1", "HX3", "BD1", "BB11", "CF24", "SA1")
BATCH = 20_000


def fill(table: Table, row: dict[str, Any], now: datetime) -> tuple[Any, ...]:
    """Every column of a row: given values, else the model's Python-side default."""
    values = []
    for column in table.columns:
        if column.name in row:
            values.append(row[column.name])
        elif column.default is not None and column.default.is_scalar:
            values.append(column.default.arg)  # type: ignore[attr-defined]
        elif column.default is not None:
            values.append(now)  # the only callable defaults here are timestamps
        else:
            values.append(None)
    return tuple(values)


def referral_rows(
    rng: random.Random, n: int, months: int, orgs: list[int], meetings: list[int], today: date
) -> Iterator[tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]]:
    """(client, referral, follow-ups) for N referrals made over the last `months` months."""
    span = months * 30
    methods, weights = zip(*METHODS, strict=True)
    follow_id = 0
    for i in range(1, n + 1):
        org = rng.choice(orgs)
        made = today - timedelta(days=rng.randrange(span))
        method = rng.choices(methods, weights)[0]
        made_by = "peer" if method != "signpost" and rng.random() < 0.35 else "worker"
        who = "signposted" if method == "signpost" else made_by
        attended = rng.random() < ATTEND[who]
        first = made + timedelta(days=min(int(rng.expovariate(1 / 9)), 200)) if attended else None
        if first is not None and first > today:
            first = None
        lost = not attended and rng.random() < 0.4
        status = "closed" if lost else ("engaged" if attended else "requested")
        planned = made + timedelta(days=rng.randrange(1, 10))
        client = {"id": i, "organisation_id": org, "reference": f"B{i}",
                  "postcode_district": rng.choice(DISTRICTS), "created_at": made}  # fmt: skip
        referral = {
            "id": i, "organisation_id": org, "client_id": i, "meeting_id": rng.choice(meetings),
            "link_method": method, "made_by": made_by, "planned_first_meeting": planned,
            "status": status, "closed_reason": "lost_to_follow_up" if lost else "",
            "first_meeting_attended_on": first,
            "created_at": datetime.combine(made, datetime.min.time()) + timedelta(hours=10),
        }  # fmt: skip
        follow_ups = []
        if rng.random() < 0.8:
            for offset in (7, 30, 90):
                due = planned + timedelta(days=offset)
                done = due <= today and rng.random() < 0.75
                follow_id += 1
                weekly = attended and rng.random() < (0.7 if offset == 30 else 0.55)
                follow_ups.append({
                    "id": follow_id, "referral_id": i, "day_offset": offset, "due_on": due,
                    "status": "done" if done else "due", "completed_on": due if done else None,
                    "attended_first_meeting": attended if done else None,
                    "attending_weekly": weekly if done else None,
                    "has_sponsor_or_mentor": (weekly and rng.random() < 0.4) if done else None,
                })  # fmt: skip
        yield client, referral, follow_ups


def load(dialect: str, tables: Sequence[Table], batches: Iterator[list[list[tuple[Any, ...]]]]):
    """Bulk insert: COPY on PostgreSQL, executemany on SQLite, one transaction per batch."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for batch in batches:
            for table, rows in zip(tables, batch, strict=True):
                names = ", ".join(c.name for c in table.columns)
                if dialect == "postgresql":
                    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join("?" for _c in table.columns)
                    cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)  # noqa: S608
            raw.commit()
    finally:
        raw.close()


def build(args: argparse.Namespace, today: date) -> None:
    rng = random.Random(args.seed)
    dialect = db.engine.dialect.name
    orgs = [
        Organisation(name=f"Service {i}", slug=f"b-{i}", kind="treatment", area=AREAS[i % 6])
        for i in range(args.organisations)
    ]
    fellowships = [Fellowship(slug=s, name=s.upper(), short_name=s.upper()) for s in FELLOWSHIPS]
    intergroup = Organisation(name="Bench intergroup", slug="bench-ig", kind="fellowship")
    db.session.add_all([*orgs, *fellowships, intergroup])
    db.session.flush()
    meetings = [
        Meeting(slug=f"bench-m{i}", name=f"Meeting {i}", fellowship_id=fellowships[i % 5].id,
                organisation_id=intergroup.id, day=i % 7, start_time=datetime.min.time(),
                timezone="Europe/London", types=",O,")
        for i in range(200)
    ]  # fmt: skip
    db.session.add_all(meetings)
    db.session.commit()
    now = datetime.now(UTC).replace(tzinfo=None)
    tables = [Client.__table__, Referral.__table__, FollowUp.__table__]
    rows = referral_rows(rng, args.referrals, args.months, [o.id for o in orgs],
                         [m.id for m in meetings], today)  # fmt: skip

    def batches() -> Iterator[list[list[tuple[Any, ...]]]]:
        done = 0
        while done < args.referrals:
            batch: list[list[tuple[Any, ...]]] = [[], [], []]
            for client, referral, follow_ups in rows:
                batch[0].append(fill(tables[0], client, now))
                batch[1].append(fill(tables[1], referral, now))
                batch[2].extend(fill(tables[2], f, now) for f in follow_ups)
                if len(batch[0]) == BATCH:
                    break
            done += len(batch[0])
            print(f"\r  loaded {done:,}/{args.referrals:,}", end="", file=sys.stderr, flush=True)
            yield batch

    load(dialect, tables, batches())
    print(file=sys.stderr)
    if dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE client, referral, follow_up"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def plan(dialect: str, filters: Filters) -> str:
    compiled = statement(filters).compile(db.engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    rows = db.session.execute(text(prefix + str(compiled))).all()
    return "\n".join("    " + str(r[-1]) for r in rows)


def run(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    app = create_app(
        {"APP_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url}
    )
    today = datetime.now(UTC).date()
    with app.app_context(), app.test_request_context():
        dialect = db.engine.dialect.name
        db.create_all()
        started = time.perf_counter()
        if args.keep and db.session.scalar(select(func.count(Referral.id))) == args.referrals:
            print("Reusing the referrals already built.", file=sys.stderr)
        else:
            print(f"Loading {args.referrals:,} referrals into {dialect} ...", file=sys.stderr)
            build(args, today)
        load_s = time.perf_counter() - started
        filters = Filters(*last_twelve_months(today))
        timings, sql_timings = [], []
        report = linkage.build(filters, True)  # warm caches
        for _run in range(args.runs):
            db.session.remove()
            started = time.perf_counter()
            db.session.execute(statement(filters)).all()
            sql_timings.append(time.perf_counter() - started)
            db.session.remove()
            started = time.perf_counter()
            report = linkage.build(filters, True)
            timings.append(time.perf_counter() - started)
        unsuppressed = linkage.build(filters, False)
        summary = {r.key: r.cells[0].value for r in unsuppressed.table("summary").rows}
        shown = sum(1 for t in report.tables for r in t.rows for c in r.cells if c.shown)
        query_plan = plan(dialect, filters)
        db.session.remove()
        db.engine.dispose()
    p50, best = statistics.median(timings), min(timings)
    print()
    print(f"referrals {args.referrals:,} over {args.months} months   database {dialect}"
          f"   load {load_s:.1f} s")  # fmt: skip
    print(f"linkage report for {filters.start} to {filters.end}:")
    for key, value in summary.items():
        print(f"  {key:12} {value:>10,.0f}")
    print(f"query plan:\n{query_plan}")
    print(f"{'':32}{'runs':>6}{'p50 s':>10}{'min s':>10}")
    print(f"{'SQL alone, default work_mem':32}{len(sql_timings):>6}"
          f"{statistics.median(sql_timings):>10.3f}{min(sql_timings):>10.3f}")  # fmt: skip
    print(f"{'whole report (suppressed)':32}{len(timings):>6}{p50:>10.3f}{best:>10.3f}")
    return {
        "referrals": args.referrals,
        "in_year": int(summary["referrals"] or 0),
        "database": dialect,
        "p50_s": round(p50, 3),
        "min_s": round(best, 3),
        "sql_p50_s": round(statistics.median(sql_timings), 3),
        "figures_shown": shown,
        "target_s": 2.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--referrals", type=int, default=1_000_000, help="referrals to build")
    parser.add_argument("--months", type=int, default=12, help="spread them over this many months")
    parser.add_argument("--organisations", type=int, default=30)
    parser.add_argument("--database-url", default="", help="PostgreSQL server; default SQLite")
    parser.add_argument("--runs", type=int, default=5, help="timed builds of the report")
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
