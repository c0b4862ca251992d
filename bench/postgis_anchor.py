"""The query a PostgreSQL user would write instead: PostGIS, timed beside ours (issue 22).

When the PostgreSQL server has PostGIS (Debian: apt-get install postgresql-15-postgis-3), the
bench's own database gets the extension, a `geog geography(Point, 4326)` column filled from
the meetings' positions and a GiST index on it. The same searches (10 km, one weekday, AA,
the 20 nearest) are then run as a KNN query:

    ... WHERE <the same filters> AND ST_DWithin(geog, :point, 10000)
    ORDER BY geog <-> :point LIMIT 20

with and without `count(*) OVER ()` for the total our API returns, and once more followed by
the same read of the page's rows our API does. The app itself does not use PostGIS; only the
bench's database is changed.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from community_hub.extensions import db
from community_hub.meetings.listing import meeting_rows
from community_hub.meetings.search import MeetingQuery

_FILTERS = """
    archived_at IS NULL AND attendance IN ('in_person', 'hybrid', 'online')
    AND day = :day AND fellowship_id = :fellowship
    AND ST_DWithin(geog, ST_SetSRID(ST_MakePoint(:lng, :lat), 4326)::geography, :metres)
"""
_ORDER = "ORDER BY geog <-> ST_SetSRID(ST_MakePoint(:lng, :lat), 4326)::geography LIMIT :limit"
KNN = text(f"SELECT id FROM meeting WHERE {_FILTERS} {_ORDER}")  # noqa: S608
KNN_TOTAL = text(f"SELECT id, count(*) OVER () FROM meeting WHERE {_FILTERS} {_ORDER}")  # noqa: S608


def prepare() -> str | None:
    """Add PostGIS, the column and its index to the bench database; None if there is none."""
    db.session.remove()  # the timed searches' transaction would hold ALTER TABLE up for ever
    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SET lock_timeout = '60s'"))  # fail plainly rather than hang
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
            conn.execute(text("ALTER TABLE meeting ADD COLUMN IF NOT EXISTS geog geography"))
            conn.execute(
                text(
                    "UPDATE meeting SET geog = ST_SetSRID(ST_MakePoint(longitude, latitude), "
                    "4326)::geography WHERE latitude IS NOT NULL AND geog IS NULL"
                )
            )
            conn.execute(
                text(
                    "CREATE INDEX IF NOT EXISTS ix_bench_meeting_geog ON meeting USING gist (geog)"
                )
            )
            conn.execute(text("VACUUM ANALYZE meeting"))
            version = conn.execute(text("SELECT postgis_lib_version()")).scalar()
    except SQLAlchemyError as error:
        message = str(error).splitlines()[0]
        return None if "postgis" in message.lower() else f"PostGIS failed: {message}"
    return f"PostGIS {version}"


def _values(query: MeetingQuery, fellowship_id: int) -> dict[str, Any]:
    (day,) = query.days
    assert query.radius_km is not None
    return {
        "day": day, "fellowship": fellowship_id, "lat": query.lat, "lng": query.lng,
        "metres": query.radius_km * 1000.0, "limit": query.limit,
    }  # fmt: skip


def time_knn(
    queries: list[MeetingQuery], fellowship_id: int, with_total: bool, with_rows: bool = False
) -> tuple[list[float], list[list[int]], list[int]]:
    """Milliseconds per search, the ids it returned, and the totals (with_total only).

    `with_rows` also reads the page's listed fields as our API does (`meeting_rows`), so the
    time compares with our search's, rows and all."""
    statement = KNN_TOTAL if with_total else KNN
    elapsed, pages, totals = [], [], []
    for query in queries:
        db.session.remove()
        start = time.perf_counter()
        rows = db.session.execute(statement, _values(query, fellowship_id)).all()
        if with_rows:
            meeting_rows([row[0] for row in rows])
        elapsed.append((time.perf_counter() - start) * 1000.0)
        pages.append([row[0] for row in rows])
        totals.append(rows[0][1] if with_total and rows else 0)
    db.session.remove()
    return elapsed, pages, totals
