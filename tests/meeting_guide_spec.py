"""The Meeting Guide feed's rules (code4recovery/spec README), as a checker for our exports.

The spec has no JSON Schema of record (its draft schema's address patterns accept US
addresses only), so these are the README's rules, each as one check.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from community_hub.meetings.schedule import is_valid_timezone

TYPES = frozenset(
    json.loads(
        (Path(__file__).parents[1] / "community_hub/meetings/data/types.json").read_text("utf-8")
    )
)
FIELDS = {
    "name", "slug", "day", "time", "end_time", "timezone", "formatted_address", "address",
    "city", "state", "postal_code", "country", "region", "sub_region", "regions",
    "conference_url", "conference_url_notes", "conference_phone", "conference_phone_notes",
    "types", "notes", "location", "location_notes", "latitude", "longitude", "approximate",
    "updated", "group", "group_notes", "venmo", "square", "paypal", "url", "edit_url",
    "feedback_url", "feedback_emails", "entity", "entity_email", "entity_feedback_emails",
    "entity_location", "entity_logo", "entity_phone", "entity_website_url", "district",
    *(f"contact_{n}_{part}" for n in (1, 2, 3) for part in ("name", "email", "phone")),
}  # fmt: skip
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
UPDATED = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
DIAL_IN = re.compile(r"^\+?[0-9][0-9,*#]*$")
URL = re.compile(r"^https?://[^\s]+$")
HTML = re.compile(r"<[A-Za-z/!]|&[a-z]+;|&#\d+;")
PLAIN_TEXT = ("name", "notes", "location", "location_notes", "group", "group_notes")
URLS = ("url", "edit_url", "feedback_url", "conference_url", "entity_logo", "entity_website_url")
# Countries that keep more than one clock: an approximate place must be finer than these.
WIDE_COUNTRIES = {"united states", "usa", "us", "canada", "australia", "brazil", "russia", "mexico"}


def problems(row: Any) -> list[str]:
    """Everything in one feed row the spec does not allow (empty when it is valid)."""
    if not isinstance(row, dict):
        return ["not an object"]
    found = [f"unknown field {k}" for k in row if k not in FIELDS]
    found += [f"empty {k}" for k, v in row.items() if v is None or v == "" or v == [] or v == {}]
    name, slug = row.get("name"), row.get("slug")
    if not isinstance(name, str) or not name or len(name) > 255:
        found.append("name must be text of 255 characters at most")
    if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 64:
        found.append(f"slug {slug!r} must be URL-safe, 64 characters at most")
    if not isinstance(row.get("day"), int) or not 0 <= row["day"] <= 6:
        found.append("day must be 0 to 6 (a weekly meeting)")
    for key in ("time", "end_time"):
        if key in row and not (isinstance(row[key], str) and HH_MM.match(row[key])):
            found.append(f"{key} must be HH:MM")
    if "time" not in row:
        found.append("time is missing")
    if "timezone" in row and not is_valid_timezone(str(row["timezone"])):
        found.append("timezone is not an IANA name")
    types = row.get("types", [])
    if not isinstance(types, list) or any(t not in TYPES for t in types):
        found.append(f"types outside the spec: {types}")
    places = ("formatted_address", "address", "city", "state", "postal_code", "country")
    if not any(row.get(k) for k in places):
        found.append("no geographic information")
    if row.get("approximate") not in (None, "yes", "no"):
        found.append("approximate must be yes or no")
    if row.get("approximate") == "yes":
        where = str(row.get("formatted_address") or row.get("city") or "").strip().lower()
        if where in WIDE_COUNTRIES or not where:
            found.append("an approximate place must be finer than a whole country")
    lat, lng = row.get("latitude"), row.get("longitude")
    if (lat is None) != (lng is None):
        found.append("latitude and longitude come together")
    if lat is not None and not (
        isinstance(lat, int | float) and isinstance(lng, int | float)
        and -90 <= lat <= 90 and -180 <= lng <= 180
    ):  # fmt: skip
        found.append("coordinates are not on Earth")
    if "updated" in row and not UPDATED.match(str(row["updated"])):
        found.append("updated must be YYYY-MM-DD HH:MM:SS")
    for key in URLS:
        if key in row and not URL.match(str(row[key])):
            found.append(f"{key} must be an absolute web address")
    if "conference_phone" in row and not DIAL_IN.match(str(row["conference_phone"])):
        found.append(f"conference_phone {row['conference_phone']!r} must be digits, + , * #")
    for key in PLAIN_TEXT:
        if key in row and HTML.search(str(row[key])):
            found.append(f"{key} holds HTML")
    if any(k.startswith("entity_") for k in row) and "entity" not in row:
        found.append("entity_* fields need entity")
    for n in (1, 2, 3):
        if (row.get(f"contact_{n}_email") or row.get(f"contact_{n}_phone")) and not row.get(
            f"contact_{n}_name"
        ):
            found.append(f"contact {n} has no name")
    regions = row.get("regions", [])
    if not isinstance(regions, list) or not all(isinstance(r, str) and r for r in regions):
        found.append("regions must be a list of names")
    return found
