"""Meeting Guide feed out: the export (JSON and CSV), and importing it back (round trip, dry run).

Reading feeds from elsewhere, row by row, is in test_feed_import.py.
"""

import json
from datetime import time

import pytest

from community_hub.extensions import db
from community_hub.interop.feed_import import import_feed
from community_hub.meetings.models import Meeting, Venue


def feed(client):
    response = client.get("/api/meetings.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def without_updated(rows):
    return sorted(
        ({k: v for k, v in r.items() if k != "updated"} for r in rows), key=lambda r: r["slug"]
    )


@pytest.fixture
def listed(make_meeting, make_venue):
    venue = make_venue(
        name="St Aidan's Hall", address="2 Church Lane", postcode="DN4 5PL", city="Doncaster"
    )
    return [
        make_meeting(
            name="In person", slug="in-person", venue=venue, types=["O", "X"], notes="Tea"
        ),
        make_meeting(
            name="Hybrid",
            slug="hybrid",
            venue=venue,
            conference_url="https://meet.example.org/h",
            conference_url_notes="Passcode 1",
            day=3,
            end_time=None,
        ),
        make_meeting(
            name="Online NY",
            slug="online-ny",
            venue=None,
            timezone="America/New_York",
            conference_phone="+1 555 0100",
            conference_phone_notes="PIN 42",
            start_time=time(7, 0),
        ),
        make_meeting(
            name="With contact",
            slug="contact",
            contact_name="Jo",
            contact_phone="07700 900001",
            contact_public=True,
        ),
        make_meeting(
            name="Private contact",
            slug="private",
            contact_name="Zebedee",
            contact_phone="07700 900002",
            contact_public=False,
        ),
    ]


def test_export_follows_the_meeting_guide_format(client, listed):
    rows = {r["slug"]: r for r in feed(client)}
    assert set(rows) == {"in-person", "hybrid", "online-ny", "contact", "private"}
    first = rows["in-person"]
    assert (first["day"], first["time"], first["timezone"]) == (1, "19:30", "Europe/London")
    assert first["types"] == ["O", "X"] and first["approximate"] == "no"
    assert first["formatted_address"] == "2 Church Lane, Doncaster, DN4 5PL"
    assert first["location"] == "St Aidan's Hall" and first["latitude"] == pytest.approx(53.5228)
    assert first["url"].endswith("/meetings/in-person")
    assert first["feedback_url"].endswith("/meetings/in-person/suggest")
    assert rows["hybrid"]["conference_url"] == "https://meet.example.org/h"
    online = rows["online-ny"]
    # An online-only meeting carries an approximate place on its own clock, with its country.
    assert online["approximate"] == "yes" and online["country"] == "US"
    assert online["formatted_address"] == "New York City, United States"
    assert round(online["latitude"], 2) == online["latitude"]
    assert online["timezone"] == "America/New_York" and online["conference_phone"] == "+15550100"
    assert rows["contact"]["contact_1_name"] == "Jo"
    assert "contact_1_name" not in rows["private"] and "Zebedee" not in json.dumps(rows)


def test_archived_meetings_are_not_exported(client, listed):
    from community_hub.listings.lifecycle import archive
    from community_hub.listings.registry import KINDS

    archive(KINDS["meetings"], listed[0])
    db.session.commit()
    assert "in-person" not in {r["slug"] for r in feed(client)}


def test_finder_advertises_the_feed(client):
    html = client.get("/").get_data(as_text=True)
    link = '<link rel="alternate" type="application/json" title="Meetings Feed"'
    assert link + ' href="/api/meetings.json">' in html


def test_round_trip_is_identical_apart_from_updated(client, listed, make_org, make_fellowship):
    exported = feed(client)
    # Empty the meetings and venues, then import the feed as a fresh organisation would.
    org = listed[0].organisation
    for meeting in db.session.scalars(db.select(Meeting)):
        db.session.delete(meeting)
    for venue in db.session.scalars(db.select(Venue)):
        db.session.delete(venue)
    db.session.commit()
    target = make_org(name="Importer", slug="importer")
    report = import_feed(exported, target, make_fellowship("aa"), apply=True)
    assert report.ok and report.applied and len(report.added) == 5, report.errors
    db.session.commit()
    assert without_updated(feed(client)) == without_updated(exported)
    assert org.id != target.id


def test_reimporting_the_same_feed_changes_nothing(client, listed, make_fellowship):
    org = listed[0].organisation
    for meeting in listed:
        meeting.organisation = org
    db.session.commit()
    exported = feed(client)
    first = import_feed(exported, org, make_fellowship("aa"), apply=True)
    assert first.ok, first.errors
    # The online meeting takes the approximate place the feed gave it; nothing else changes.
    assert (first.added, first.changed, first.removed) == ([], ["online-ny"], [])
    db.session.commit()
    again = import_feed(exported, org, make_fellowship("aa"), apply=True)
    assert (again.added, again.changed, again.removed, again.unchanged) == ([], [], [], 5)


def test_dry_run_reports_and_saves_nothing(client, listed, make_org, make_fellowship):
    rows = feed(client)
    for meeting in listed:
        db.session.delete(meeting)
    db.session.commit()
    report = import_feed(rows, make_org(), make_fellowship("aa"), apply=False)
    assert report.ok and not report.applied
    assert sorted(report.added) == sorted(r["slug"] for r in rows)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 0


def test_a_slug_another_source_uses_is_given_a_prefix(client, listed, make_org, make_fellowship):
    """Slugs belong to their source: the same slug from another feed imports as well."""
    org = make_org(slug="other-intergroup")
    report = import_feed(feed(client)[:1], org, make_fellowship("aa"), apply=True)
    assert report.applied and report.added == ["other-intergroup-in-person"]
    db.session.commit()
    assert db.session.get(Meeting, listed[0].id).slug == "in-person"  # theirs is untouched


def test_missing_meetings_are_archived_on_apply(app, listed, make_fellowship):
    org = listed[0].organisation
    for meeting in listed:
        meeting.organisation = org
    db.session.commit()
    with app.test_request_context():
        from community_hub.interop.meeting_guide import feed_row

        rows = [feed_row(m, "https://x.example/m", "https://x.example/s") for m in listed[1:]]
    report = import_feed(rows, org, make_fellowship("aa"), apply=True)
    assert report.removed == ["in-person"] and report.applied
    db.session.commit()
    assert listed[0].archived_at is not None


def test_csv_export_and_import_round_trip(client, listed, make_org, make_fellowship):
    from community_hub.interop.csv_format import MEETING_COLUMNS, feed_rows_from_csv

    response = client.get("/api/meetings.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.splitlines()[0] == ",".join(MEETING_COLUMNS)
    exported = feed(client)
    rows = feed_rows_from_csv(text)
    for meeting in db.session.scalars(db.select(Meeting)):
        db.session.delete(meeting)
    db.session.commit()
    report = import_feed(rows, make_org(), make_fellowship("aa"), apply=True)
    assert report.ok and len(report.added) == 5, report.errors
    db.session.commit()
    # The CSV layout has no entity_* columns: the importing organisation keeps the listings.
    again = [{k: v for k, v in r.items() if not k.startswith("entity")} for r in feed(client)]
    before = [{k: v for k, v in r.items() if not k.startswith("entity")} for r in exported]
    assert without_updated(again) == without_updated(before)


def test_csv_cells_cannot_run_as_formulas(client, make_meeting):
    from community_hub.interop.csv_format import feed_rows_from_csv

    make_meeting(name='=HYPERLINK("http://evil.example")', notes="+1 phone tree; -dash; @at")
    text = client.get("/api/meetings.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text and "'+1 phone tree" in text
    row = feed_rows_from_csv(text)[0]
    assert row["name"].startswith("=HYPERLINK") and row["notes"].startswith("+1")
