"""Reading one Meeting Guide row: lenient where the spec is lenient, strict where data would be
wrong, and keeping what the source says.

Lenient: no `timezone` takes the importer's; type codes outside the spec (`ONL`) are left out
with a warning; an address without coordinates is placed by the geocoder or kept without a
position (flagged); `day` may be a list; `7:00 PM` is read; HTML and entities become plain
text; numbers where text is expected (integer slugs, postcodes) are read as text.
Strict: a missing name or slug, a day or time that cannot be read, an unknown time zone and
impossible coordinates reject the row, naming the row, the slug, the field and the reason.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, time
from html.parser import HTMLParser
from typing import Any

from community_hub.geo.privacy import coarse
from community_hub.interop.meeting_guide import DIAL_IN_NOISE as DIAL_NOISE
from community_hub.interop.meeting_guide import dial_in
from community_hub.meetings.models import encode_types
from community_hub.meetings.schedule import is_valid_timezone
from community_hub.meetings.types import canonical, is_known
from community_hub.meetings.venue_models import format_address

TIME_24 = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?$")
TIME_12 = re.compile(r"^(0?[1-9]|1[0-2])(?::([0-5]\d))?(?::[0-5]\d)?\s*([ap])\.?\s*m\.?$", re.I)
URL_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)
SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}$")
DAY_NAMES = {
    "sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5,
    "saturday": 6,
}  # fmt: skip
UPDATED_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y",
)  # fmt: skip
# The spec's service-entity fields (and the older `feedback_emails`), kept as the source
# gave them and published again with the meeting.
ENTITY_FIELDS = (
    "entity", "entity_email", "entity_phone", "entity_location", "entity_logo",
    "entity_website_url", "entity_feedback_emails", "feedback_emails",
)  # fmt: skip
# Older names some feeds still use, read as the spec's.
ENTITY_ALIASES = {"entity_url": "entity_website_url"}
CONTACT_FIELDS = tuple(
    f"contact_{n}_{part}" for n in (1, 2, 3) for part in ("name", "email", "phone")
)
DIAL_IN_LIMIT = 200


@dataclass(frozen=True)
class RowProblem:
    """A rejected row or a warning: which row, which slug, which field, and why."""

    row: int  # 1-based position in the feed
    slug: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row} ({self.slug or 'no slug'})"
        return (
            f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass
class Planned:
    row: int
    slug: str  # the slug in the source (a day suffix added for `day` lists)
    values: dict[str, Any]
    venue: dict[str, Any] | None


@dataclass
class Read:
    plans: list[Planned] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)


class _Text(HTMLParser):
    """Plain text from HTML: tags dropped, line breaks kept where blocks end."""

    BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain(value: Any) -> str:
    """A feed value as plain text: HTML tags and entities turned into text, spaces tidied."""
    if value is None or isinstance(value, dict | list):
        return ""
    text = str(value)
    if "<" in text or "&" in text:
        parser = _Text()
        parser.feed(text)
        parser.close()
        text = html.unescape("".join(parser.parts))
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def read_time(value: Any) -> time | None:
    """'19:30', '7:30 PM', '7pm', '11:00 AM' or '19:30:00'; None for anything else."""
    text = str(value).strip() if value not in (None, "") else ""
    match = TIME_24.match(text)
    if match:
        return time(int(match.group(1)), int(match.group(2)))
    match = TIME_12.match(text)
    if match:
        hour = int(match.group(1)) % 12 + (12 if match.group(3).lower() == "p" else 0)
        return time(hour, int(match.group(2) or 0))
    return None


def read_days(value: Any) -> list[int] | None:
    """0-6 (Sunday first), a day's English name, or a list of them; None if unreadable."""
    raw = value if isinstance(value, list) else [value]
    days = []
    for item in raw:
        text = str(item).strip().lower() if isinstance(item, int | str) else ""
        if isinstance(item, bool):
            return None
        if text.isdigit() and 0 <= int(text) <= 6:
            days.append(int(text))
        elif text in DAY_NAMES:
            days.append(DAY_NAMES[text])
        else:
            return None
    return list(dict.fromkeys(days)) or None


def read_updated(value: Any) -> datetime | None:
    text = plain(value)
    for pattern in UPDATED_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _coordinate(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _regions(value: Any) -> list[str]:
    if isinstance(value, list):
        return [plain(v) for v in value if plain(v)]
    return [part.strip() for part in plain(value).split(">") if part.strip()]


def read_row(position: int, row: Any, default_timezone: str) -> Read:
    """Check one feed row and plan the meeting(s) it describes (one per day in a list)."""
    read = Read()
    if not isinstance(row, dict):
        read.errors.append(RowProblem(position, "", "", "each meeting must be a JSON object"))
        return read
    slug = plain(row.get("slug"))[:120]

    def reject(name: str, message: str) -> None:
        read.errors.append(RowProblem(position, slug, name, message))

    def warn(name: str, message: str) -> None:
        read.warnings.append(RowProblem(position, slug, name, message))

    if not SLUG_RE.match(slug):
        reject("slug", "missing, or has characters other than letters, digits, - _ .")
    name = plain(row.get("name"))
    if not name:
        reject("name", "missing")
    days = read_days(row.get("day"))
    if days is None:
        reject("day", f"{row.get('day')!r} is not 0 (Sunday) to 6 (Saturday)")
    start = read_time(row.get("time"))
    if start is None:
        reject("time", f"{row.get('time')!r} is not a time such as 19:30 or 7:30 PM")
    end = None
    if row.get("end_time") not in (None, ""):
        end = read_time(row.get("end_time"))
        if end is None:
            reject("end_time", f"{row.get('end_time')!r} is not a time such as 20:30 or 8:30 PM")
        elif end == start:
            warn("end_time", "the same as the start time: left out (the meeting lasts an hour)")
            end = None
    timezone = plain(row.get("timezone"))[:64] or default_timezone
    if not is_valid_timezone(timezone):
        reject("timezone", f"{timezone!r} is not an IANA time zone such as America/Chicago")
    raw_types = row.get("types") or []
    if not isinstance(raw_types, list):
        raw_types = str(raw_types).split(",")
    codes = [canonical(str(t)) for t in raw_types if str(t).strip()]
    unknown = [c for c in codes if not is_known(c)]
    if unknown:
        warn("types", f"{', '.join(unknown)} not in the Meeting Guide types: left out")
    codes = [c for c in codes if is_known(c)]
    lat, lng = _coordinate(row.get("latitude")), _coordinate(row.get("longitude"))
    if (lat is None) != (lng is None):
        reject("latitude", "give both latitude and longitude, or neither")
    elif (
        lat is not None
        and lng is not None
        and not (
            math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180
        )
    ):
        reject("latitude", f"{row.get('latitude')!r}, {row.get('longitude')!r} is not on Earth")
    conference_url = plain(row.get("conference_url"))
    if conference_url and (len(conference_url) > 500 or not URL_RE.match(conference_url)):
        warn("conference_url", "not a web address starting https://: left out")
        conference_url = ""
    conference_phone = plain(row.get("conference_phone"))
    if len(conference_phone) > DIAL_IN_LIMIT:
        warn("conference_phone", f"longer than {DIAL_IN_LIMIT} characters: left out")
        conference_phone = ""
    elif conference_phone and len(dial_in(conference_phone)) < len(
        DIAL_NOISE.sub("", conference_phone).rstrip(",")
    ):
        warn(
            "conference_phone",
            "holds characters a phone cannot dial: kept whole on our page, and fed to "
            "readers up to them",
        )
    if read.errors:
        return read

    values: dict[str, Any] = {
        "name": name[:200],
        "start_time": start,
        "end_time": end,
        "monthly_week": None,
        "timezone": timezone,
        "types": encode_types(codes),
        "notes": plain(row.get("notes")),
        "group_name": plain(row.get("group"))[:200],
        "group_notes": plain(row.get("group_notes")),
        "conference_url": conference_url,
        "conference_url_notes": plain(row.get("conference_url_notes")),
        "conference_phone": conference_phone,
        "conference_phone_notes": plain(row.get("conference_phone_notes")),
        "regions": _regions(row.get("regions")),
        "sub_region": plain(row.get("sub_region"))[:120],
        "district": plain(row.get("district"))[:120],
        "venmo": plain(row.get("venmo"))[:120],
        "square": plain(row.get("square"))[:120],
        "paypal": plain(row.get("paypal"))[:120],
        "entity": _entity(row),
    }
    if row.get("updated") not in (None, ""):
        updated = read_updated(row.get("updated"))
        if updated is None:
            warn("updated", f"{row.get('updated')!r} is not a date and time: left out")
        else:
            values["updated_at"] = updated
    contacts = {name: plain(row.get(name)) for name in CONTACT_FIELDS}
    if any(contacts[f"contact_{n}_name"] for n in (1, 2, 3)):
        # Published contacts. A feed without any leaves a private contact we hold alone.
        values.update(_contact_columns(contacts))
        values["contact_public"] = True
    venue = _venue(row, timezone, lat, lng)
    if venue is None:
        values["region"] = plain(row.get("region"))[:120]  # with a venue, it holds the region
    plans = []
    for day in days or []:
        key = f"{slug}-{day}" if isinstance(row.get("day"), list) else slug
        plans.append(Planned(position, key, values | {"day": day}, venue))
    read.plans = plans
    return read


def _entity(row: dict[str, Any]) -> dict[str, Any] | None:
    found = {}
    for name in ENTITY_FIELDS:
        value = row.get(name)
        for alias, spec_name in ENTITY_ALIASES.items():
            if spec_name == name and value in (None, ""):
                value = row.get(alias)
        value = [plain(v) for v in value if plain(v)] if isinstance(value, list) else plain(value)
        if value:
            found[name] = value
    return found or None


def _contact_columns(contacts: dict[str, str]) -> dict[str, str]:
    columns = {}
    for n in (1, 2, 3):
        prefix = "contact" if n == 1 else f"contact_{n}"
        columns[f"{prefix}_name"] = contacts[f"contact_{n}_name"][:60]
        columns[f"{prefix}_email"] = contacts[f"contact_{n}_email"][:254]
        columns[f"{prefix}_phone"] = contacts[f"contact_{n}_phone"][:60]
    return columns


def _venue(
    row: dict[str, Any], timezone: str, lat: float | None, lng: float | None
) -> dict[str, Any] | None:
    """The place a row gives, exactly as given; None for an online meeting with no place."""
    location = plain(row.get("location"))
    full = plain(row.get("formatted_address"))
    parts = {
        "address": plain(row.get("address"))[:300],
        "city": plain(row.get("city"))[:120],
        "state": plain(row.get("state"))[:120],
        "postcode": plain(row.get("postal_code"))[:20],
        "country": plain(row.get("country"))[:60],
    }
    if not (location or full or lat is not None or any(parts.values())):
        return None
    if full == format_address(parts["address"], parts["city"], parts["postcode"], parts["state"]):
        full = ""  # only what the parts say already (our own export): keep the parts
    approximate = plain(row.get("approximate")).lower() == "yes"
    if approximate and lat is not None and lng is not None:
        lat, lng = coarse(lat, lng)  # as the venue will store it (geo/privacy.py)
    return {
        "name": location[:200],  # none given: pages show the start of the address instead
        **parts,
        "full_address": full[:500],
        "region": plain(row.get("region"))[:120],
        "latitude": lat,
        "longitude": lng,
        "timezone": timezone,
        "approximate": approximate,
        "location_notes": plain(row.get("location_notes")),
    }


def address_text(venue: dict[str, Any]) -> str:
    """The whole address on one line, for a geocoder."""
    if venue["full_address"]:
        return str(venue["full_address"])
    fields = ("address", "city", "state", "postcode", "country")
    return ", ".join(str(venue[f]) for f in fields if venue[f])
