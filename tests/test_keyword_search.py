"""Keyword search: names, group names, venue names and notes, through each database's index."""

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import text

from community_hub.extensions import db
from community_hub.meetings.search import MeetingQuery, search_meetings

DONCASTER = (53.5228, -1.1285)
SHEFFIELD = (53.3811, -1.4701)
CARDIFF = (51.4816, -3.1791)
MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def names(outcome):
    return sorted(r.meeting.name for r in outcome.results)


def query(**fields):
    fields.setdefault("now", MONDAY_NOON)
    return MeetingQuery(**fields)


@pytest.fixture
def meetings(make_meeting, make_venue):
    quaker = make_venue(name="Friends Meeting House", latitude=DONCASTER[0], longitude=DONCASTER[1])
    return {
        "newcomers": make_meeting(name="Newcomers Welcome", venue_latitude=DONCASTER[0]),
        "group": make_meeting(name="Monday Night", group_name="Serenity Group"),
        "venue": make_meeting(name="Lunchtime", venue=quaker, start_time=time(12, 30)),
        "notes": make_meeting(name="Step Study", notes="Step-free access; hearing loop."),
        "welsh": make_meeting(name="Tuesday Group", name_cy="Grŵp Dydd Mawrth"),
        "sheffield": make_meeting(
            name="Newcomers Sheffield",
            venue_latitude=SHEFFIELD[0],
            venue_longitude=SHEFFIELD[1],
            day=2,
        ),
        "cardiff": make_meeting(
            name="Cardiff Newcomers", venue_latitude=CARDIFF[0], venue_longitude=CARDIFF[1]
        ),
    }


def test_words_find_names_groups_venues_and_notes(meetings) -> None:
    assert names(search_meetings(query(words=("serenity",)))) == ["Monday Night"]
    assert names(search_meetings(query(words=("friends", "house")))) == ["Lunchtime"]
    assert names(search_meetings(query(words=("hearing", "loop")))) == ["Step Study"]
    assert names(search_meetings(query(words=("grŵp",)))) == ["Tuesday Group"]


def test_every_word_must_match_and_the_last_is_a_prefix(meetings) -> None:
    found = names(search_meetings(query(words=("newcom",))))
    assert found == ["Cardiff Newcomers", "Newcomers Sheffield", "Newcomers Welcome"]
    assert names(search_meetings(query(words=("newcomers", "cardiff")))) == ["Cardiff Newcomers"]
    assert names(search_meetings(query(words=("nothing", "like", "this")))) == []
    # Only the last word is a prefix: "newcom welcome" needs a whole word "newcom".
    assert names(search_meetings(query(words=("newcom", "welcome")))) == []


def test_words_combine_with_a_place_and_filters(meetings) -> None:
    near = query(words=("newcomers",), lat=DONCASTER[0], lng=DONCASTER[1], radius_km=40)
    assert names(search_meetings(near)) == ["Newcomers Sheffield", "Newcomers Welcome"]
    near.days = frozenset({2})
    assert names(search_meetings(near)) == ["Newcomers Sheffield"]
    nearest = query(words=("newcomers",), lat=DONCASTER[0], lng=DONCASTER[1], limit=2)
    assert names(search_meetings(nearest)) == ["Newcomers Sheffield", "Newcomers Welcome"]


def test_operators_and_punctuation_are_plain_words(meetings) -> None:
    for typed in (("and",), ("near",), ("or", "not"), ("newcomers", "or")):
        assert names(search_meetings(query(words=typed))) == []


def test_changes_reach_the_index(meetings, make_venue) -> None:
    meeting = meetings["group"]
    meeting.group_name = "Hope Group"
    db.session.commit()
    assert names(search_meetings(query(words=("serenity",)))) == []
    assert names(search_meetings(query(words=("hope",)))) == ["Monday Night"]
    venue = meetings["venue"].venue
    venue.name = "Quaker Hall"
    db.session.commit()
    assert names(search_meetings(query(words=("quaker",)))) == ["Lunchtime"]
    assert names(search_meetings(query(words=("friends",)))) == []
    db.session.delete(meetings["notes"])
    db.session.commit()
    assert names(search_meetings(query(words=("hearing",)))) == []


def test_the_database_uses_its_full_text_index(app, meetings) -> None:
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(
            text("SELECT rowid FROM meeting_fts WHERE meeting_fts MATCH 'serenity'")
        ).all()
        assert rows == [(meetings["group"].id,)]
    else:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = db.session.execute(
            text(
                "EXPLAIN SELECT id FROM meeting WHERE to_tsvector('simple', search_text) "
                "@@ to_tsquery('simple', 'serenity')"
            )
        ).all()
        assert "ix_meeting_search" in " ".join(row[0] for row in plan)
