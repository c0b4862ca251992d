"""Importing a Meeting Guide feed: check every row, report, then apply in one transaction.

A run with any bad row saves nothing. Meetings are matched by slug within the importing
organisation; the organisation's meetings missing from the feed are archived (not deleted).
Re-importing the same feed changes nothing.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from sqlalchemy import insert, select

from community_hub.auth.models import Organisation, utcnow
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship, Meeting, Venue, encode_types
from community_hub.meetings.schedule import is_valid_timezone
from community_hub.meetings.types import canonical, is_known

TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$")
URL_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)
SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}$")


class FeedError(ValueError):
    """The file is not a Meeting Guide feed at all (not JSON, not a list)."""


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based position in the feed
    slug: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row} ({self.slug or 'no slug'}): {self.message}"


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Planned:
    row: int
    slug: str
    values: dict[str, Any]
    venue: dict[str, Any] | None


# A Meeting Guide feed nests four levels at most (list, meeting, types, ...): anything much
# deeper is not a feed, and parsing it would exhaust the stack.
MAX_DEPTH = 32
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def too_deep(content: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON nests deeper than `limit`, found without parsing it (strings skipped)."""
    depth = 0
    for token in _JSON_TOKEN.finditer(content):
        bracket = token.group(0)
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif bracket in (b"]", b"}"):
            depth -= 1
    return False


def parse_feed(text: str | bytes) -> list[dict[str, Any]]:
    content = text.encode() if isinstance(text, str) else text
    if too_deep(content):
        raise FeedError(
            f"The file nests more than {MAX_DEPTH} levels deep, so it is not a Meeting Guide "
            "feed: a feed is a list of meetings."
        )
    try:
        data = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise FeedError(f"The file is not valid JSON: {error}") from error
    except RecursionError as error:  # belt and braces: never a 500 for a hostile file
        raise FeedError("The file nests too deeply to be a Meeting Guide feed.") from error
    if not isinstance(data, list):
        raise FeedError("A Meeting Guide feed is a JSON list of meetings.")
    return data


def read_upload(filename: str, content: bytes) -> list[dict[str, Any]]:
    """Rows from an uploaded .json feed or .csv spreadsheet."""
    from community_hub.interop.csv_format import feed_rows_from_csv

    if filename.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise FeedError("The spreadsheet is not UTF-8 text: save it as CSV UTF-8.") from error
        return feed_rows_from_csv(text)
    return parse_feed(content)


def _text(row: dict[str, Any], key: str, limit: int = 2000) -> str:
    value = row.get(key)
    if value is None:
        return ""
    return str(value).strip()[:limit]


def _time(value: Any) -> time | None:
    match = TIME_RE.match(str(value).strip()) if value not in (None, "") else None
    return time(int(match.group(1)), int(match.group(2))) if match else None


def _coordinate(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


def check_row(position: int, row: Any) -> tuple[list[Planned], list[RowError]]:
    """Validate one feed row; a row with a list of days becomes one meeting per day."""
    if not isinstance(row, dict):
        return [], [RowError(position, "", "each meeting must be a JSON object")]
    slug = _text(row, "slug", 200)
    problems: list[str] = []
    if not SLUG_RE.match(slug):
        problems.append("slug is missing or has characters other than letters, digits, - _ .")
    name = _text(row, "name", 200)
    if not name:
        problems.append("name is missing")
    days_raw = row.get("day")
    days = days_raw if isinstance(days_raw, list) else [days_raw]
    if not days or not all(
        isinstance(d, int | str) and str(d).isdigit() and 0 <= int(d) <= 6 for d in days
    ):
        problems.append("day must be 0 (Sunday) to 6 (Saturday)")
    start = _time(row.get("time"))
    if start is None:
        problems.append(f"time {row.get('time')!r} is not a 24-hour HH:MM time")
    end = _time(row.get("end_time")) if row.get("end_time") not in (None, "") else None
    if row.get("end_time") not in (None, "") and end is None:
        problems.append(f"end_time {row.get('end_time')!r} is not a 24-hour HH:MM time")
    timezone = _text(row, "timezone", 64)
    if not timezone:
        problems.append("timezone is missing (an IANA name such as Europe/London)")
    elif not is_valid_timezone(timezone):
        problems.append(f"timezone {timezone!r} is not an IANA time zone")
    raw_types = row.get("types") or []
    if not isinstance(raw_types, list):
        raw_types = [t for t in str(raw_types).split(",")]
    codes = [canonical(str(t)) for t in raw_types if str(t).strip()]
    unknown = [c for c in codes if not is_known(c)]
    if unknown:
        problems.append(f"unknown type code(s): {', '.join(unknown)}")
    lat, lng = _coordinate(row.get("latitude")), _coordinate(row.get("longitude"))
    if (lat is None) != (lng is None):
        problems.append("give both latitude and longitude, or neither")
    elif (
        lat is not None
        and lng is not None
        and not (
            math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180
        )
    ):
        problems.append(
            f"coordinates {row.get('latitude')!r}, {row.get('longitude')!r} are not on Earth"
        )
    conference_url = _text(row, "conference_url", 500)
    if conference_url and not URL_RE.match(conference_url):
        problems.append("conference_url must start with https://")
    approximate = _text(row, "approximate").lower() == "yes"
    location = _text(row, "location", 200)
    has_place = bool(location or _text(row, "address") or _text(row, "formatted_address"))
    if has_place and not approximate and lat is None:
        problems.append("an in-person meeting needs latitude and longitude")
    if problems:
        return [], [RowError(position, slug, p) for p in problems]

    values: dict[str, Any] = {
        "name": name,
        "start_time": start,
        "end_time": end,
        "timezone": timezone,
        "types": encode_types(codes),
        "notes": _text(row, "notes"),
        "group_name": _text(row, "group", 200),
        "conference_url": conference_url,
        "conference_url_notes": _text(row, "conference_url_notes"),
        "conference_phone": _text(row, "conference_phone", 60),
        "conference_phone_notes": _text(row, "conference_phone_notes"),
    }
    if _text(row, "contact_1_name"):
        # A published contact. A feed without one leaves any private contact we hold alone.
        values["contact_name"] = _text(row, "contact_1_name", 60)
        values["contact_email"] = _text(row, "contact_1_email", 254)
        values["contact_phone"] = _text(row, "contact_1_phone", 60)
        values["contact_public"] = True
    venue = None
    if lat is not None and (has_place or not approximate):
        venue = {
            "name": location or _text(row, "formatted_address", 200) or name,
            "address": _text(row, "address", 300)
            or _text(row, "formatted_address", 300).split(",")[0],
            "city": _text(row, "city", 120),
            "postcode": _text(row, "postal_code", 12),
            "country": (_text(row, "country", 2) or "GB").upper()[:2],
            "region": _text(row, "region", 120),
            "latitude": lat,
            "longitude": lng,
            "timezone": timezone,
            "approximate": approximate,
            "location_notes": _text(row, "location_notes"),
        }
    multi = len(days) > 1
    plans = []
    for day in days:
        day_values = values | {"day": int(str(day))}
        plans.append(Planned(position, f"{slug}-{day}" if multi else slug, day_values, venue))
    return plans, []


def _matches(meeting: Meeting, planned: Planned) -> bool:
    for key, value in planned.values.items():
        if getattr(meeting, key) != value:
            return False
    venue = meeting.venue
    if (venue is None) != (planned.venue is None):
        return False
    if venue is not None and planned.venue is not None:
        return all(getattr(venue, key) == value for key, value in planned.venue.items())
    return meeting.archived_at is None


# Slugs looked up per query: well under SQLite's and PostgreSQL's limits on bound parameters.
SLUG_BATCH = 5000
INSERT_BATCH = 5000
# A new meeting without a published contact has none; the columns that follow from the rest.
NO_CONTACT = {"contact_name": "", "contact_email": "", "contact_phone": "", "contact_public": False}
DERIVED = ("attendance", "latitude", "longitude", "lat_band", "region", "timezone")
DERIVED_FROM = ("types", "conference_url", "conference_phone", "timezone")


def _existing_meetings(slugs: list[str]) -> dict[str, Meeting]:
    """The meetings already stored under any of these slugs, a batch of slugs at a time."""
    found: dict[str, Meeting] = {}
    for start in range(0, len(slugs), SLUG_BATCH):
        batch = slugs[start : start + SLUG_BATCH]
        found.update(
            (m.slug, m) for m in db.session.scalars(select(Meeting).where(Meeting.slug.in_(batch)))
        )
    return found


def _venue_key(name: str, postcode: str, latitude: float, longitude: float) -> tuple:
    return (name, postcode, latitude, longitude)


def _key_of(data: dict[str, Any]) -> tuple:
    return _venue_key(data["name"], data["postcode"], data["latitude"], data["longitude"])


def _organisation_venues(organisation: Organisation) -> dict[tuple, Venue]:
    """The organisation's venues by name, postcode and position: read once, not once a row."""
    venues = db.session.scalars(select(Venue).where(Venue.organisation_id == organisation.id))
    return {_venue_key(v.name, v.postcode, v.latitude, v.longitude): v for v in venues}


def _venue(organisation: Organisation, data: dict[str, Any], known: dict[tuple, Venue]) -> Venue:
    """The organisation's venue with this name, postcode and position, updated or added."""
    key = _key_of(data)
    venue = known.get(key)
    if venue is None:
        venue = Venue(organisation=organisation, **data)
        db.session.add(venue)
        known[key] = venue
    else:
        for name, value in data.items():
            setattr(venue, name, value)
    return venue


def import_feed(
    rows: Iterable[Any],
    organisation: Organisation,
    fellowship: Fellowship,
    apply: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row, work out what would change, and (if asked and all is well) apply it."""
    report = ImportReport()
    plans: list[Planned] = []
    seen: set[str] = set()
    for position, row in enumerate(rows, start=1):
        planned, errors = check_row(position, row)
        report.errors.extend(errors)
        for item in planned:
            if item.slug in seen:
                report.errors.append(RowError(position, item.slug, "the same slug appears twice"))
            seen.add(item.slug)
        plans.extend(planned)
        if progress:
            progress(1)
    existing = _existing_meetings(sorted(seen))
    for item in plans:
        meeting = existing.get(item.slug)
        if meeting is not None and meeting.organisation_id != organisation.id:
            report.errors.append(
                RowError(item.row, item.slug, "this slug belongs to another organisation")
            )
        elif meeting is None:
            report.added.append(item.slug)
        elif _matches(meeting, item):
            report.unchanged += 1
        else:
            report.changed.append(item.slug)
    current = db.session.scalars(
        select(Meeting.slug).where(
            Meeting.organisation_id == organisation.id, Meeting.archived_at.is_(None)
        )
    )
    report.removed = sorted(set(current) - seen)
    if not apply or report.errors:
        return report

    venues = _organisation_venues(organisation)
    changed = set(report.changed)
    # Nothing is read while rows are changed, so nothing needs flushing until the end.
    with db.session.no_autoflush:
        for item in plans:
            if item.slug not in changed:
                continue
            meeting = existing[item.slug]
            for key, value in item.values.items():
                setattr(meeting, key, value)
            meeting.fellowship = fellowship
            meeting.venue = _venue(organisation, item.venue, venues) if item.venue else None
            meeting.archived_at = None
            meeting.updated_at = utcnow()
            meeting.refresh_derived()
            db.session.add(meeting)
    added = set(report.added)
    _insert_new([p for p in plans if p.slug in added], organisation, fellowship, venues)
    if report.removed:
        for meeting in db.session.scalars(select(Meeting).where(Meeting.slug.in_(report.removed))):
            meeting.archived_at = utcnow()
    db.session.flush()
    report.applied = True
    return report


def _insert_new(
    plans: list[Planned], organisation: Organisation, fellowship: Fellowship, venues: dict
) -> None:
    """Add new meetings (and their new venues) with bulk INSERTs, a batch of rows at a time.

    A whole feed of new meetings through the ORM's unit of work takes minutes at 100,000;
    this takes seconds. The derived columns come from the model's own `refresh_derived`, run
    on a transient copy, so they are exactly what a meeting saved one at a time would get.
    """
    db.session.flush()  # venues just added for changed meetings get their ids
    stamp = utcnow()
    transient: dict[tuple, Venue] = {}
    new_venues: dict[tuple, dict[str, Any]] = {}
    for item in plans:
        if item.venue is None:
            continue
        key = _key_of(item.venue)
        if key in venues:
            _venue(organisation, item.venue, venues)  # an existing venue, brought up to date
        elif key not in new_venues:
            new_venues[key] = item.venue | {"organisation_id": organisation.id, "updated_at": stamp}
        # A copy outside the session, for the meetings' derived columns.
        transient.setdefault(key, Venue(**item.venue))
    ids = {key: venue.id for key, venue in venues.items()}
    keys = list(new_venues)
    for start in range(0, len(keys), INSERT_BATCH):
        batch = keys[start : start + INSERT_BATCH]
        rows = [new_venues[k] for k in batch]
        stmt = insert(Venue).returning(Venue.id, sort_by_parameter_order=True)
        ids.update(zip(batch, db.session.scalars(stmt, rows), strict=True))
    rows = []
    for item in plans:
        # Never in the session: only what refresh_derived reads, as building ORM objects costs.
        meeting = Meeting(**{k: item.values[k] for k in DERIVED_FROM})
        place: tuple | None = None
        if item.venue is not None:
            place = _key_of(item.venue)
            meeting.venue = transient[place]
        meeting.refresh_derived()
        rows.append(
            NO_CONTACT
            | item.values
            | {c: getattr(meeting, c) for c in DERIVED}
            | {"slug": item.slug, "organisation_id": organisation.id}
            | {"fellowship_id": fellowship.id, "venue_id": ids[place] if place else None}
            | {"archived_at": None, "created_at": stamp, "updated_at": stamp}
        )
        if meeting.venue is not None:
            meeting.venue.meetings.remove(meeting)  # keep the transient venues small
        if len(rows) == INSERT_BATCH:
            db.session.execute(insert(Meeting), rows)
            rows = []
    if rows:
        db.session.execute(insert(Meeting), rows)
