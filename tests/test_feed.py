"""Meeting Guide feed: export, import with per-row errors, dry run, round trip."""

import io
import json
from datetime import time

import pytest

from community_hub.extensions import db
from community_hub.interop.feed_import import import_feed, parse_feed
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


GOOD = {
    "slug": "good",
    "name": "Good",
    "day": 2,
    "time": "10:00",
    "timezone": "Europe/London",
    "conference_url": "https://meet.example.org/g",
}
BAD_ROWS = [
    ({"slug": "a", "name": "A", "day": 9, "time": "19:00"}, "day", "is not 0 (Sunday) to 6"),
    ({"slug": "b", "name": "B", "day": 1, "time": "25:00"}, "time", "'25:00' is not a time"),
    ({"slug": "d", "name": "D", "day": 1, "time": "19:00", "timezone": "Mars/Base"},
     "timezone", "not an IANA"),
    ({"slug": "f", "name": "F", "day": 1, "time": "19:00", "latitude": 95, "longitude": 0,
      "location": "Hall"}, "latitude", "not on Earth"),
    ({"slug": "g", "name": "G", "day": 1, "time": "19:00", "latitude": "NaN", "longitude": 0,
      "location": "Hall"}, "latitude", "not on Earth"),
    ({"slug": "", "name": "H", "day": 1, "time": "19:00"}, "slug", "missing"),
    ({"slug": "i", "day": 1, "time": "19:00"}, "name", "missing"),
    ("not an object", "", "JSON object"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "field", "message"), BAD_ROWS)
def test_a_bad_row_is_rejected_with_row_slug_field_and_reason_and_the_rest_apply(
    make_org, make_fellowship, row, field, message
):
    report = import_feed([GOOD, row], make_org(), make_fellowship("aa"), apply=True)
    assert report.applied and report.added == ["good"]
    assert [(e.row, e.field) for e in report.errors] == [(2, field)]
    assert message in report.errors[0].message
    if isinstance(row, dict) and row.get("slug"):
        assert report.errors[0].slug == row["slug"]
    assert db.session.scalar(db.select(Meeting.slug)) == "good"


@pytest.mark.parametrize(("row", "field", "message"), BAD_ROWS)
def test_strict_saves_nothing_when_any_row_is_rejected(
    make_org, make_fellowship, row, field, message
):
    report = import_feed([GOOD, row], make_org(), make_fellowship("aa"), apply=True, strict=True)
    assert not report.applied and report.errors
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 0


def test_what_the_spec_leaves_open_is_read_leniently(make_org, make_fellowship):
    """No time zone, non-spec codes, 12-hour times, HTML, integer slugs and postcodes."""
    org = make_org(timezone="America/Chicago")
    row = {
        "slug": 369, "name": "Tues &amp; Thurs <b>Group</b>", "day": "2", "time": "7:00 PM",
        "end_time": "8:30 pm", "types": ["O", "onl", "LGBTQIA"], "postal_code": 64113,
        "notes": "Line one<br>Line &quot;two&quot;", "address": "6101 Ward Pkwy",
        "city": "Kansas City", "state": "MO", "country": "USA",
        "latitude": 39.01, "longitude": -94.60,
    }  # fmt: skip
    report = import_feed([row], org, make_fellowship("aa"), apply=True)
    assert report.ok and report.applied
    assert [(w.field, w.message) for w in report.warnings] == [
        ("types", "ONL, LGBTQIA not in the Meeting Guide types: left out")
    ]
    meeting = db.session.scalars(db.select(Meeting)).one()
    assert meeting.slug == f"{org.slug}-369" and meeting.source_slug == "369"
    assert meeting.name == "Tues & Thurs Group" and meeting.notes == 'Line one\nLine "two"'
    assert (meeting.start_time, meeting.end_time) == (time(19, 0), time(20, 30))
    assert meeting.timezone == "America/Chicago" and meeting.type_list == ["O"]
    venue = meeting.venue
    assert (venue.state, venue.postcode, venue.country) == ("MO", "64113", "USA")


def test_a_list_of_days_becomes_one_meeting_per_day(make_org, make_fellowship):
    row = {
        "slug": "daily",
        "name": "Daily",
        "day": [1, 2],
        "time": "07:00",
        "timezone": "Europe/London",
        "conference_url": "https://meet.example.org/d",
    }
    report = import_feed([row], make_org(), make_fellowship("aa"), apply=True)
    assert sorted(report.added) == ["daily-1", "daily-2"]


def test_not_a_feed_is_refused_clearly():
    from community_hub.interop.feed_import import FeedError

    with pytest.raises(FeedError, match="not valid JSON"):
        parse_feed("{nope")
    with pytest.raises(FeedError, match="JSON list"):
        parse_feed('{"a": 1}')


def test_cli_import_is_a_dry_run_unless_applied(app, runner, tmp_path, make_org, make_fellowship):
    make_fellowship("aa")
    org = make_org(slug="intergroup")
    db.session.commit()
    path = tmp_path / "feed.json"
    path.write_text(
        json.dumps(
            [
                {
                    "slug": "cli",
                    "name": "CLI",
                    "day": 0,
                    "time": "18:00",
                    "timezone": "Europe/London",
                    "conference_url": "https://meet.example.org/c",
                }
            ]
        )
    )
    dry = runner.invoke(args=["import-feed", str(path), "--organisation", org.slug])
    assert dry.exit_code == 0 and "Dry run" in dry.output and "add 1" in dry.output
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 0
    applied = runner.invoke(args=["import-feed", str(path), "--organisation", org.slug, "--apply"])
    assert applied.exit_code == 0 and "Applied" in applied.output
    assert db.session.scalar(db.select(Meeting.slug)) == "cli"


def test_cli_import_with_errors_exits_non_zero(app, runner, tmp_path, make_org, make_fellowship):
    make_fellowship("aa")
    org = make_org(slug="intergroup")
    db.session.commit()
    path = tmp_path / "feed.json"
    path.write_text(
        json.dumps(
            [{"slug": "x", "name": "X", "day": 1, "time": "soon", "timezone": "Europe/London"}]
        )
    )
    strict = ["import-feed", str(path), "--organisation", org.slug, "--apply", "--strict"]
    result = runner.invoke(args=strict)
    assert result.exit_code != 0
    assert "row 1 (x), time: 'soon' is not a time" in result.output
    assert "Nothing was saved" in result.output


def test_admin_upload_page_dry_run_then_apply(client, auth, make_user, make_org, make_fellowship):
    admin = make_user("admin")
    aa = make_fellowship("aa")
    org = make_org()
    db.session.commit()
    auth.login(admin)
    body = json.dumps(
        [
            {
                "slug": "up",
                "name": "Uploaded",
                "day": 4,
                "time": "19:00",
                "timezone": "Europe/London",
                "conference_url": "https://meet.example.org/u",
            }
        ]
    ).encode()
    data = {"organisation_id": org.id, "fellowship_id": aa.id}
    dry = client.post(
        "/manage/import",
        data=data | {"feed": (io.BytesIO(body), "feed.json")},
        content_type="multipart/form-data",
    )
    assert dry.status_code == 200 and "Dry run" in dry.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 0
    applied = client.post(
        "/manage/import",
        data=data | {"apply": "y", "feed": (io.BytesIO(body), "feed.json")},
        content_type="multipart/form-data",
    )
    assert applied.status_code == 200 and "Imported" in applied.get_data(as_text=True)
    assert db.session.scalar(db.select(Meeting.name)) == "Uploaded"


def test_import_page_is_for_admins_only(client, auth, make_user):
    auth.login(make_user("coordinator"))
    assert client.get("/manage/import").status_code == 403


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


def test_csv_import_reports_rows_like_the_feed(make_org, make_fellowship):
    from community_hub.interop.feed_import import read_upload

    text = "slug,name,day,time,timezone,types,conference_url\n"
    text += "ok,Fine,1,19:00,Europe/London,O D,https://meet.example.org/a\n"
    text += "bad,Broken,8,19:00,Europe/London,O,https://meet.example.org/b\n"
    rows = read_upload("meetings.csv", text.encode())
    report = import_feed(rows, make_org(), make_fellowship("aa"), apply=True)
    assert [str(e) for e in report.errors] == [
        "row 2 (bad), day: 8 is not 0 (Sunday) to 6 (Saturday)"
    ]
    assert report.applied and report.added == ["ok"]


def test_a_feed_nested_100000_levels_deep_is_refused_with_a_reason(
    client, auth, make_user, make_org, make_fellowship
):
    admin, org, aa = make_user("admin"), make_org(), make_fellowship("aa")
    db.session.commit()
    auth.login(admin)
    hostile = b"[" * 100_000 + b"]" * 100_000
    response = client.post(
        "/manage/import",
        data={"organisation_id": org.id, "fellowship_id": aa.id,
              "feed": (io.BytesIO(hostile), "feed.json")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 400
    assert "nests more than 32 levels deep" in response.get_data(as_text=True)
