"""Reading a search from query-string parameters, with an error per bad parameter.

Shared by the HTML finder and the JSON API so both accept and explain the same things.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from werkzeug.datastructures import MultiDict

from community_hub.fulltext import words_of
from community_hub.geo.spatial import KM_PER_MILE, MAX_RADIUS_KM
from community_hub.meetings.models import Attendance
from community_hub.meetings.schedule import TIME_OF_DAY, is_valid_timezone, today_in
from community_hub.meetings.search import DEFAULT_LIMIT, MAX_LIMIT, MeetingQuery
from community_hub.meetings.types import canonical, is_known

DAY_WORDS = {
    "sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3,
    "thursday": 4, "friday": 5, "saturday": 6,
}  # fmt: skip
# Radius choices offered in the finder: value -> km (None: the N nearest).
RADIUS_CHOICES: dict[str, float | None] = {
    "nearest": None,
    "1mi": 1 * KM_PER_MILE,
    "3mi": 3 * KM_PER_MILE,
    "5mi": 5 * KM_PER_MILE,
    "10mi": 10 * KM_PER_MILE,
    "25mi": 25 * KM_PER_MILE,
    "2km": 2.0,
    "5km": 5.0,
    "10km": 10.0,
    "25km": 25.0,
    "50km": 50.0,
}
MODES = {m.value for m in Attendance}
MAX_PAGE = 100
# The JSON API's total where more meetings than this match within the radius: this
# number, with `total_exact` false ("more than 400"). Counting central London's 12,000 cost
# more than the rest of the search (meetings/nearest.py).
COUNT_UP_TO = 400
MAX_SEARCH_CHARS = 200


@dataclass
class Parsed:
    query: MeetingQuery
    errors: dict[str, str] = field(default_factory=dict)
    viewer_tz: str = "Europe/London"


def _float(args: MultiDict[str, str], name: str, errors: dict[str, str]) -> float | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        errors[name] = f"{name} must be a number, for example 53.52."
        return None
    if not math.isfinite(value):
        errors[name] = f"{name} must be a real number."
        return None
    return value


def _days(values: list[str], viewer_tz: str, now: datetime, errors: dict[str, str]) -> set[int]:
    days: set[int] = set()
    for raw in values:
        word = raw.strip().lower()
        if not word or word == "any":
            continue
        if word == "today":
            days.add(today_in(viewer_tz, now))
        elif word == "tomorrow":
            days.add((today_in(viewer_tz, now) + 1) % 7)
        elif word in DAY_WORDS:
            days.add(DAY_WORDS[word])
        elif word.isdigit() and 0 <= int(word) <= 6:
            days.add(int(word))
        else:
            errors["day"] = (
                "day must be today, tomorrow, a weekday name, or a number 0-6 (0 is Sunday)."
            )
    return days


def _page(args: MultiDict[str, str], errors: dict[str, str]) -> int:
    if not args.get("page", "").strip():
        return 1
    number = _float(args, "page", {})  # "2.0" is a whole number too, as for limit
    if number is None or not number.is_integer() or not 1 <= number <= MAX_PAGE:
        errors["page"] = f"page must be a whole number from 1 to {MAX_PAGE}."
        return 1
    return int(number)


def search_words(args: MultiDict[str, str]) -> tuple[str, ...]:
    """The keywords asked for in `search` (names, places, notes), at most MAX_WORDS."""
    return tuple(words_of(args.get("search", "")[:MAX_SEARCH_CHARS]))


def parse_search(
    args: MultiDict[str, str],
    default_tz: str,
    now: datetime | None = None,
    max_limit: int = MAX_LIMIT,
) -> Parsed:
    """Turn query parameters into a MeetingQuery, collecting a message per bad parameter."""
    now = now or datetime.now(UTC)
    errors: dict[str, str] = {}
    viewer_tz = args.get("tz", "").strip()
    if not viewer_tz or not is_valid_timezone(viewer_tz):
        viewer_tz = default_tz

    lat = _float(args, "lat", errors)
    lng = _float(args, "lng", errors)
    if lat is not None and not -90 <= lat <= 90:
        errors["lat"] = "lat must be between -90 and 90."
    if lng is not None and not -180 <= lng <= 180:
        errors["lng"] = "lng must be between -180 and 180."
    if (lat is None) != (lng is None) and "lat" not in errors and "lng" not in errors:
        errors["lat" if lat is None else "lng"] = "Give both lat and lng, or neither."

    radius_km: float | None = None
    if "radius_km" in args and args.get("radius_km", "").strip():
        radius_km = _float(args, "radius_km", errors)
        if radius_km is not None and not 0 < radius_km <= MAX_RADIUS_KM:
            errors["radius_km"] = f"radius_km must be more than 0 and at most {MAX_RADIUS_KM:g}."
    elif args.get("radius", "").strip():
        choice = args.get("radius", "").strip().lower()
        if choice not in RADIUS_CHOICES:
            errors["radius"] = "Choose a distance from the list."
        else:
            radius_km = RADIUS_CHOICES[choice]

    limit = DEFAULT_LIMIT
    if args.get("limit", "").strip():
        number = _float(args, "limit", {})  # "40.0" is a whole number too (JSON Schema agrees)
        if number is None or not number.is_integer() or not 1 <= number <= max_limit:
            errors["limit"] = f"limit must be a whole number from 1 to {max_limit}."
        else:
            limit = int(number)

    page = _page(args, errors)
    if len(args.get("search", "")) > MAX_SEARCH_CHARS:
        errors["search"] = f"search is at most {MAX_SEARCH_CHARS} characters."
    days = _days(args.getlist("day"), viewer_tz, now, errors)

    time_of_day = args.get("time", "").strip().lower() or None
    if time_of_day in ("any",):
        time_of_day = None
    if time_of_day is not None and time_of_day not in TIME_OF_DAY:
        errors["time"] = "time must be morning, afternoon, evening or night."
        time_of_day = None

    within_hours = None
    if args.get("within", "").strip():
        within_hours = _float(args, "within", errors)
        if within_hours is not None and not 0 < within_hours <= 168:
            errors["within"] = "within is a number of hours from 1 to 168."
            within_hours = None

    fellowships = {f.strip().lower() for f in args.getlist("fellowship") if f.strip()}
    if any(len(f) > 40 for f in fellowships):
        errors["fellowship"] = "fellowship must be a fellowship code such as aa or na."
    types = {canonical(t) for t in args.getlist("type") if t.strip()}
    unknown = sorted(t for t in types if not is_known(t))
    if unknown:
        shown = ", ".join(u[:20] for u in unknown[:5])
        errors["type"] = f"Unknown meeting type: {shown}. Use codes such as O, C, W or X."
    modes = {m.strip().lower().replace("-", "_") for m in args.getlist("mode") if m.strip()}
    modes.discard("any")
    if modes - MODES:
        errors["mode"] = "mode must be in_person, hybrid, online or inactive."

    sort = args.get("sort", "distance").strip().lower() or "distance"
    if sort not in ("distance", "time"):
        errors["sort"] = "sort must be distance or time."

    query = MeetingQuery(
        lat=lat if not errors.get("lat") else None,
        lng=lng if not errors.get("lng") else None,
        radius_km=radius_km,
        limit=limit,
        offset=(page - 1) * limit,
        words=search_words(args),
        days=frozenset(days),
        time_of_day=time_of_day,
        within_hours=within_hours,
        fellowships=frozenset(fellowships),
        types=frozenset(types - set(unknown)),
        modes=frozenset(modes & MODES),
        sort=sort if sort in ("distance", "time") else "distance",
        now=now,
    )
    return Parsed(query, errors, viewer_tz)
