"""Importing a whole feed of new meetings in bulk: exactly what one-at-a-time saving gives.

bench/feed.py times a 100,000-meeting import; these tests pin down that the bulk path (new
venues and meetings inserted a batch at a time, past the slug and insert batch sizes) stores
the same columns the ORM would, reuses the organisation's venues, and that importing the
same feed again changes nothing.
"""

from __future__ import annotations

from sqlalchemy import func, select

from community_hub.extensions import db
from community_hub.geo.spatial import lat_band
from community_hub.interop.feed_import import INSERT_BATCH, SLUG_BATCH, import_feed
from community_hub.meetings.models import Meeting, Venue

MEETINGS = max(SLUG_BATCH, INSERT_BATCH) + 1000
PER_VENUE = 3


def feed_row(i: int) -> dict:
    """Meeting i: in person at venue i // 3, except every tenth, which is online only."""
    row = {
        "name": f"Meeting {i}",
        "slug": f"meeting-{i}",
        "day": i % 7,
        "time": "19:30",
        "end_time": "20:30",
        "timezone": "Europe/London",
        "types": ["O", "D"] if i % 2 else ["C"],
    }
    if i % 10 == 0:
        return row | {"conference_url": f"https://meet.example.org/{i}", "approximate": "yes"}
    v = i // PER_VENUE
    return row | {
        "location": f"Hall {v}",
        "address": f"{v} Church Lane",
        "city": "Doncaster",
        "postal_code": "DN1 1AA",
        "region": "Doncaster",
        "latitude": 53.0 + v / 10_000,
        "longitude": -1.1 - v / 10_000,
        "approximate": "no",
    }


def test_a_large_feed_of_new_meetings_is_stored_as_one_at_a_time_would(make_org, make_fellowship):
    org, aa = make_org(), make_fellowship("aa")
    rows = [feed_row(i) for i in range(MEETINGS)]
    report = import_feed(rows, org, aa, apply=True)
    db.session.commit()
    assert report.errors == [] and len(report.added) == MEETINGS

    stored = db.session.scalar(select(func.count(Meeting.id)))
    venues = db.session.scalar(select(func.count(Venue.id)))
    assert stored == MEETINGS
    assert venues == len({r["location"] for r in rows if "location" in r})

    hall = db.session.scalar(select(Meeting).where(Meeting.slug == "meeting-4"))
    assert hall is not None and hall.venue is not None
    assert (hall.latitude, hall.longitude) == (hall.venue.latitude, hall.venue.longitude)
    assert hall.lat_band == lat_band(hall.venue.latitude)
    assert hall.attendance == "in_person" and hall.region == "Doncaster"
    assert hall.organisation_id == org.id and hall.fellowship_id == aa.id
    assert hall.type_list == ["C"] and hall.contact_public is False and hall.name_cy == ""
    assert {m.slug for m in hall.venue.meetings} == {"meeting-3", "meeting-4", "meeting-5"}

    online = db.session.scalar(select(Meeting).where(Meeting.slug == "meeting-10"))
    assert online is not None and online.venue is None and online.latitude is None
    assert online.attendance == "online"

    again = import_feed(rows, org, aa, apply=True)
    assert again.errors == [] and again.added == [] and again.changed == []
    assert again.unchanged == MEETINGS


def test_new_meetings_reuse_the_organisations_venue(make_org, make_fellowship):
    """Meetings at exactly the same place share a venue; a place given differently is another
    venue, so that importing the same feed again never moves a meeting back and forth."""
    org, aa = make_org(), make_fellowship("aa")
    import_feed([feed_row(1)], org, aa, apply=True)
    db.session.commit()
    report = import_feed([feed_row(1), feed_row(2)], org, aa, apply=True)
    db.session.commit()
    assert report.added == ["meeting-2"]
    venues = db.session.scalars(select(Venue)).all()
    assert len(venues) == 1
    assert {m.slug for m in venues[0].meetings} == {"meeting-1", "meeting-2"}

    moved = feed_row(2) | {"address": "2a Church Lane"}
    rows = [feed_row(1), moved]
    assert import_feed(rows, org, aa, apply=True).changed == ["meeting-2"]
    db.session.commit()
    assert db.session.scalar(select(func.count(Venue.id))) == 2
    again = import_feed(rows, org, aa, apply=True)
    assert (again.changed, again.unchanged) == ([], 2)
