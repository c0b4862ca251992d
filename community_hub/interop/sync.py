"""`flask sync-feeds`: bring each subscribed feed's meetings up to date, one source at a time.

Each source is fetched with a conditional GET (ETag / Last-Modified: an unchanged feed costs a
304 and nothing else), read, and applied in one transaction, recorded in the listings'
history as a feed subscription. A meeting missing from the feed is archived only when it has
been missing from two fetches in a row. A source that fails, or sends something that is not a
feed (not JSON, not a list, no usable meeting), changes nothing: its coordinators are told
once when it starts failing, and see the error on their subscriptions page.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from community_hub.auth.models import utcnow
from community_hub.dates import date_and_time
from community_hub.extensions import db
from community_hub.interop.feed_import import FeedError, ImportReport, import_feed, read_upload
from community_hub.interop.fetch import FetchFailed, fetch
from community_hub.interop.models import FeedSource
from community_hub.jobs import emails
from community_hub.jobs.outbox import notify_organisation
from community_hub.listings import history
from community_hub.meetings.models import Meeting
from community_hub.urls import site_url

MISSES_TO_ARCHIVE = 2


@dataclass
class SyncResult:
    key: str
    status: str  # ok, unchanged, failed
    counts: dict[str, int] | None = None
    error: str = ""
    last_success: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def line(self) -> str:
        """One line of the per-source report."""
        success = f"last success {self.last_success or 'never'}"
        if self.failed:
            return f"{self.key}: FAILED, nothing changed: {self.error} ({success})"
        if self.status == "unchanged":
            archived = (self.counts or {}).get("archived", 0)
            return (
                f"{self.key}: unchanged since the last fetch (304), archived {archived} ({success})"
            )
        counts = self.counts or {}
        parts = ", ".join(f"{name} {counts.get(name, 0)}" for name in REPORTED)
        return f"{self.key}: {parts} ({success})"


REPORTED = ("added", "changed", "archived", "missing", "unchanged", "rejected", "warnings")


class NotAFeed(Exception):
    pass


def _usable(rows: list, report: ImportReport) -> None:
    """Garbage is refused whole rather than read as 'every meeting has gone'."""
    if not rows:
        raise NotAFeed("the feed is an empty list: no meetings at all, so it was not applied")
    planned = report.unchanged + len(report.added) + len(report.changed)
    if planned == 0:
        raise NotAFeed(
            f"none of its {len(rows)} rows could be read as a meeting, so it was not applied"
        )


def sync_source(source: FeedSource) -> SyncResult:
    """Fetch and apply one source in its own transaction; on any failure, change nothing."""
    source_id, key = source.id, source.key
    try:
        fetched = fetch(
            source.url,
            source.etag,
            source.last_modified,
            allow_private=bool(current_app.config["FEED_PRIVATE_ADDRESSES"]),
        )
        if fetched.not_modified:
            archived = _still_missing(source)
            source.last_fetched_at = source.last_success_at = utcnow()
            source.last_status, source.last_error, source.failures = "unchanged", "", 0
            source.last_report = dict.fromkeys(REPORTED, 0) | {"archived": archived}
            db.session.commit()
            return SyncResult(key, "unchanged", source.last_report, last_success=_when(source))
        rows = read_upload(source.url.split("?")[0], fetched.body)
        report = import_feed(
            rows,
            source.organisation,
            source.fellowship,
            apply=True,
            source=source,
            misses_to_archive=MISSES_TO_ARCHIVE,
        )
        _usable(rows, report)
    except (FetchFailed, FeedError, NotAFeed) as error:
        return _failed(source_id, str(error))
    except SQLAlchemyError as error:
        # Something in the feed the database would not take: never half a source.
        return _failed(source_id, f"its meetings could not be saved ({type(error).__name__})")
    source.etag, source.last_modified = fetched.etag, fetched.last_modified
    source.last_fetched_at = source.last_success_at = utcnow()
    source.last_status, source.last_error, source.failures = "ok", "", 0
    source.last_report = report.counts()
    db.session.commit()
    return SyncResult(key, "ok", report.counts(), last_success=_when(source))


def _still_missing(source: FeedSource) -> int:
    """A 304 is a fetch too: meetings the feed left out last time are still left out."""
    missing = db.session.scalars(
        select(Meeting).where(
            Meeting.source_id == source.id,
            Meeting.source_missing > 0,
            Meeting.archived_at.is_(None),
        )
    ).all()
    archived = 0
    with history.recorded_as("sync", source.name):
        for meeting in missing:
            meeting.source_missing += 1
            if meeting.source_missing >= MISSES_TO_ARCHIVE:
                meeting.archived_at = utcnow()
                archived += 1
    return archived


def _when(source: FeedSource) -> str:
    return date_and_time(source.last_success_at) if source.last_success_at else ""


def _failed(source_id: int, error: str) -> SyncResult:
    """Undo everything this source's run did, then record the failure (and tell, once)."""
    db.session.rollback()
    source = db.session.get(FeedSource, source_id)
    assert source is not None
    source.last_fetched_at = utcnow()
    source.last_status, source.last_error = "failed", error[:2000]
    source.failures += 1
    if source.failures == 1:
        notify_organisation(
            source.organisation, emails.feed_sync_failed, source=source.name, error=error,
            link=site_url("feeds.subscriptions"),
        )  # fmt: skip
    db.session.commit()
    return SyncResult(source.key, "failed", error=error, last_success=_when(source))


def sync_all(key: str | None = None) -> list[SyncResult]:
    """Every active subscription (or the one with this key), each on its own."""
    stmt = select(FeedSource).where(FeedSource.url != "", FeedSource.active.is_(True))
    if key is not None:
        stmt = stmt.where(FeedSource.key == key)
    ids = list(db.session.scalars(stmt.with_only_columns(FeedSource.id).order_by(FeedSource.id)))
    db.session.commit()
    results = []
    for source_id in ids:
        source = db.session.get(FeedSource, source_id)
        if source is not None:
            results.append(sync_source(source))
    return results
