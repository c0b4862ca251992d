"""Real feeds nobody here wrote: each imports, exports again with every spec field it gave,
passes the spec's rules, and a second import changes nothing. On SQLite and PostgreSQL.

The files are in ../shared/reference/meeting-guide/real-feeds (see its SOURCE.txt).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.interop.feed_import import import_feed
from community_hub.interop.feed_rows import plain, read_time, read_updated
from community_hub.interop.meeting_guide import dial_in, iter_feed_rows, spec_types
from community_hub.meetings.models import Meeting
from community_hub.meetings.types import canonical
from tests.meeting_guide_spec import problems

FEEDS = Path(__file__).parents[2] / "shared" / "reference" / "meeting-guide" / "real-feeds"
if not FEEDS.is_dir():  # the worktree sits beside ../shared
    FEEDS = Path("/work/shared/reference/meeting-guide/real-feeds")
# Where each feed's meetings are, for rows that give no time zone (as --timezone would).
ZONES = {
    "al-anon": "America/New_York", "atlanta": "America/New_York",
    "edmonton": "America/Edmonton", "kc": "America/Chicago",
    "sussexaa": "America/New_York", "timezones": "America/New_York",
}  # fmt: skip
# Text fields kept exactly (as plain text).
TEXT = (
    "name", "notes", "location", "location_notes", "group", "group_notes", "region",
    "sub_region", "district", "conference_url_notes", "conference_phone_notes",
    "formatted_address", "address", "city", "state", "postal_code", "country",
    "venmo", "square", "paypal",
    *(f"contact_{n}_{part}" for n in (1, 2, 3) for part in ("name", "email", "phone")),
    "entity", "entity_email", "entity_phone", "entity_location", "entity_logo",
)  # fmt: skip


def feed_files() -> list[Path]:
    return sorted(FEEDS.glob("*.json"))


def urls(meeting: Meeting) -> tuple[str, str]:
    return (
        f"https://hub.example.org/meetings/{meeting.slug}",
        f"https://hub.example.org/meetings/{meeting.slug}/suggest",
    )


def expected(source: dict[str, Any], day: int, zone: str) -> dict[str, Any]:
    """What the export must say for one source row on one day (what the spec lets a
    publisher normalise already applied: plain text, HH:MM, spec codes, one row per day)."""
    want: dict[str, Any] = {"day": day}
    for key in TEXT:
        if plain(source.get(key)):
            want[key] = plain(source[key])
    want["time"] = read_time(source["time"]).strftime("%H:%M")  # type: ignore[union-attr]
    if source.get("end_time"):
        want["end_time"] = read_time(source["end_time"]).strftime("%H:%M")  # type: ignore[union-attr]
    want["timezone"] = source.get("timezone") or zone
    codes = source.get("types") or []
    types = [canonical(str(c)) for c in codes if canonical(str(c)) in spec_types()]
    if types:
        want["types"] = types
    if plain(source.get("conference_url")):
        want["conference_url"] = plain(source["conference_url"])
    if dial_in(plain(source.get("conference_phone"))):
        # What a phone can dial: a passcode in letters is left to our own page.
        want["conference_phone"] = dial_in(plain(source["conference_phone"]))
    if source.get("regions"):
        want["regions"] = [plain(r) for r in source["regions"]]
    if source.get("updated"):
        want["updated"] = read_updated(source["updated"]).strftime("%Y-%m-%d %H:%M:%S")  # type: ignore[union-attr]
    if source.get("approximate") in ("yes", "no"):
        want["approximate"] = source["approximate"]
    if source.get("latitude") not in (None, ""):
        lat, lng = float(source["latitude"]), float(source["longitude"])
        if source.get("approximate") == "yes":  # shown to about 1 km (geo/privacy.py)
            lat, lng = round(lat, 2), round(lng, 2)
        want["latitude"], want["longitude"] = lat, lng
    if source.get("entity_url") and not source.get("entity_website_url"):
        want["entity_website_url"] = source["entity_url"]
    return want


@pytest.mark.parametrize("path", feed_files(), ids=lambda p: p.stem)
def test_a_real_feed_round_trips_with_every_spec_field(path, make_org, make_fellowship):
    rows = json.loads(path.read_text("utf-8"))
    zone = ZONES[path.stem.split(".")[0]]
    org = make_org(slug=path.stem.split(".")[0], timezone=zone)
    aa = make_fellowship("aa")
    report = import_feed(rows, org, aa, apply=True)
    db.session.commit()
    assert report.errors == [], [str(e) for e in report.errors[:5]]
    days = sum(len(r["day"]) if isinstance(r["day"], list) else 1 for r in rows)
    assert len(report.added) == days

    exported = list(iter_feed_rows(urls, organisation_id=org.id))
    assert len(exported) == days
    invalid = {r["slug"]: problems(r) for r in exported if problems(r)}
    assert invalid == {}
    by_source_slug = dict(
        db.session.execute(
            select(Meeting.source_slug, Meeting.slug).where(Meeting.organisation_id == org.id)
        ).all()
    )
    out = {r["slug"]: r for r in exported}
    lost = []
    for source in rows:
        days_of = source["day"] if isinstance(source["day"], list) else [source["day"]]
        for day in days_of:
            key = (
                f"{source['slug']}-{day}"
                if isinstance(source["day"], list)
                else str(source["slug"])
            )
            row = out[by_source_slug[key]]
            for field, value in expected(source, int(day), zone).items():
                if row.get(field) != value:
                    lost.append(f"{key} {field}: {value!r} became {row.get(field)!r}")
    assert lost == []

    again = import_feed(rows, org, aa, apply=True)
    assert (again.added, again.changed, again.removed) == ([], [], [])
    assert again.unchanged == days


def test_two_feeds_with_the_same_slug_both_import(make_org, make_fellowship):
    aa = make_fellowship("aa")
    row = {"slug": 369, "name": "Early Birds", "day": 1, "time": "07:00",
           "conference_url": "https://zoom.us/j/369"}  # fmt: skip
    first = import_feed([row], make_org(slug="kc", timezone="America/Chicago"), aa, apply=True)
    second = import_feed([row], make_org(slug="atl", timezone="America/New_York"), aa, apply=True)
    db.session.commit()
    assert (first.added, second.added) == (["kc-369"], ["atl-369"])
    assert first.ok and second.ok


def test_the_demo_regions_feed_is_valid_and_whole_for_every_reader(demo_region, client):
    """Every demo meeting: the spec's rules, a place for each, spec codes only, weekly only."""
    rows = client.get("/api/meetings.json").get_json()
    weekly = db.session.scalars(
        select(Meeting).where(Meeting.archived_at.is_(None), Meeting.monthly_week.is_(None))
    ).all()
    assert sorted(r["slug"] for r in rows) == sorted(m.slug for m in weekly)
    invalid = {r["slug"]: problems(r) for r in rows if problems(r)}
    assert invalid == {}
    local = {"HL", "MAR", "BSL", "CY"}
    assert not [r["slug"] for r in rows if local & set(r.get("types", []))]
    online = [r for r in rows if "location" not in r]
    assert online and all(r["approximate"] == "yes" and r["country"] for r in online)
    for row in online:  # the organisation's area, or a town on the meeting's own clock
        expected = {"Europe/London": "GB", "Europe/Dublin": "IE", "America/New_York": "US"}
        assert row["country"] == expected[row["timezone"]] and ", " in row["formatted_address"], row
    late = next(r for r in rows if r["slug"] == "na-online-late-night-saturday")
    assert (late["time"], late["end_time"]) == ("23:00", "00:30")  # readers: past midnight


def test_addresses_abroad_are_not_placed_on_a_british_town_of_the_same_name(
    make_org, make_fellowship
):
    """Edmonton's feed has addresses but no coordinates ("8318 104 St, Edmonton, Alberta, …,
    Canada"). The offline gazetteer holds Britain only: none may land in Edmonton, London."""
    rows = json.loads((FEEDS / "edmonton.json").read_text("utf-8"))
    org = make_org(slug="edmonton", timezone="America/Edmonton")
    report = import_feed(rows, org, make_fellowship("aa"), apply=True)
    db.session.commit()
    placed = db.session.scalars(
        select(Meeting).where(Meeting.organisation_id == org.id, Meeting.latitude.is_not(None))
    ).all()
    assert placed == []
    flagged = [w for w in report.warnings if "could not place" in str(w)]
    assert flagged, "unplaced rows are flagged for a coordinator"


@pytest.mark.parametrize(
    ("text", "country", "zone", "expected"),
    [
        ("8318 104 St, Edmonton, Alberta, T6E 4E8, Canada", "", "", "CA"),
        ("18 Olive Ave, Rehoboth Beach, DE 19971, USA", "", "", "US"),
        ("1 Main St, Dover, DE", "", "", ""),  # DE is Delaware here, not Germany
        ("1 High St, Edmonton", "", "America/Edmonton", "CA"),
        ("1 High St, Edmonton", "", "Europe/London", "GB"),
        ("1 High St, Edmonton", "United States", "Europe/London", "US"),
        ("12 High Street, Doncaster, UK", "", "", "GB"),
        ("12 High Street, Doncaster DN1 3AA", "", "", ""),
    ],
)
def test_the_country_of_an_address(app, text, country, zone, expected):
    from community_hub.interop.feed_places import address_country

    assert address_country({"country": country, "timezone": zone}, text) == expected
