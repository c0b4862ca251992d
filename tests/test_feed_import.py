"""Meeting Guide feed in: per-row errors, strict mode, lenient reading, the CLI and upload page.

The export, and importing it back (round trip, dry run), are in test_feed.py.
"""

import io
import json
from datetime import time

import pytest

from community_hub.extensions import db
from community_hub.interop.feed_import import import_feed, parse_feed
from community_hub.meetings.models import Meeting

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


def test_a_british_address_without_coordinates_is_placed_offline(make_org, make_fellowship):
    """The gazetteer places a UK address; its row says so, for a coordinator to check."""
    org = make_org(slug="intergroup", timezone="Europe/London")
    row = {
        "slug": "h1", "name": "High Street Group", "day": 3, "time": "19:00",
        "location": "Methodist Hall", "formatted_address": "12 High Street, Doncaster, UK",
    }  # fmt: skip
    report = import_feed([row], org, make_fellowship("aa"), apply=True)
    db.session.commit()
    meeting = db.session.scalar(db.select(Meeting).where(Meeting.slug == "h1"))
    assert meeting.latitude is not None
    assert abs(meeting.latitude - 53.52) < 0.1 and abs(meeting.longitude + 1.13) < 0.1
    assert any("placed from the address" in str(w) for w in report.warnings)
