"""Importing a Meeting Guide feed into an organisation, from one source.

Each row is read on its own (interop/feed_rows.py): a row that cannot be used is rejected and
reported while the good rows apply, unless `strict`, which saves nothing when any row is
rejected. Meetings are matched by their slug within the source, so two feeds may both use
`369`; a new meeting keeps the source's slug on our pages when it is free and readable, and is
otherwise given one prefixed with the source's key (`kc-369`). Once given, a meeting's slug
never changes. Meetings of the source missing from the feed are archived (not deleted): at
once for a file imported by hand, after two fetches in a row for a subscription.
Re-importing the same feed changes nothing. Every change is in the listings' history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, or_, select

from community_hub.areas.services import drop_derived_regions
from community_hub.auth.models import Organisation, utcnow
from community_hub.extensions import db
from community_hub.interop.feed_files import FeedError, parse_feed, read_upload, too_deep
from community_hub.interop.feed_places import VENUE_FIELDS, Venues, place_venues, venue_matches
from community_hub.interop.feed_rows import SLUG_RE, Planned, RowProblem, read_row
from community_hub.interop.feed_rows import TIME_24 as TIME_RE
from community_hub.interop.meeting_guide import dial_in
from community_hub.interop.models import FeedSource
from community_hub.interop.sources import SLUG_BATCH, direct_source, public_slugs
from community_hub.listings import history
from community_hub.meetings.models import Fellowship, Meeting, Venue

__all__ = [
    "SLUG_RE", "TIME_RE", "FeedError", "ImportReport", "RowError", "import_feed",
    "parse_feed", "read_upload", "too_deep",
]  # fmt: skip


@dataclass(frozen=True)
class RowError:
    """A problem with one row of any of our imports (resources, volunteers)."""

    row: int  # 1-based position in the file
    slug: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row} ({self.slug or 'no slug'}): {self.message}"


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # archived by this run
    missing: list[str] = field(default_factory=list)  # missing, kept until the next fetch
    unchanged: int = 0
    errors: list[RowProblem] = field(default_factory=list)  # rejected rows
    warnings: list[RowProblem] = field(default_factory=list)
    applied: bool = False
    strict: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors})

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "archived": len(self.removed),
            "missing": len(self.missing),
            "unchanged": self.unchanged,
            "rejected": self.rejected_rows,
            "warnings": len(self.warnings),
        }


# ---- matching --------------------------------------------------------------------------------

INSERT_BATCH = 5000


def _existing(source: FeedSource, organisation: Organisation, slugs: list[str]) -> dict:
    """The source's meetings by source slug; for hand imports, the organisation's older
    meetings (from before sources, or made on the site) by their own slug."""
    found: dict[str, Meeting] = {}
    legacy = source.url == ""
    for start in range(0, len(slugs), SLUG_BATCH):
        batch = slugs[start : start + SLUG_BATCH]
        stmt = select(Meeting).where(Meeting.source_id == source.id, Meeting.source_slug.in_(batch))
        found.update((m.source_slug, m) for m in db.session.scalars(stmt))
        if legacy:
            older = select(Meeting).where(
                Meeting.organisation_id == organisation.id,
                Meeting.source_id.is_(None),
                Meeting.slug.in_(batch),
            )
            for meeting in db.session.scalars(older):
                found.setdefault(meeting.slug, meeting)
    return found


def _current(source: FeedSource, organisation: Organisation) -> list[Meeting]:
    """The listed meetings this source keeps (hand imports: the organisation's unsourced too)."""
    owned = Meeting.source_id == source.id
    if source.url == "":
        owned = or_(
            owned, (Meeting.organisation_id == organisation.id) & Meeting.source_id.is_(None)
        )
    return list(db.session.scalars(select(Meeting).where(owned, Meeting.archived_at.is_(None))))


def _from_rejected(key: str, rejected: set[str]) -> bool:
    """A meeting whose row was rejected this time is kept as it was, not counted missing."""
    return key in rejected or key.rpartition("-")[0] in rejected


def _key_of(meeting: Meeting) -> str:
    return meeting.source_slug if meeting.source_id is not None else meeting.slug


def _same(key: str, held: Any, given: Any) -> bool:
    if key == "updated_at" and held is not None and given is not None:
        return bool(held.replace(microsecond=0) == given)  # feeds give whole seconds
    if key == "conference_phone":
        return dial_in(held or "") == dial_in(given or "")  # "+1 555 0100" is +15550100
    return bool(held == given)


def _matches(meeting: Meeting, planned: Planned) -> bool:
    if meeting.archived_at is not None:
        return False
    if not all(_same(k, getattr(meeting, k), v) for k, v in planned.values.items()):
        return False
    if (meeting.venue is None) != (planned.venue is None):
        return False
    return meeting.venue is None or venue_matches(meeting.venue, planned.venue or {})


# ---- the import ------------------------------------------------------------------------------


def import_feed(
    rows: Iterable[Any],
    organisation: Organisation,
    fellowship: Fellowship,
    apply: bool,
    progress: Callable[[int], None] | None = None,
    *,
    source: FeedSource | None = None,
    strict: bool = False,
    timezone: str = "",
    user: Any = None,
    misses_to_archive: int = 1,
) -> ImportReport:
    """Check every row, work out what would change, and (if asked) apply the good rows."""
    source = source or direct_source(organisation, fellowship)
    report = ImportReport(strict=strict)
    plans: list[Planned] = []
    seen: set[str] = set()
    rejected: set[str] = set()
    default_zone = timezone or source.timezone or organisation.timezone or "Europe/London"
    for position, row in enumerate(rows, start=1):
        read = read_row(position, row, default_zone)
        report.errors += read.errors
        report.warnings += read.warnings
        rejected |= {e.slug for e in read.errors if e.slug}
        for item in read.plans:
            entity = item.values.get("entity")
            if entity and entity.get("entity") == organisation.name:
                item.values["entity"] = None  # our own listing, coming back: it is ours
            if item.slug in seen:
                report.errors.append(
                    RowProblem(position, item.slug, "slug", "the same slug appears twice")
                )
                continue
            seen.add(item.slug)
            plans.append(item)
        if progress:
            progress(1)
    existing = _existing(source, organisation, sorted(seen))
    venues = Venues(organisation)
    place_venues(plans, report.warnings, venues)
    for plan in plans:
        drop_derived_regions(plan.values, plan.venue)
    added: list[Planned] = []
    changed: list[Planned] = []
    unchanged: list[Planned] = []
    for item in plans:
        meeting = existing.get(item.slug)
        if meeting is None:
            added.append(item)
        elif _matches(meeting, item):
            report.unchanged += 1
            unchanged.append(item)
        else:
            changed.append(item)
    missing = [
        m
        for m in _current(source, organisation)
        if _key_of(m) not in seen and not _from_rejected(_key_of(m), rejected)
    ]
    archive = [m for m in missing if m.source_missing + 1 >= misses_to_archive]
    report.removed = sorted(m.slug for m in archive)
    report.missing = sorted(m.slug for m in missing if m not in archive)
    slugs = public_slugs(source, [p.slug for p in added])
    report.added = [slugs[p.slug] for p in added]
    report.changed = [existing[p.slug].slug for p in changed]
    if not apply or (strict and report.errors):
        return report
    kind = "sync" if source.url else "import"
    with history.recorded_as(kind, source.name, user):
        _apply(source, organisation, fellowship, changed, existing, venues)
        _insert_new(added, slugs, source, organisation, fellowship, venues)
        for meeting in missing:
            meeting.source_missing += 1
            if meeting in archive:
                meeting.archived_at = utcnow()
        for item in unchanged:  # older meetings join the source quietly
            meeting = existing[item.slug]
            if (meeting.source_id, meeting.source_slug) != (source.id, item.slug):
                meeting.source_id, meeting.source_slug = source.id, item.slug
        for item in plans:
            meeting = existing.get(item.slug)
            if meeting is not None and meeting.source_missing:
                meeting.source_missing = 0
    report.applied = True
    return report


def _apply(
    source: FeedSource,
    organisation: Organisation,
    fellowship: Fellowship,
    changed: list[Planned],
    existing: dict[str, Meeting],
    venues: Venues,
) -> None:
    # Nothing is read while rows are changed, so nothing needs flushing until the end.
    with db.session.no_autoflush:
        for item in changed:
            meeting = existing[item.slug]
            for key, value in item.values.items():
                setattr(meeting, key, value)
            meeting.source_id, meeting.source_slug = source.id, item.slug
            meeting.fellowship = fellowship
            meeting.venue = venues.get(item.venue) if item.venue else None
            meeting.archived_at = None
            if "updated_at" not in item.values:
                meeting.updated_at = utcnow()
            meeting.refresh_derived()
    db.session.flush()


NO_CONTACT = {
    "contact_name": "", "contact_email": "", "contact_phone": "", "contact_2_name": "",
    "contact_2_email": "", "contact_2_phone": "", "contact_3_name": "", "contact_3_email": "",
    "contact_3_phone": "", "contact_public": False,
}  # fmt: skip
DERIVED = ("attendance", "latitude", "longitude", "lat_band", "region", "timezone")
DERIVED_FROM = ("types", "conference_url", "conference_phone", "timezone", "region")


def _insert_new(
    plans: list[Planned],
    slugs: dict[str, str],
    source: FeedSource,
    organisation: Organisation,
    fellowship: Fellowship,
    venues: Venues,
) -> None:
    """Add new meetings (and their new venues) with bulk INSERTs, a batch of rows at a time.

    A whole feed of new meetings through the ORM's unit of work takes minutes at 100,000;
    this takes seconds. The derived columns come from the model's own `refresh_derived`, run
    on a transient copy, so they are exactly what a meeting saved one at a time would get.
    """
    if not plans:
        return
    places: dict[int, Venue] = {}
    with db.session.no_autoflush:
        for item in plans:
            if item.venue is not None:
                places[id(item)] = venues.get(item.venue)
    db.session.flush()  # new venues get their ids
    stamp = utcnow()
    rows = []
    for item in plans:
        # Never in the session: only what refresh_derived reads, as building ORM objects costs.
        meeting = Meeting(**{k: item.values[k] for k in DERIVED_FROM if k in item.values})
        venue = places.get(id(item))
        if venue is not None:
            meeting.venue = Venue(**{f: getattr(venue, f) for f in VENUE_FIELDS})
        meeting.refresh_derived()
        rows.append(
            NO_CONTACT
            | {"created_at": stamp, "updated_at": stamp, "regions": [], "entity": None}
            | item.values
            | {c: getattr(meeting, c) for c in DERIVED}
            | {"slug": slugs[item.slug], "source_id": source.id, "source_slug": item.slug}
            | {"organisation_id": organisation.id, "fellowship_id": fellowship.id}
            | {"venue_id": venue.id if venue is not None else None, "archived_at": None}
            | {"source_missing": 0, "last_confirmed": None}
        )
    for start in range(0, len(rows), INSERT_BATCH):
        batch = rows[start : start + INSERT_BATCH]
        ids = db.session.scalars(
            insert(Meeting).returning(Meeting.id, sort_by_parameter_order=True), batch
        ).all()
        history.record_bulk("meetings", list(ids), organisation.id)
